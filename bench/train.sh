#!/usr/bin/env bash
# Training throughput of `llm train` on this machine: tokens/s, MFU against the fp32 matmul peak measured in the
# same run, time per phase of the step, and peak memory.
#
#   mvn -B -q package -DskipTests && [ROUNDS=N] bench/train.sh [STEPS]
#
# Fixed config (issue 5): GPT-2 arch, d-model 256, 4 layers, 8 heads, ctx 128, batch 16, vocab 4096 (a BPE trained
# on the data), tiny Shakespeare from ../shared, AdamW + clipping + the full loop (logging, metrics.jsonl), no
# evaluation. Run with every core as one replica, with every core as one replica per core (--device cpu --devices N,
# one intra-op thread each), and with one thread. Prints a markdown table for bench/RESULTS.md. On an AMD CPU,
# `LLM_MKL_AMD=0 bench/train.sh` measures MKL's generic branch for comparison (see llm.engine.MklDispatch).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${LLM_SHARED:-../shared}
STEPS=${1:-40}
ROUNDS=${ROUNDS:-1}  # ROUNDS=3 interleaves the configurations three times (the box's other load comes and goes)
WORK=${WORK:-target/bench-train}
data="$SHARED/data/tiny-shakespeare/input.txt"
[ -f "$data" ] || { echo "bench/train.sh: $data not found (set LLM_SHARED)" >&2; exit 1; }
rm -rf "$WORK"; mkdir -p "$WORK"
bin/llm tokenize --train --vocab-size 4096 -o "$WORK/tokenizer.json" "$data" 2>/dev/null

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
     "load average before: $(cut -d' ' -f1-3 /proc/loadavg); rounds: $ROUNDS;" \
     "MKL: $(bin/llm env 2>/dev/null | sed -n 's/^mkl *//p')"
printf '| round | threads × replicas | tokens/s (median, 2nd half) | matmul peak (same run) | MFU | fwd / bwd / norm / adamw / data | peak RSS | loss 1 → %d |\n|---|---|---|---|---|---|---|---|\n' "$STEPS"
for round in $(seq 1 "$ROUNDS"); do
  for config in "$(nproc) 1" "$(nproc) $(nproc)" "1 1"; do
    read -r threads replicas <<<"$config"
    out="$WORK/r$round-t${threads}x$replicas"
    bin/llm train --data "$data" --tokenizer "$WORK/tokenizer.json" --preset bench --batch 16 \
      --steps "$STEPS" --warmup 5 --lr 1e-3 --eval-every 0 --save-every 0 --sample-tokens 0 --val-fraction 0.01 \
      --device cpu --devices "$replicas" --threads "$threads" --seed 1 --out "$out" -q
    python3 - "$out" "$round" "$threads × $replicas" <<'PY'
import json, sys, statistics
out, rnd, config = sys.argv[1], sys.argv[2], sys.argv[3]
m = [json.loads(l) for l in open(out + "/metrics.jsonl")]
t = json.load(open(out + "/training.json"))
half = m[len(m) // 2:]
tps = statistics.median(x["tokens_per_s"] for x in half)
mfu = statistics.median(x["mfu"] for x in half if "mfu" in x)
ph = t["extra"]["step_seconds_by_phase"]
tot = sum(ph.values())
parts = " / ".join(f"{100 * ph[k] / tot:.0f}%" for k in ("forward", "backward", "grad_norm", "optimizer", "data"))
rss = t["extra"].get("peak_rss_bytes", 0) / 2**20
print(f"| {rnd} | {config} | {tps:,.0f} | {t['peak_flops'] / 1e9:.0f} GFLOP/s | {100 * mfu:.1f}% | {parts} | {rss:.0f} MiB"
      f" | {m[0]['loss']:.2f} → {m[-1]['loss']:.2f} |")
PY
  done
done
# Summary: each run's MFU is against the peak measured at its own start, which other load on the box can depress
# (overstating MFU); so also against the best peak any run of this invocation measured for that thread count.
python3 - "$WORK" <<'PY'
import glob, json, statistics, sys, os, re
runs = {}
for d in sorted(glob.glob(sys.argv[1] + "/r*-t*x*")):
    m = [json.loads(l) for l in open(d + "/metrics.jsonl")]
    t = json.load(open(d + "/training.json"))
    threads, replicas = re.search(r"-t(\d+)x(\d+)$", d).groups()
    tps = statistics.median(x["tokens_per_s"] for x in m[len(m) // 2:])
    runs.setdefault((threads, replicas), []).append((tps, t["peak_flops"], t["flops_per_token"]))
best_peak = {}
for (threads, _), rs in runs.items():
    best_peak[threads] = max([best_peak.get(threads, 0)] + [r[1] for r in rs])
print()
print("| threads × replicas | best tokens/s over rounds | MFU against the best peak of this invocation |")
print("|---|---|---|")
for (threads, replicas), rs in runs.items():
    tps, _, fpt = max(rs)
    print(f"| {threads} × {replicas} | {tps:,.0f} | {100 * tps * fpt / best_peak[threads]:.1f}% of"
          f" {best_peak[threads] / 1e9:.0f} GFLOP/s |")
print(f"\nFLOPs per token: {rs[0][2] / 1e6:.1f} M (6N + 12·L·T·d); load average after: "
      + " ".join(open('/proc/loadavg').read().split()[:3]))
PY
