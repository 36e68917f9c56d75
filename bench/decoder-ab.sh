#!/usr/bin/env bash
# The CPU decoder, build against build, in one JVM (issue 20): on a shared machine the load drifts between whole
# `llm sample` runs, so alternating runs need many rounds to show a 10% difference; decoders of several builds
# stepping in alternating blocks inside one JVM see the same load (bench/decoder-ab/Interleave.java).
# usage: bench/decoder-ab.sh steps MODEL.bin|RELEASE_DIR BLOCK_STEPS BLOCKS label:classesDir:threads[:kernels=java][:weights=bf16][:memory=heap|map]...
#        bench/decoder-ab.sh kernels [CPU_SECONDS per figure, default 1]   (ns per multiply-add of the matrix kernels, bench/decoder-ab/KernelRates.java)
#        bench/decoder-ab.sh profile MODEL.bin|RELEASE_DIR THREADS STEPS [ROUNDS] [BATCH]   (where a step's time goes, by product shape, with GB/s; bench/decoder-ab/Profile.java)
# classesDir: a build's target/classes (e.g. of a `git worktree add /tmp/old <commit>` built with `mvn -q compile`).
# Example: bench/decoder-ab.sh steps /tmp/r15m/model.bin 32 60 old:/tmp/old/target/classes:1 new:target/classes:2
# `steps` runs without the Vector API module, as `llm` does by default (the heap-rows kernels); VECTOR=1 adds it, and
# then a decoder of a build that has the Vector API kernels uses them unless its spec says :kernels=java.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/target/decoder-ab"
(cd "$root" && mvn -o -q compile)
mkdir -p "$out"
javac -nowarn -d "$out" "$root/bench/decoder-ab/Interleave.java"
javac -nowarn --add-modules jdk.incubator.vector -cp "$root/target/classes" -d "$out" \
    "$root/bench/decoder-ab/KernelRates.java" "$root/bench/decoder-ab/Profile.java" 2>&1 | grep -v '^warning\|incubat' || true
opts=(-Xss8m -XX:+UseParallelGC -XX:NewSize=400m)
vector=(--add-modules jdk.incubator.vector)
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
case "${1:-}" in
  steps)
    shift
    [ "${VECTOR:-0}" = 1 ] && opts+=("${vector[@]}")
    java "${opts[@]}" -cp "$out" Interleave "$@" 2>&1 | grep -v 'WARNING: Using incubator' ;;
  kernels) shift; java "${opts[@]}" "${vector[@]}" -cp "$root/target/classes:$out" llm.model.KernelRates "$@" 2>&1 | grep -v 'WARNING: Using incubator' ;;
  profile) shift; java "${opts[@]}" "${vector[@]}" -Dllm.decoder.profile=true \
      -cp "$root/target/classes:$out:$(find "$root/target/lib" -name '*.jar' | tr '\n' :)" llm.model.Profile "$@" 2>&1 \
      | grep -v 'WARNING: Using incubator' ;;
  *) sed -n '5,11p' "$0" >&2; exit 2 ;;
esac
