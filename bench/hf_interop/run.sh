#!/usr/bin/env bash
# HuggingFace interop check: do transformers and `llm sample` agree on our releases, token by token?
#
#   bench/hf_interop/run.sh prepare      # here: makes a tiny Llama (GQA) release and our greedy outputs with top-5 logprobs
#   bench/hf_interop/run.sh check        # where python3 has torch + transformers (e.g. the GPU machine), same directory:
#                                        # transformers continues the same prompts; compare.py prints one JSON line each
# Releases checked: models/default (GPT-2 architecture) and target/hf-interop/llama-tiny (Llama, 4 heads / 2 kv heads).
set -euo pipefail
cd "$(dirname "$0")/../.."
W=target/hf-interop
SHARED=${LLM_SHARED:-../shared}
P1="Once upon a time, there was a little girl named Lily."
P2=$' = Robert Boulter = \n \n Robert Boulter is an English film'
case "${1:-}" in
prepare)
  mkdir -p "$W"
  cp "$SHARED/device/hf_interop_check.py" bench/hf_interop/compare.py "$W/"
  bin/llm train --arch llama --layers 2 --heads 4 --kv-heads 2 --d-model 64 --ctx 64 \
    --data "$SHARED/data/tiny-shakespeare/input.txt" --tokenizer models/default --steps 60 --lr 3e-3 \
    --eval-every 1000 --sample-tokens 0 --seed 7 --threads 1 --out "$W/llama-tiny" -q
  for n in default llama; do
    d=models/default; [ $n = llama ] && d="$W/llama-tiny"
    for p in 1 2; do
      P="$P1"; [ $p = 2 ] && P="$P2"
      bin/llm sample --model "$d" --prefix "$P" --temperature 0 -n 32 --json --logprobs 5 -q > "$W/ours-$n-$p.json"
    done
  done ;;
check)
  export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
  for n in default llama; do
    d=models/default; [ $n = llama ] && d="$W/llama-tiny"
    for p in 1 2; do
      P="$P1"; [ $p = 2 ] && P="$P2"
      for dev in cuda cpu; do
        python3 "$W/hf_interop_check.py" "$d" "$P" 32 5 --device=$dev > "$W/hf-$n-$p-$dev.json"
        python3 "$W/compare.py" "$W/ours-$n-$p.json" "$W/hf-$n-$p-$dev.json"
      done
    done
  done ;;
*) echo "usage: bench/hf_interop/run.sh prepare|check" >&2; exit 2 ;;
esac
