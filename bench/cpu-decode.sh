#!/usr/bin/env bash
# The Java CPU decoder against llama2.c's run.c (issue 20): greedy tokens/s of `llm sample` and of run.c on random
# llama2.c checkpoints of the stories15M shape (dim 288, 6 layers) and the stories110M shape (dim 768, 12 layers,
# hidden 2048, seq_len 1024), runs alternating (run.c, llm f32, llm bf16 — the same weights converted to BF16 at load
# with LLM_WEIGHTS=bf16, 110M only), medians; the generated text is compared (run.c's first 255 tokens); then a
# GPT-2-124M-shaped release (random F32 safetensors): load time (`llm sample -v`'s "loaded in") and peak RSS
# (/usr/bin/time) against the weight file's size. run.c also runs on one thread (OMP_NUM_THREADS=1) as a second
# anchor: on a loaded machine its OpenMP threads wait for each other and the all-core figure collapses.
# usage: RUNC=/path/to/run [ROUNDS=3] [BASE=/path/to/another/checkout] bench/cpu-decode.sh
#   run.c: built outside the repository, e.g. gcc -Ofast -march=native -fopenmp -o /tmp/run run.c -lm (llama2.c).
#   BASE: also time that checkout's bin/llm (e.g. `git worktree add /tmp/old <commit>`) as "base", f32.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runc="${RUNC:?set RUNC to a run.c binary built with -Ofast -march=native -fopenmp}"
rounds="${ROUNDS:-3}"
llm="$root/bin/llm"
tmp="${BENCH_TMP:-$(mktemp -d)}"
[ -z "${BENCH_TMP:-}" ] && trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

runc_speed() { # dir n [omp threads] -> tokens/s; text in $tmp/runc.txt
  OMP_NUM_THREADS="${3:-$(nproc)}" "$runc" "$1/model.bin" -z "$1/tokenizer.bin" -t 0 -n "$2" -i "" 2>"$tmp/runc.err" >"$tmp/runc.txt"
  sed -n 's/achieved tok\/s: \([0-9.]*\)/\1/p' "$tmp/runc.err"
}

llm_speed() { # label dir n -> tokens/s; text in $tmp/llm-label.txt
  local label="$1" cmd=("$llm") env=()
  [ "$label" = bf16 ] && env=(LLM_WEIGHTS=bf16)
  [ "$label" = base ] && cmd=("$BASE/bin/llm")
  env ${env[@]+"${env[@]}"} "${cmd[@]}" sample -v --seed 1 --model "$2/model.bin" --tokenizer "$2/tokenizer.bin" -n "$3" \
      --temperature 0 2>"$tmp/llm.err" >"$tmp/llm-$label.txt"
  sed -n 's/.* (\([0-9.]*\) tokens\/s.*/\1/p' "$tmp/llm.err"
}

same_text() { # label: the first 255 tokens equal run.c's
  local a b
  a="$(tr -s ' \n' '\n\n' <"$tmp/runc.txt" | grep -v '^$' | head -255 | md5sum)"
  b="$(tr -s ' \n' '\n\n' <"$tmp/llm-$1.txt" | grep -v '^$' | head -255 | md5sum)"
  [ "$a" = "$b" ] && echo same || echo DIFFERENT
}

"$llm" --version >/dev/null # builds the jar if needed
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
[ -d "$tmp/r15m" ] || python3 "$root/bench/make_random_llama2c.py" "$tmp/r15m" >/dev/null
[ -d "$tmp/r110m" ] || python3 "$root/bench/make_random_llama2c.py" "$tmp/r110m" 768 2048 12 12 12 32000 1024 >/dev/null

for shape in r15m:256 r110m:128; do
  dir="$tmp/${shape%%:*}" n="${shape##*:}"
  labels="f32"; [ "$shape" = r110m:128 ] && labels="f32 bf16"
  [ -n "${BASE:-}" ] && labels="base $labels"
  declare -A speeds=()
  speeds[runc]=""
  speeds[runc1]=""
  for l in $labels; do speeds[$l]=""; done
  text=""
  for ((r = 0; r < rounds; r++)); do
    speeds[runc1]+="$(runc_speed "$dir" "$n" 1) "
    speeds[runc]+="$(runc_speed "$dir" "$n") "
    for l in $labels; do
      speeds[$l]+="$(llm_speed "$l" "$dir" "$n") "
      text+="$l:$(same_text "$l") "
    done
  done
  rc="$(printf '%s\n' ${speeds[runc]} | median)"
  printf '%-5s n=%-4s run.c     median %8.1f tokens/s (runs: %s)\n' "${shape%%:*}" "$n" "$rc" "${speeds[runc]% }"
  printf '%-5s n=%-4s run.c 1t  median %8.1f tokens/s (runs: %s; OMP_NUM_THREADS=1)\n' "${shape%%:*}" "$n" \
      "$(printf '%s\n' ${speeds[runc1]} | median)" "${speeds[runc1]% }"
  for l in $labels; do
    m="$(printf '%s\n' ${speeds[$l]} | median)"
    printf '%-5s n=%-4s llm %-5s median %8.1f tokens/s (runs: %s) = %.2fx run.c\n' "${shape%%:*}" "$n" "$l" "$m" \
        "${speeds[$l]% }" "$(echo "$m / $rc" | bc -l)"
  done
  echo "      text vs run.c (last round per label): $(echo "$text" | tr ' ' '\n' | sort -u | tr '\n' ' ')"
  unset speeds
done

# GPT-2 124M shape: load time and peak RSS of a short greedy run
rel="$tmp/gpt2-124m"
if [ ! -f "$rel/model.safetensors" ]; then
  mkdir -p "$rel"
  python3 - "$rel" <<'PY'
import json, struct, sys, numpy as np
out = sys.argv[1]; V, C, L, T = 50257, 768, 12, 1024
rng = np.random.default_rng(0)
def w(*s): return (rng.standard_normal(s, dtype=np.float32) * 0.02)
t = {"wte.weight": w(V, C), "wpe.weight": w(T, C), "ln_f.weight": np.ones(C, np.float32), "ln_f.bias": np.zeros(C, np.float32)}
for i in range(L):
    p = f"h.{i}."
    t.update({p + "ln_1.weight": np.ones(C, np.float32), p + "ln_1.bias": np.zeros(C, np.float32),
              p + "attn.c_attn.weight": w(C, 3 * C), p + "attn.c_attn.bias": np.zeros(3 * C, np.float32),
              p + "attn.c_proj.weight": w(C, C), p + "attn.c_proj.bias": np.zeros(C, np.float32),
              p + "ln_2.weight": np.ones(C, np.float32), p + "ln_2.bias": np.zeros(C, np.float32),
              p + "mlp.c_fc.weight": w(C, 4 * C), p + "mlp.c_fc.bias": np.zeros(4 * C, np.float32),
              p + "mlp.c_proj.weight": w(4 * C, C), p + "mlp.c_proj.bias": np.zeros(C, np.float32)})
header, off = {}, 0
for k, a in t.items():
    header[k] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}; off += a.nbytes
h = json.dumps(header).encode(); h += b" " * ((8 - len(h) % 8) % 8)
with open(out + "/model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(h))); f.write(h)
    for a in t.values(): f.write(a.astype("<f4").tobytes())
json.dump({"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": V, "n_positions": T, "n_embd": C,
           "n_layer": L, "n_head": 12, "layer_norm_epsilon": 1e-5, "bos_token_id": 50256, "eos_token_id": 50256},
          open(out + "/config.json", "w"))
PY
  cp "$root/../shared/tokenizers/gpt2/tokenizer.json" "$rel/" 2>/dev/null || cp "${LLM_SHARED:-$root/../shared}/tokenizers/gpt2/tokenizer.json" "$rel/"
fi
size=$(stat -c %s "$rel/model.safetensors")
for ((r = 0; r < rounds; r++)); do
  /usr/bin/time -f 'rss_kb %M' "$llm" sample -v --seed 1 --model "$rel" -n 32 --temperature 0 --prefix "The" \
      2>"$tmp/gpt2.err" >/dev/null
  load=$(sed -n 's/.* loaded in \([0-9.]*\) s.*/\1/p' "$tmp/gpt2.err")
  rss=$(sed -n 's/^rss_kb \([0-9]*\)/\1/p' "$tmp/gpt2.err")
  tps=$(sed -n 's/.* (\([0-9.]*\) tokens\/s.*/\1/p' "$tmp/gpt2.err")
  printf 'gpt2-124M release (%d MB): loaded in %s s, peak RSS %d MB = %.2fx the file, %s tokens/s (-n 32)\n' \
      $((size / 1000000)) "$load" $((rss / 1000)) "$(echo "$rss * 1024 / $size" | bc -l)" "$tps"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
