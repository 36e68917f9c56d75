#!/usr/bin/env bash
# Tokenizer benchmark: encode throughput (GPT-2, WikiText-2 test) and BPE training time (4096 on tiny Shakespeare),
# with machine facts and anchors measured in the same run. Usage: bench/tokenize.sh [SHARED_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="$(cd "${1:-$root/../shared}" && pwd)"
cd "$root"
[ -f target/llm.jar ] && [ -d target/lib ] || mvn -B -q -o package -DskipTests
wiki="$shared/data/wikitext-2-raw/wiki.test.raw"
shk="$shared/data/tiny-shakespeare/input.txt"
gpt2="$shared/tokenizers/gpt2/tokenizer.json"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

echo "== machine"
echo "date: $(date -u +%FT%TZ)  host cores: $(nproc)  cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)  java: $(java -version 2>&1 | head -1)"

echo "== anchors (same run)"
for i in 1 2 3 4 5 6 7 8; do cat "$wiki"; done > "$tmp/wiki8.txt"
size=$(stat -c %s "$tmp/wiki8.txt")
t0=$(date +%s.%N); gzip -1 -c "$tmp/wiki8.txt" > /dev/null; t1=$(date +%s.%N)
awk -v s="$size" -v a="$t0" -v b="$t1" 'BEGIN { printf "gzip -1 on wiki.test.raw x8 (%.1f MB): %.1f MB/s (one core)\n", s/1e6, s/1e6/(b-a) }'
t0=$(date +%s.%N); wc -w "$tmp/wiki8.txt" > /dev/null; t1=$(date +%s.%N)
awk -v s="$size" -v a="$t0" -v b="$t1" 'BEGIN { printf "wc -w: %.1f MB/s\n", s/1e6/(b-a) }'

echo "== in-process (JVM warm where it says so)"
java -Xss8m -cp "target/classes:target/lib/*" bench/TokenizeBench.java "$shared" 2>/dev/null

echo "== end to end (bin/llm, JVM start and tokenizer load included; wall and user+sys CPU)"
bin/llm --version > /dev/null  # builds the jar first if the sources changed
run() { # run LABEL MB CMD...: prints wall, CPU and MB/s by each
  local label=$1 mb=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@"
  read -r wall user sys _ < "$tmp/time"
  awk -v l="$label" -v mb="$mb" -v w="$wall" -v u="$user" -v s="$sys" \
    'BEGIN { printf "%s: %.2f s wall, %.2f CPU-s", l, w, u+s; if (mb > 0) printf " = %.1f MB/s wall, %.1f MB per CPU-s", mb/w, mb/(u+s); printf "\n" }'
}
mb1=$(awk -v s="$(stat -c %s "$wiki")" 'BEGIN { print s/1e6 }')
mb8=$(awk -v s="$size" 'BEGIN { print s/1e6 }')
run "tokenize --bin wiki.test.raw (${mb1} MB)" "$mb1" bin/llm tokenize -q --tokenizer "$gpt2" --bin "$tmp/w.bin" "$wiki"
run "tokenize --bin wiki.test.raw x8 (${mb8} MB)" "$mb8" bin/llm tokenize -q --tokenizer "$gpt2" --bin "$tmp/w8.bin" "$tmp/wiki8.txt"
run "tokenize --bin, wiki.test.raw x80 on stdin ($(awk -v m="$mb8" 'BEGIN { print m*10 }') MB, -Xmx64m)" "$(awk -v m="$mb8" 'BEGIN { print m*10 }')" \
  bash -c 'for i in 1 2 3 4 5 6 7 8 9 10; do cat "$2"; done | LLM_JAVA_OPTS=-Xmx64m bin/llm tokenize -q --tokenizer "$1" --bin "$3" -' _ "$gpt2" "$tmp/wiki8.txt" "$tmp/w80.bin"
echo "  max RSS of that run: $(awk '{ print $4 }' "$tmp/time") KB; shard $(stat -c %s "$tmp/w80.bin") bytes"
run "tokenize (text ids) wiki.test.raw x8" "$mb8" bash -c 'bin/llm tokenize -q --tokenizer "$1" "$2" > /dev/null' _ "$gpt2" "$tmp/wiki8.txt"
run "tokenize --decode of the x8 shard" 0 bash -c 'bin/llm tokenize -q --tokenizer "$1" --decode "$2" > "$3"' _ "$gpt2" "$tmp/w8.bin" "$tmp/back.txt"
cmp -s "$tmp/back.txt" "$tmp/wiki8.txt" && echo "decoded text identical to the input" || echo "decoded text DIFFERS"
run "tokenize --train --vocab-size 4096 tiny-shakespeare" 0 bin/llm tokenize -q --train --vocab-size 4096 -o "$tmp/tok.json" "$shk"
n=$(bin/llm tokenize -q --tokenizer "$tmp/tok.json" --count "$shk")
echo "trained tokenizer: $n tokens for $(stat -c %s "$shk") bytes ($(awk -v n="$n" -v b="$(stat -c %s "$shk")" 'BEGIN { printf "%.2f", b/n }') bytes/token)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
