#!/usr/bin/env bash
# Manual probes (benchmark main()s, not tests): where the time of a step, an op or a GEMM goes. They live in
# bench/probes/ in the packages they look into (llm.model, llm.train: package-private access), are compiled against
# target/classes + target/lib into target/probes, and run with their arguments.
#
# Usage: bench/probe.sh NAME [ARGS...]        e.g. bench/probe.sh StepProbe 2 10
#        bench/probe.sh --list
# Probes: GemmProbe [threads], ModelProbe [threads] [steps] (-Dvariants=noln,noattn+nogelu), OpProbe [threads],
#         StepProbe [threads] [steps] (-Dllm.fused=false), ThroughputProbe V T C L H B steps,
#         MemorizationProbe RELEASE wiki.test.raw P S [titles...]. JVM flags go in JAVA_OPTS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
src=bench/probes
if [ "${1:-}" = "" ] || [ "$1" = "--list" ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    echo "usage: bench/probe.sh NAME [ARGS...]; probes:" >&2
    find "$src" -name '*Probe.java' -printf '  %f\n' | sed 's/\.java$//' | sort >&2
    [ "${1:-}" = "--list" ] && exit 0 || exit 2
fi
name="$1"; shift
file="$(find "$src" -name "$name.java" | head -1)"
[ -n "$file" ] || { echo "probe.sh: no probe $name in $src (bench/probe.sh --list)" >&2; exit 2; }
[ -d target/classes/llm ] && [ -d target/lib ] || mvn -B -q -o package -DskipTests
out=target/probes
mkdir -p "$out"
javac -nowarn -d "$out" -cp "target/classes:target/lib/*" $(find "$src" -name '*.java')
class="$(sed -n 's/^package \(.*\);/\1/p' "$file").$name"
exec java ${JAVA_OPTS:-} -cp "$out:target/classes:target/lib/*" "$class" "$@"
