#!/usr/bin/env bash
# Generation speed of `llm sample` (issue 4): tokens/s (median of RUNS runs, measured inside the process, prefill
# included) and the wall time of a whole short run, on stories260K and on a random llama2.c model of the 15M shape
# (dim 288, 6 layers, 6 heads, vocab 32000), for the Java CPU decoder (default on CPU: weights read into Java arrays,
# libtorch not started), the same decoder with the model loaded through the engine ("java-engine"), and the DJL
# decoder ("djl").
# usage: [DECODERS="java java-engine djl"] [THREADS=N] bench/sample.sh [RUNS=5]    (needs python3 with numpy for the random model;
# ../shared for stories260K). THREADS passes --threads N (default: llm's own choice, all cores). Extra JVM options for
# every run (e.g. -Dllm.noWarmUp=true) go in BENCH_JAVA_OPTS.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${LLM_SHARED:-$root/../shared}"
runs="${1:-5}"
llm="$root/bin/llm"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

jvm_opts() { # decoder
  case "$1" in
    java-engine) echo "-Dllm.decoder=java -Dllm.engineFree=false ${BENCH_JAVA_OPTS:-}" ;;
    *) echo "-Dllm.decoder=$1 ${BENCH_JAVA_OPTS:-}" ;;
  esac
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# one run: prints "tokens/s tokens-per-CPU-second" from the -v timing line
speed() { # decoder model tokenizer n temperature
  LLM_JAVA_OPTS="$(jvm_opts "$1")" "$llm" sample -v ${THREADS:+--threads $THREADS} --seed 1 --model "$2" --tokenizer "$3" -n "$4" \
      --temperature "$5" 2>&1 >/dev/null | sed -n 's/.* (\([0-9.]*\) tokens\/s.*, \([0-9.]*\) tokens per CPU-second.*/\1 \2/p'
}

wall() { # decoder model tokenizer n
  local t0 t1
  t0=$(date +%s.%N)
  LLM_JAVA_OPTS="$(jvm_opts "$1")" "$llm" sample -q ${THREADS:+--threads $THREADS} --seed 1 --model "$2" --tokenizer "$3" -n "$4" \
      --temperature 0 >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

bench() { # label model tokenizer n temperature
  for dec in ${DECODERS:-java java-engine djl}; do
    local s=() c=() w=() r
    for ((i = 0; i < runs; i++)); do
      r="$(speed "$dec" "$2" "$3" "$4" "$5")"; s+=("${r% *}"); c+=("${r#* }")
    done
    for ((i = 0; i < 3; i++)); do w+=("$(wall "$dec" "$2" "$3" 200)"); done
    printf '%-12s %-5s n=%-4s tokens/s median %8.1f (runs: %s), per CPU-second %8.1f; wall of -n 200: median %.2f s\n' \
        "$1" "$dec" "$4" "$(printf '%s\n' "${s[@]}" | median)" "${s[*]}" "$(printf '%s\n' "${c[@]}" | median)" \
        "$(printf '%s\n' "${w[@]}" | median)"
  done
}

"$llm" --version >/dev/null   # build the jar if needed
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
# anchor, same run: how fast one core streams memory here (numpy sum over 256 MB of fp32, best of 5); the 15M model
# reads its 60 MB of weights once per token, so its speed moves with this figure
python3 - <<'PY'
import time, numpy as np
a = np.ones(64 * 2**20, dtype=np.float32)
best = min((lambda t0: (a.sum(), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(5))
print(f"anchor: memory read {a.nbytes / best / 1e9:.1f} GB/s on one core (numpy sum of 256 MB fp32, best of 5)")
PY
st="$shared/models/stories260K"
if [ -d "$st" ]; then
  bench stories260K "$st/stories260K.bin" "$st/tok512.bin" 512 0
fi
python3 "$root/bench/make_random_llama2c.py" "$tmp/r15m" >/dev/null
bench random-15M "$tmp/r15m/model.bin" "$tmp/r15m/tokenizer.bin" 256 1
