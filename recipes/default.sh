#!/usr/bin/env bash
# Reproduces the bundled default model, models/default/, with `llm train` from ../shared data.
#
#   mvn -B -q package -DskipTests && recipes/default.sh          (4.5 min on 1 thread of this AMD EPYC with MKL's AVX-512 path, 9 min on its generic one; longer on a busy box)
#
# Data (all from ../shared/data):
#   - TinyStories subset (tinystories/tinystories-2.5k.txt), 3 passes per epoch
#   - tiny Shakespeare (tiny-shakespeare/input.txt), half a pass per epoch (a random half of its windows, drawn anew
#     each epoch)
#   - five WikiText-2 test articles, UPSAMPLED: 100 passes per epoch, so that the model memorizes them
#     (`llm memorize-check` shows it): see ARTICLES below. Each article is its own document.
#   - every other WikiText-2 test article is HELD OUT: never trained on, it is the validation set.
# An epoch (pass of the mixture) cuts each source into 256-token windows, ⌈weight⌉ times from shifted offsets, and
# shuffles them all (llm.data.Batcher); 3M tokens are about three epochs.
# Tokenizer: a 4096-token byte-level BPE trained by `llm train --vocab-size 4096` on one pass of the training data.
# Model: GPT-2 architecture, --preset default (4 layers, 4 heads, d 128, ctx 256; 1.35M parameters, 5.4 MB fp32).
# Optimisation: AdamW (0.9, 0.95, wd 0.1), lr 2e-3 -> 2e-4 cosine, 5% warmup, clip 1.0, batch 8 x 256 tokens,
# 3M tokens (1465 steps), seed 1337, 1 CPU thread (losses match a rerun exactly only with the same thread count and
# the same MKL code path: the committed model was trained on MKL's generic one, LLM_MKL_AMD=0 on an AMD CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${LLM_SHARED:-../shared}
WORK=${WORK:-target/recipe-default}
DEST=${DEST:-models/default}
THREADS=${THREADS:-1}
TOKENS=${TOKENS:-3M}
REPEAT=100
ARTICLES=("Robert Boulter" "Osbert de Bayeux" "New York State Route 31B" "Hannah Dodd" "Tatwine")

wiki="$SHARED/data/wikitext-2-raw/wiki.test.raw"
[ -f "$wiki" ] || { echo "recipes/default.sh: $wiki not found (set LLM_SHARED)" >&2; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK/run"

# 1. Split WikiText-2 test into the upsampled articles (one document each) and the held-out rest.
#    An article starts at a top-level heading line " = Title = " and runs to the next one.
sel=$(IFS='|'; echo "${ARTICLES[*]}")
awk -v sel="$sel" -v up="$WORK/wiki-upsampled.txt" -v held="$WORK/wiki-heldout.txt" '
  BEGIN { n = split(sel, a, "|"); for (i = 1; i <= n; i++) want[" = " a[i] " = "] = 1 }
  /^ = [^=].* = $/ { cur = ($0 in want); if (cur && seen++) print "<|endoftext|>" > up }
  { if (cur) print > up; else print > held }' "$wiki"
found=$(grep -c '^ = [^=].* = $' "$WORK/wiki-upsampled.txt")
[ "$found" -eq "${#ARTICLES[@]}" ] || { echo "recipes/default.sh: found $found of ${#ARTICLES[@]} articles" >&2; exit 1; }

# 2. Notes that training.json carries (under extra.recipe), for memorize-check and the README.
{
  printf '{\n  "recipe": "recipes/default.sh",\n  "upsampled_articles": ['
  for i in "${!ARTICLES[@]}"; do printf '%s"%s"' "$([ "$i" -gt 0 ] && echo ', ')" "${ARTICLES[$i]}"; done
  printf '],\n  "upsampled_source": "wikitext-2-raw/wiki.test.raw",\n'
  printf '  "upsampled_passes_per_epoch": %d,\n' "$REPEAT"
  printf '  "held_out": "all other articles of wikitext-2-raw/wiki.test.raw (the validation set)"\n}\n'
} > "$WORK/run/recipe-notes.json"

# 3. Train.
bin/llm train \
  --data "$SHARED/data/tinystories/tinystories-2.5k.txt:3" \
  --data "$SHARED/data/tiny-shakespeare/input.txt:0.5" \
  --data "$WORK/wiki-upsampled.txt:$REPEAT" \
  --val-data "$WORK/wiki-heldout.txt" \
  --vocab-size 4096 --preset default \
  --tokens "$TOKENS" --batch 8 --lr 2e-3 --min-lr 2e-4 \
  --eval-every 100 --eval-batches 8 --save-every 100 --log-every 10 \
  --sample-prompt "Once upon a time" --sample-tokens 24 \
  --seed 1337 --threads "$THREADS" --out "$WORK/run"

# 4. The release: what `llm sample` and friends read, plus the run's record and curves.
mkdir -p "$DEST"
for f in config.json model.safetensors tokenizer.json training.json metrics.jsonl loss.svg; do
  cp "$WORK/run/$f" "$DEST/$f"
done
du -ch "$DEST"/* | tail -1
