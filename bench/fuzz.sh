#!/usr/bin/env bash
# Coverage-guided fuzzing of every input parser (issue 22) with Jazzer (libFuzzer). Two ways:
# - a JVM per target (when targets are named, or when SECONDS gives each target >= 120 s): each @FuzzTest of
#   src/test/java/llm/fuzz gets its share of SECONDS (the time left over the targets left, less the JVM's start-up as
#   measured on the previous target);
# - one session over all targets (AllTargetsFuzz: the input's last byte picks the target) for shorter runs: starting
#   Jazzer (agent, instrumentation) takes 30-40 s per JVM on this loaded 2-core machine, more than a short run's share;
#   libFuzzer then splits the time between targets by coverage, and the per-target counts are printed.
# A target holds when the parser returns a result or throws
# llm.UserException with a one-line message; anything else is a finding (another exception, OutOfMemoryError under
# the -Xmx below, StackOverflowError, an input slower than -timeout). A finding's input is written to the target's
# regression directory, src/test/resources/llm/fuzz/<Class>Inputs/<target>/crash-*, which the normal `mvn test` then
# replays: fix the parser, rename the file to say what it holds, commit both. The corpus that fuzzing grows is kept
# in .cifuzz-corpus/ (git-ignored), so later runs start from it. Logs: target/fuzz/<target>.log.
# Jazzer's bug-class sanitizers for APIs these parsers never call (SQL, LDAP, JNDI, deserialization, script engines,
# OS commands, ...) are off; the targets check their own contract (and CorpusFuzz that reading an archive writes
# nothing).
# A finding of the combined session lands in the repository root (crash-*; AllTargetsFuzz has no inputs folder): its
# last byte is the target's index in AllTargetsFuzz.TARGETS; move it, without that byte, to that target's folder.
# usage: bench/fuzz.sh SECONDS [TARGET...]   (TARGET: Class#method, e.g. ModelFilesFuzz#safetensors; default all)
#   env: FUZZ_TIMEOUT (per-input limit, s; default 10), FUZZ_XMX (heap; default 1g)
# Last line: fuzz: T targets, N executions, K findings   (exit status 1 when K > 0)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:?usage: bench/fuzz.sh SECONDS [TARGET...]}"
shift
mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/fuzz.classpath -Dmdep.includeScope=test \
  > /dev/null
# a copy of the classes: a build in this worktree while fuzzing runs must not pull them away
rm -rf target/fuzz/classes target/fuzz/test-classes
mkdir -p target/fuzz
cp -r target/classes target/test-classes target/fuzz/
cp="target/fuzz/test-classes:target/fuzz/classes:$(cat target/fuzz.classpath)"
# the launcher of one target (a main, so it lives here in bench/, not in src/test), compiled beside the test classes
javac -nowarn -d target/fuzz/test-classes -cp "$cp" bench/fuzz/FuzzMain.java
start=$(date +%s) # SECONDS counts from here (the build above is not in it)
targets=("$@")
named=${#targets[@]}
if [ "$named" -eq 0 ]; then # every method annotated @FuzzTest, as Class#method (but the combined one)
  mapfile -t targets < <(awk 'FNR == 1 { cls = FILENAME; sub(/.*\//, "", cls); sub(/\.java$/, "", cls) }
    /^[ \t]*@FuzzTest/ { want = 1; next }
    want && match($0, /void [A-Za-z0-9_]+\(/) { m = substr($0, RSTART + 5, RLENGTH - 6); print cls "#" m; want = 0 }' \
    src/test/java/llm/fuzz/*Fuzz.java | grep -v '^AllTargetsFuzz#')
fi
sanitizers_off= # Jazzer's bug-class sanitizers that guard APIs these parsers never call (LDAP, SQL, JNDI, ...)
for h in ClojureLangHooks Deserialization ExpressionLanguageInjection LdapInjection NamingContextLookup \
  OsCommandInjection ReflectiveCall ScriptEngineInjection ServerSideRequestForgery SqlInjection XPathInjection; do
  sanitizers_off="$sanitizers_off${sanitizers_off:+:}com.code_intelligence.jazzer.sanitizers.$h"
done
# (TraceCmpHooks, the hooks on the JDK's String and Arrays comparisons, cannot be turned off this way.)
fuzz() { # TARGET SECONDS LOG
  JAZZER_FUZZ=1 java -Xmx"${FUZZ_XMX:-1g}" -Xss4m -XX:+UseSerialGC -Dai.djl.offline=true \
    -Djdk.attach.allowAttachSelf=true -Djazzer.disabled_hooks="$sanitizers_off" \
    -cp "$cp" llm.fuzz.FuzzMain "$1" "$2" -timeout="${FUZZ_TIMEOUT:-10}" > "$3" 2>&1
}
if [ "$named" -eq 0 ] && [ $(( seconds / ${#targets[@]} )) -lt 120 ]; then
  log=target/fuzz/AllTargetsFuzz.all.log
  startup=${FUZZ_STARTUP:-40} # seconds, here, before the first input
  status=0
  fuzz AllTargetsFuzz#all $(( seconds > startup + 10 ? seconds - startup : 10 )) "$log" || status=$?
  grep -a -E '^Done [0-9]+ runs of ' "$log" | sed 's/^Done \([0-9]*\) runs of \([^ ]*\) (\(.*\))/fuzz: \2: \1 executions (\3)/' >&2
  runs=$(grep -a -oE '^Done [0-9]+ runs in' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  cov=$(grep -a -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  echo "fuzz: one session over all targets: $runs executions (${cov:-no coverage line}), $(( $(date +%s) - start )) s" >&2
  findings=0
  if [ "$status" -ne 0 ]; then
    if ! grep -a -q '^fuzz: finding in' "$log"; then
      echo "fuzz: ERROR: the fuzzer did not run (exit $status), see $log:" >&2
      tail -5 "$log" | sed 's/^/  /' >&2
      exit 2
    fi
    findings=1
    grep -a -E '^fuzz: finding|Test unit written to' "$log" | sort -u | sed 's/^/  /' >&2
  fi
  echo "fuzz: ${#targets[@]} targets, $runs executions, $findings findings"
  [ "$findings" -eq 0 ]
  exit
fi
end=$(( start + seconds ))
overhead=35 # seconds of JVM start-up and instrumentation per target, re-measured after each
total_runs=0 findings=0 errors=0 left=${#targets[@]}
for t in "${targets[@]}"; do
  now=$(date +%s)
  share=$(( (end - now) / left - overhead ))
  [ "$share" -lt 2 ] && share=2
  log="target/fuzz/${t/\#/.}.log"
  started=$(date +%s)
  status=0
  fuzz "$t" "$share" "$log" || status=$?
  took=$(( $(date +%s) - started ))
  runs=$(grep -a -oE '^Done [0-9]+ runs' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  cov=$(grep -a -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  runs=${runs:-0}
  total_runs=$(( total_runs + runs ))
  [ "$took" -gt "$share" ] && overhead=$(( took - share ))
  left=$(( left - 1 ))
  if [ "$status" -eq 0 ]; then
    echo "fuzz: $t: $runs executions in ${share} s (${cov:-no coverage line}): ok" >&2
  elif ! grep -a -q '^fuzz: finding in' "$log"; then
    errors=$(( errors + 1 ))
    echo "fuzz: $t: ERROR: the fuzzer did not run (exit $status), see $log:" >&2
    tail -5 "$log" | sed 's/^/  /' >&2
  else
    findings=$(( findings + 1 ))
    echo "fuzz: $t: FINDING after $runs executions (exit $status), see $log:" >&2
    grep -a -E '^fuzz: finding|Test unit written to' "$log" | sort -u | sed 's/^/  /' >&2
  fi
done
[ "$errors" -eq 0 ] || echo "fuzz: $errors targets did not run" >&2
echo "fuzz: ${#targets[@]} targets, $total_runs executions, $findings findings"
[ "$findings" -eq 0 ] && [ "$errors" -eq 0 ]
