#!/usr/bin/env bash
# memorize-check throughput (issue 6): documents per second at --prefix-tokens 32 --suffix-tokens 32, batched
# (--batch-size 32 and 8: one forward pass per generated token for the whole batch, KV cache) vs one document at a time
# (--batch-size 1). The rate is the command's own timing line (model loaded, JVM start excluded); the records of every
# batch size must be identical (checked).
# usage: bench/memorize.sh [MODEL [DOCS_FILE SPLIT LIMIT]]
#   default: the bundled models/default on WikiText-2 test articles (--split wikitext), else stories260K on the first
#   64 TinyStories paragraphs. THREADS=N passes --threads N (default: libtorch's choice).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="$(cd "${LLM_SHARED:-$root/../shared}" && pwd)"
cd "$root"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
model="${1:-}"
if [ -z "$model" ]; then
  if [ -f models/default/config.json ]; then model=models/default; else model="$shared/models/stories260K/stories260K.bin"; fi
fi
if [ -n "${2:-}" ]; then docs="$2"; split="${3:-none}"; limit="${4:-64}"
elif [[ "$model" == *stories260K* ]]; then docs="$shared/data/tinystories/tinystories-2.5k.txt"; split=blank-line; limit=64
else docs="$shared/data/wikitext-2-raw/wiki.test.raw"; split=wikitext; limit=64
fi
tok=()
[[ "$model" == *stories260K.bin ]] && tok=(--tokenizer "$(dirname "$model")/tok512.bin")
threads=()
[ -n "${THREADS:-}" ] && threads=(--threads "$THREADS")

bin/llm --version > /dev/null # builds the jar if the sources changed
echo "== machine"
echo "date: $(date -u +%FT%TZ)  cores: $(nproc)  cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)  threads: ${THREADS:-default}"
echo "model: $model   documents: $docs (--split $split --limit $limit)   32/32 tokens"
for bs in 1 8 32; do
  bin/llm memorize-check --device cpu "${threads[@]}" --model "$model" "${tok[@]}" --split "$split" --limit "$limit" \
      --batch-size "$bs" --format jsonl "$docs" > "$tmp/out$bs.jsonl" 2> "$tmp/err$bs.txt" || true
  line=$(grep 'documents/s' "$tmp/err$bs.txt" | tail -1)
  echo "batch $bs: ${line#memorize-check: }"
  grep -E '^(exact|memorized)' "$tmp/err$bs.txt" | sed 's/^/    /' || true
done
for bs in 8 32; do
  cmp -s "$tmp/out1.jsonl" "$tmp/out$bs.jsonl" && echo "records of --batch-size $bs identical to --batch-size 1" \
    || echo "records of --batch-size $bs DIFFER from --batch-size 1"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
