#!/usr/bin/env bash
# In-context learning and multiple choice with `llm fewshot` (issue 7). Prints the tables quoted in RESULTS.md.
# Usage: bench/fewshot/run.sh [MODEL [TOKENIZER]]   (default: stories260K from ../shared; e.g. models/default)
# Reads ../shared/eval (Swadesh list, HellaSwag); writes only to a temporary directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${LLM_SHARED:-$root/../shared}"
llm="$root/bin/llm"
if [ $# -ge 1 ]; then model="$1"; tok="${2:-}"; else
  model="$shared/models/stories260K/stories260K.bin"; tok="$shared/models/stories260K/tok512.bin"; fi
threads="${THREADS:-1}"   # one libtorch thread is much faster than two on a busy 2-core machine
m=(--model "$model" --threads "$threads")
[ -n "$tok" ] && m+=(--tokenizer "$tok")   # else the model's own (release tokenizer.json)
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

echo "== model: $model"
echo "== copying, the template repeats the input noun: 'The dog is happy. The dog is happy.' (answer: first word)"
"$llm" fewshot "${m[@]}" --examples "$here/copy-nouns-examples.tsv" --eval "$here/copy-nouns-eval.tsv" \
  --template 'The {input} is happy. The {output} is happy.' --stop ' ' -n 6 --sweep-shots 0,1,2,4,8,16

echo "== copying with the default template '{input} => {output}'"
"$llm" fewshot "${m[@]}" --examples "$here/copy-nouns-examples.tsv" --eval "$here/copy-nouns-eval.tsv" \
  -n 6 --sweep-shots 0,1,2,4,8,16

echo "== Swadesh English -> French: shots from rows 1-100, evaluated on rows 101-207"
sw="$shared/eval/swadesh_en_fr_es_de_it.tsv"
sed -n '1,101p' "$sw" > "$tmp/sw-shots.tsv"
{ sed -n '1p' "$sw"; sed -n '102,$p' "$sw"; } > "$tmp/sw-eval.tsv"
"$llm" fewshot "${m[@]}" --examples "$tmp/sw-shots.tsv" --eval "$tmp/sw-eval.tsv" --columns english,french \
  --instruction 'English to French:' -n 8 --sweep-shots 0,1,2,4,8

echo "== HellaSwag, first 500 validation items"
"$llm" fewshot "${m[@]}" --choices "$shared/eval/hellaswag_val.txt.bz2" --limit 500
