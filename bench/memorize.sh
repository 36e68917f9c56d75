#!/usr/bin/env bash
# memorize-check throughput (issue 6): documents per second at --prefix-tokens 32 --suffix-tokens 32, batched
# (--batch-size 32 and 8: one forward pass per generated token for the whole batch, KV cache) vs one document at a time
# (--batch-size 1), with each of the model's two decoders: the plain-Java CPU decoder (the default on CPU; rows of a
# batch may have prompts of different lengths) and the DJL one (libtorch; the default on GPU), chosen with
# -Dllm.decoder; "auto" is what a user gets (memorize-check sends batches of 8+ equal-length prompts to DJL). The rate is the command's own timing line (model loaded, JVM start excluded); the records of every
# run must be identical (checked).
# usage: bench/memorize.sh [MODEL [DOCS_FILE SPLIT LIMIT]]
#   default: the bundled models/default on the 62 WikiText-2 test articles (--split wikitext, 4 windows each), else
#   stories260K on the first 256 TinyStories paragraphs. THREADS=N passes --threads N (default: libtorch's choice).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="$(cd "${LLM_SHARED:-$root/../shared}" && pwd)"
cd "$root"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
model="${1:-}"
if [ -z "$model" ]; then
  if [ -f models/default/config.json ]; then model=models/default; else model="$shared/models/stories260K/stories260K.bin"; fi
fi
windows=1
if [ -n "${2:-}" ]; then docs="$2"; split="${3:-none}"; limit="${4:-256}"
elif [[ "$model" == *stories260K* ]]; then docs="$shared/data/tinystories/tinystories-2.5k.txt"; split=blank-line; limit=256
else docs="$shared/data/wikitext-2-raw/wiki.test.raw"; split=wikitext; limit=64; windows=4 # 62 articles x 4 windows
fi
tok=()
[[ "$model" == *stories260K.bin ]] && tok=(--tokenizer "$(dirname "$model")/tok512.bin")
threads=()
[ -n "${THREADS:-}" ] && threads=(--threads "$THREADS")

bin/llm --version > /dev/null # builds the jar if the sources changed
echo "== machine"
echo "date: $(date -u +%FT%TZ)  cores: $(nproc)  cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)  threads: ${THREADS:-default}"
echo "model: $model   documents: $docs (--split $split --limit $limit --windows $windows)   32/32 tokens"
for dec in auto java djl; do
  for bs in 1 8 32; do
    opts=""; [ "$dec" != auto ] && opts="-Dllm.decoder=$dec"
    LLM_JAVA_OPTS="$opts" bin/llm memorize-check --device cpu "${threads[@]}" --model "$model" "${tok[@]}" \
        --split "$split" --limit "$limit" --windows "$windows" --batch-size "$bs" --format jsonl "$docs" > "$tmp/out-$dec-$bs.jsonl" \
        2> "$tmp/err-$dec-$bs.txt" || true
    line=$(grep 'documents/s' "$tmp/err-$dec-$bs.txt" | tail -1)
    echo "decoder $dec, batch $bs: ${line#memorize-check: }"
    cmp -s "$tmp/out-auto-1.jsonl" "$tmp/out-$dec-$bs.jsonl" || echo "    records DIFFER from decoder auto, batch 1"
  done
done
grep -E '^(exact|memorized)' "$tmp/err-auto-1.txt" || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
