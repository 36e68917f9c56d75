#!/usr/bin/env bash
# Exact resume after kill -9 (issue 5): trains a tiny model twice on tiny Shakespeare, once uninterrupted and once
# killed with SIGKILL after step ~170 and resumed (--resume) from its step-100 checkpoint; compares every step's loss.
#
#   mvn -B -q package -DskipTests && [THREADS=N] [DEVICES=N] bench/resume-check.sh
# THREADS (default 1) and DEVICES (CPU replicas, default 1): resume is exact for the same values.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${LLM_SHARED:-../shared}
WORK=${WORK:-target/resume-check}
rm -rf "$WORK"; mkdir -p "$WORK"
data="$SHARED/data/tiny-shakespeare/input.txt"
bin/llm tokenize --train --vocab-size 512 -o "$WORK/tokenizer.json" "$data" 2>/dev/null
args=(--data "$data" --tokenizer "$WORK/tokenizer.json" --preset tiny --steps 300 --batch 8 --eval-every 100
      --save-every 100 --seed 5 --threads "${THREADS:-1}" --device cpu --devices "${DEVICES:-1}" -q)
bin/llm train "${args[@]}" --out "$WORK/a"
bin/llm train "${args[@]}" --out "$WORK/b" & pid=$!
until [ -f "$WORK/b/metrics.jsonl" ] && [ "$(wc -l < "$WORK/b/metrics.jsonl")" -ge 170 ]; do sleep 0.2; done
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
echo "killed (SIGKILL) after step $(wc -l < "$WORK/b/metrics.jsonl")"
bin/llm train --resume "$WORK/b" -q
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
a = [json.loads(l) for l in open(w + "/a/metrics.jsonl")]
b = [json.loads(l) for l in open(w + "/b/metrics.jsonl")]
assert [x["step"] for x in a] == [x["step"] for x in b] == list(range(1, 301)), "one line per step"
d = max(abs(x["loss"] - y["loss"]) for x, y in zip(a, b))
print(f"{len(a)} steps; max |loss difference| per step: {d:.3g} (issue: <= 1e-4)")
sys.exit(0 if d <= 1e-4 else 1)
PY
