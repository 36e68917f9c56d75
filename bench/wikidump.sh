#!/usr/bin/env bash
# MediaWiki dump reading speed: `llm extract` (bzip2 multistream decompression on all cores, StAX, wikitext → plain
# text on all cores, JSON Lines out), and its stages alone (bench/WikiDumpBench.java: decompression; + XML; + plain
# text — each with its JVM start and source compilation, ~1-2 CPU-s), against `bzcat FILE | wc -c` of the same file (and `lbzip2 -dc` when installed),
# on a multistream dump of >= MIN_MB MB of XML built by repeating the pages of ../shared's English dump (into $TMPDIR,
# never the repo). Median of RUNS alternating runs; wall and CPU seconds. Optional: WIKIEXTRACTOR=/path/to/
# WikiExtractor.py (attardi/wikiextractor, run with python3) is timed on the same file too.
# Usage: [STAGES=1] bench/wikidump.sh [MIN_MB (60)] [RUNS (3)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${LLM_SHARED:-$root/../shared}"
src="$shared/data/wikipedia-dumps/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
min_mb="${1:-60}"
runs="${2:-3}"
tmp="${TMPDIR:-/tmp}/llm-wikidump-bench"
mkdir -p "$tmp"
dump="$tmp/enwiki-repeated-${min_mb}MB-multistream.xml.bz2"
[ -f "$src" ] || { echo "wikidump.sh: $src not found (../shared)" >&2; exit 1; }
if [ ! -f "$dump" ]; then # built under another name first: a stopped build leaves no half dump
  python3 "$root/bench/wikidump_build.py" "$src" "$dump.part" "$min_mb" && mv "$dump.part" "$dump"
fi
llm="$root/bin/llm"
"$llm" --version >/dev/null # builds the jar first, outside the timings

xml_bytes=$(bzcat "$dump" | wc -c)
articles=$("$llm" extract "$dump" | wc -l)
echo "file: $dump ($(stat -c %s "$dump") bytes bzip2, $xml_bytes bytes of XML, $articles articles)"
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load $(cut -d' ' -f1-3 /proc/loadavg)"

# time_cmd NAME CMD...: appends "wall cpu" to $tmp/NAME.times
time_cmd() {
  local name="$1"; shift
  local t0 t1 c0 c1
  t0=$(date +%s.%N)
  c0=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
  bash -c "$*" >/dev/null
  t1=$(date +%s.%N)
  c1=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
  echo "$(echo "$t1 - $t0" | bc -l) $(echo "($c1 - $c0) / $(getconf CLK_TCK)" | bc -l)" >> "$tmp/$name.times"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

stage() { echo "java -Xss8m -cp '$root/target/classes:$root/target/lib/*' '$root/bench/WikiDumpBench.java' $1 '$dump'"; }
names=(bzcat llm_extract)
cmds=("bzcat '$dump' | wc -c" "'$llm' extract '$dump'")
if [ "${STAGES:-0}" = 1 ]; then
  names+=(java_decompress java_pages java_articles)
  cmds+=("$(stage decompress)" "$(stage pages)" "$(stage articles)")
fi
if command -v lbzip2 >/dev/null; then names+=(lbzip2); cmds+=("lbzip2 -dc '$dump' | wc -c"); fi
if [ -n "${WIKIEXTRACTOR:-}" ]; then
  names+=(wikiextractor); cmds+=("python3 '$WIKIEXTRACTOR' -q --processes $(nproc) -o - '$dump'")
fi
for n in "${names[@]}"; do rm -f "$tmp/$n.times"; done
for ((r = 1; r <= runs; r++)); do
  for i in "${!names[@]}"; do time_cmd "${names[$i]}" "${cmds[$i]}"; done
done
printf '%-14s %9s %9s %10s %12s %s\n' what wall_s cpu_s "MB/s" articles/s "runs (wall)"
for n in "${names[@]}"; do
  wall=$(cut -d' ' -f1 "$tmp/$n.times" | median)
  cpu=$(cut -d' ' -f2 "$tmp/$n.times" | median)
  printf '%-14s %9.2f %9.2f %10.1f %12.0f %s\n' "$n" "$wall" "$cpu" "$(echo "$xml_bytes / 1000000 / $wall" | bc -l)" \
    "$(echo "$articles / $wall" | bc -l)" "$(cut -d' ' -f1 "$tmp/$n.times" | xargs printf '%.1f ')"
done
b=$(cut -d' ' -f1 "$tmp/bzcat.times" | median)
e=$(cut -d' ' -f1 "$tmp/llm_extract.times" | median)
echo "llm extract / bzcat (wall, medians): $(echo "$e / $b" | bc -l | xargs printf '%.2f')"
