#!/usr/bin/env bash
# Regenerates the expected values of ModelFamiliesTest from the numpy reference (python3 + numpy, no network):
#   bench/hf_reference/make_expected.sh
# 1. the test writes its small random releases under target/model-families/ (same seed, same bytes every time);
# 2. reference.py runs each and its JSON goes to src/test/resources/llm/model/families/NAME.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -o -q test -Dtest='ModelFamiliesTest#writesTheReleasesForTheReference' -Dsurefire.failIfNoSpecifiedTests=false
IDS=$(grep -o 'int\[\] IDS = {[^}]*}' src/test/java/llm/model/ModelFamiliesTest.java | sed 's/.*{\(.*\)}/\1/; s/ //g')
N=$(grep -o 'int GREEDY = [0-9]*' src/test/java/llm/model/ModelFamiliesTest.java | grep -o '[0-9]*$')
OUT=src/test/resources/llm/model/families
mkdir -p "$OUT"
for d in target/model-families/*/; do
  name=$(basename "$d")
  python3 bench/hf_reference/reference.py "$d" "$IDS" "$N" > "$OUT/$name.json"
  echo "$name: $(head -c 120 "$OUT/$name.json")..."
done
