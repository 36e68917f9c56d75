#!/usr/bin/env bash
# Concurrent first uses of bin/llm on fresh clones (issue 24): each round clones this repository's HEAD into a
# temporary directory and starts two commands before any jar exists, so both find it missing.
#   pipeline:  bin/llm sample ... | bin/llm tokenize --count   (the README's first pipeline; pipefail)
#   staggered: bin/llm sample ... & sleep 3; bin/llm tokenize --count README.md
# Usage: bench/first-use-race.sh [ROUNDS] [pipeline|staggered|both]   (each round builds once: about a minute)
# Prints one line per run and a tally; exit 1 when any run failed. Uses Maven offline (LLM_MAVEN_OFFLINE=1).
set -uo pipefail
rounds="${1:-10}"
which="${2:-both}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/llm-first-use.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export LLM_MAVEN_OFFLINE=1
ok=0
failed=0
run() { # scenario round
  local clone="$work/$1-$2"
  git clone -q "$here" "$clone" || return 1
  local start=$SECONDS rc
  if [ "$1" = pipeline ]; then
    (cd "$clone" && bin/llm sample -n 20 --seed 1 | bin/llm tokenize --count) >"$clone.out" 2>"$clone.err"
    rc=$?
  else
    (cd "$clone" && { bin/llm sample -n 20 --seed 1 >"$clone.out1" 2>"$clone.err1" & pid=$!; sleep 3
      bin/llm tokenize --count README.md >"$clone.out" 2>"$clone.err"; b=$?; wait "$pid"; a=$?
      [ "$a" = 0 ] && [ "$b" = 0 ]; })
    rc=$?
  fi
  if [ "$rc" = 0 ] && [ -s "$clone.out" ]; then
    echo "$1 $2: ok ($((SECONDS - start)) s): $(head -c 40 "$clone.out")"
    ok=$((ok + 1))
  else
    echo "$1 $2: FAILED (exit $rc)"; cat "$clone.err" "$clone.err1" 2>/dev/null | sed 's/^/    /' | tail -20
    failed=$((failed + 1))
  fi
  rm -rf "$clone" "$clone".*
}
for i in $(seq 1 "$rounds"); do
  [ "$which" != staggered ] && run pipeline "$i"
  [ "$which" != pipeline ] && run staggered "$i"
done
echo "first uses: $ok ok, $failed failed"
[ "$failed" = 0 ]
