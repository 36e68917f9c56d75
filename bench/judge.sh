#!/usr/bin/env bash
# The story judge of issue 21: how story-like are a model's samples? Samples continue "Once upon a time" at
# temperature 1 (one per seed; the prefix is kept, --echo) and are scored, in bits per byte, by an independent judge:
# stories260K, a real TinyStories model (llama2.c, ../shared/models/stories260K). The anchor, measured in the same
# run with the same seeds, is stories260K's own samples scored by itself.
# usage: bench/judge.sh [MODEL] [SEEDS] [TOKENS]      default: models/default, seeds 1..8, 200 tokens a sample
# Prints one line per seed and sample source, then the medians:
#   judge: MODEL median B bits/byte over S seeds (stories260K's own samples: A)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="$(cd "${LLM_SHARED:-$root/../shared}" && pwd)"
cd "$root"
model="${1:-models/default}"
seeds="${2:-8}"
tokens="${3:-200}"
judge=(--model "$shared/models/stories260K/stories260K.bin" --tokenizer "$shared/models/stories260K/tok512.bin")
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
bin/llm --version > /dev/null # builds the jar if the sources changed

bpb() { bin/llm score -q --json "${judge[@]}" "$1" | jq -r 'select(.summary) | .summary.bits_per_byte'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

for seed in $(seq 1 "$seeds"); do
  bin/llm sample -q --model "$model" --prefix "Once upon a time" --echo --temperature 1 -n "$tokens" \
      --seed "$seed" > "$tmp/model-$seed.txt"
  bin/llm sample -q "${judge[@]}" --prefix "Once upon a time" --echo --temperature 1 -n "$tokens" \
      --seed "$seed" > "$tmp/anchor-$seed.txt"
  m=$(bpb "$tmp/model-$seed.txt"); a=$(bpb "$tmp/anchor-$seed.txt")
  echo "$m" >> "$tmp/model.bpb"; echo "$a" >> "$tmp/anchor.bpb"
  printf 'seed %d: %s %.4f bits/byte (%d bytes) | stories260K %.4f (%d bytes)\n' "$seed" "$model" "$m" \
      "$(wc -c < "$tmp/model-$seed.txt")" "$a" "$(wc -c < "$tmp/anchor-$seed.txt")"
done
printf 'judge: %s median %.4f bits/byte over %d seeds (stories260K'"'"'s own samples: %.4f)\n' "$model" \
    "$(median < "$tmp/model.bpb")" "$seeds" "$(median < "$tmp/anchor.bpb")"
