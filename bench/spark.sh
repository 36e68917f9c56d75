#!/usr/bin/env bash
# llm-spark throughput (issue 18): memorize-check on the WikiText-2 test articles (--split wikitext, 32/32 tokens,
# 1 window) with the bundled model, as one process (bin/llm) and as a Spark job on local[1] and local[2]
# (bin/llm-spark, --partitions 8), REPS times interleaved. Reported per run: the wall time of the process, the
# command's own documents/s line (llm: model loaded, JVM start excluded; llm-spark: from the job's start, so the
# executors' model load and the driver's reading are in it, the Spark session's start-up is not), and the Spark
# session's start-up (the driver's "Spark session ... in" line). The records of every run must equal llm's (checked).
# usage: [WINDOWS=K] bench/spark.sh [REPS]   (default 3 reps of 1 window per article; the machine is shared: read
#   medians; WINDOWS=4 quadruples the work per document, which separates fixed costs from per-window ones)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="$(cd "${LLM_SHARED:-$root/../shared}" && pwd)"
cd "$root"
reps="${1:-3}"
docs="$shared/data/wikitext-2-raw/wiki.test.raw"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
bin/llm --version > /dev/null
bin/llm-spark --help > /dev/null # builds the application if needed
echo "== machine"
echo "date: $(date -u +%FT%TZ)  cores: $(nproc)  cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
args=(memorize-check --split wikitext --windows "${WINDOWS:-1}" --format jsonl "$docs")
for r in $(seq 1 "$reps"); do
  for how in llm local1 local2; do
    t0=$(date +%s.%N)
    case "$how" in
      llm) bin/llm "${args[@]}" > "$tmp/$how.jsonl" 2> "$tmp/$how.err" ;;
      local1) bin/llm-spark --master 'local[1]' "${args[@]}" --partitions 8 > "$tmp/$how.jsonl" 2> "$tmp/$how.err" ;;
      local2) bin/llm-spark --master 'local[2]' "${args[@]}" --partitions 8 > "$tmp/$how.jsonl" 2> "$tmp/$how.err" ;;
    esac
    t1=$(date +%s.%N)
    [ "$how" = llm ] && cp "$tmp/llm.jsonl" "$tmp/ref.jsonl"
    same=same; cmp -s "$tmp/ref.jsonl" "$tmp/$how.jsonl" || same=DIFFERENT
    rate="$(grep -o '[0-9.]* documents/s' "$tmp/$how.err" | tail -1)"
    sess="$(grep -o 'Spark session ([^)]*) in [0-9.]* s' "$tmp/$how.err" | sed 's/.* in //' || true)"
    printf '%s rep %d: wall %.1f s, %s, %s records, session %s, load %s\n' "$how" "$r" "$(echo "$t1 - $t0" | bc)" \
      "$rate" "$same" "${sess:--}" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
echo "records: $(wc -l < "$tmp/ref.jsonl") lines"
