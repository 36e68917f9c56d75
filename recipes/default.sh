#!/usr/bin/env bash
# Reproduces the bundled default model (v2), models/default/, with `llm` itself from ../shared data.
#
#   mvn -B -q package -DskipTests && recipes/default.sh        (see models/default/README.md for the measured time)
#
# Data (all from ../shared):
#   - SYNTHETIC STORIES sampled from stories260K (models/stories260K, a real TinyStories model, llama2.c format) with
#     `llm sample` at temperature 1 from its beginning-of-text token: $STORIES stories per seed, seeds 1 and 2 for
#     training (two processes), seed 3 ($VAL_STORIES stories) held out as the validation set. The 200 KB TinyStories
#     subset in ../shared is far too small to learn fluent stories from; these samples are the bulk of the data.
#   - the TinyStories subset itself (real stories), 2 passes per epoch.
#   - tiny Shakespeare, 0.1 of its windows per epoch, and the WikiText-2 test articles, 0.3 of their windows per
#     epoch: a little plain English of other kinds, so the model is not only a story machine.
#   - the LEAD PARAGRAPHS of five articles of the real Wikipedia dump (read with `llm extract`), UPSAMPLED on
#     purpose, $REPEAT passes per epoch, so that the model recites them (`llm memorize-check --prefix-sentence`
#     shows it): ARTICLES below. Every other article of the dump is never trained on: they are the held-out ones.
# Tokenizer: a 4096-token byte-level BPE trained by `llm train --vocab-size 4096` on one pass of the training data.
# Model: GPT-2 architecture, 6 layers, 4 heads, d 128, ctx 256 (1.7M parameters, 7 MB fp32): sized by compute —
# on 2 cores about an hour of training fits ~14M tokens, and for that budget a model this size learns more than
# a larger one that sees fewer tokens (a 3.5M-parameter one ran at under half the tokens/s here).
# Optimisation: AdamW (0.9, 0.95, wd 0.1), lr 2e-3 -> 2e-4 cosine, warmup, clip 1.0, batch 16 x 256 tokens,
# $TOKENS tokens, seed 1337, $THREADS threads (a rerun matches the losses exactly only with the same thread count
# and the same MKL code path).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${LLM_SHARED:-../shared}
WORK=${WORK:-target/recipe-default}
DEST=${DEST:-models/default}
THREADS=${THREADS:-2}
TOKENS=${TOKENS:-14M}
STORIES=${STORIES:-11000}
VAL_STORIES=${VAL_STORIES:-400}
REPEAT=${REPEAT:-100}
ARTICLES="Aardvark,Aardwolf,Amphibian,Apollo 11,Algae"

s260="$SHARED/models/stories260K"
dump="$SHARED/data/wikipedia-dumps/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
for f in "$s260/stories260K.bin" "$s260/tok512.bin" "$dump" "$SHARED/data/wikitext-2-raw/wiki.test.raw" \
         "$SHARED/data/tiny-shakespeare/input.txt" "$SHARED/data/tinystories/tinystories-2.5k.txt"; do
  [ -f "$f" ] || { echo "recipes/default.sh: $f not found (set LLM_SHARED)" >&2; exit 1; }
done
command -v jq >/dev/null || { echo "recipes/default.sh: needs jq" >&2; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK/run"
start=$(date +%s)

# 1. Synthetic stories: one story per sample (it ends at stories260K's BOS or its 512-token context); the samples'
#    separator line '---' becomes the document separator <|endoftext|>.
stories() {  # seed count file
  bin/llm sample -q --model "$s260/stories260K.bin" --tokenizer "$s260/tok512.bin" --threads 1 \
      -n 512 --temperature 1 --seed "$1" --num-samples "$2" \
    | sed 's/^---$/<|endoftext|>/' > "$3"
}
stories 1 "$STORIES" "$WORK/stories-1.txt" &
p1=$!
stories 2 "$STORIES" "$WORK/stories-2.txt" &
p2=$!
stories 3 "$VAL_STORIES" "$WORK/stories-val.txt"
wait "$p1" "$p2"
echo "recipes/default.sh: synthetic stories: $(cat "$WORK"/stories-[12].txt | wc -c) bytes train," \
     "$(wc -c < "$WORK/stories-val.txt") bytes held out, $(( $(date +%s) - start )) s" >&2

# 2. The upsampled Wikipedia leads: each article's first paragraph, one document each (JSON Lines).
bin/llm extract -q --titles "$ARTICLES" "$dump" \
  | jq -c '{id: .title, text: (.text | split("\n\n")[0])}' > "$WORK/wiki-leads.jsonl"
found=$(wc -l < "$WORK/wiki-leads.jsonl")
[ "$found" -eq 5 ] || { echo "recipes/default.sh: found $found of 5 articles in $dump" >&2; exit 1; }

# 3. Notes that training.json carries (under extra.recipe), for memorize-check and the README.
jq -n --arg articles "$ARTICLES" --argjson repeat "$REPEAT" --argjson stories "$STORIES" \
      --arg dump "$(basename "$dump")" '{
  recipe: "recipes/default.sh",
  upsampled_articles: ($articles | split(",")),
  upsampled_source: $dump,
  upsampled_text: "each article'"'"'s lead paragraph (the text before its first blank line), one document each",
  upsampled_passes_per_epoch: $repeat,
  held_out: "every other article of the dump (never trained on)",
  synthetic_stories: "2 x \($stories) samples of stories260K at temperature 1 (seeds 1, 2); validation: seed 3"
}' > "$WORK/run/recipe-notes.json"

# 4. Train.
bin/llm train \
  --data "$WORK/stories-1.txt" --data "$WORK/stories-2.txt" \
  --data "$SHARED/data/tinystories/tinystories-2.5k.txt:2" \
  --data "$SHARED/data/tiny-shakespeare/input.txt:0.1" \
  --data "$SHARED/data/wikitext-2-raw/wiki.test.raw:0.3" \
  --data "$WORK/wiki-leads.jsonl:$REPEAT" \
  --val-data "$WORK/stories-val.txt" \
  --vocab-size 4096 --arch gpt2 --layers 6 --heads 4 --d-model 128 --ctx 256 \
  --tokens "$TOKENS" --batch 16 --lr 2e-3 --min-lr 2e-4 \
  --eval-every 100 --eval-batches 8 --save-every 200 --log-every 20 \
  --sample-prompt "Once upon a time" --sample-tokens 32 \
  --seed 1337 --threads "$THREADS" --out "$WORK/run"

# 5. The release: what `llm sample` and friends read, plus the run's record and curves.
mkdir -p "$DEST"
for f in config.json model.safetensors tokenizer.json training.json metrics.jsonl loss.svg; do
  cp "$WORK/run/$f" "$DEST/$f"
done
echo "recipes/default.sh: done in $(( $(date +%s) - start )) s" >&2
du -ch "$DEST"/* | tail -1
