#!/usr/bin/env bash
# memorize-check throughput, this build against another (issue 20): documents/s at --prefix-tokens 32
# --suffix-tokens 32 (the defaults), each build with its own default --batch-size unless BATCH is set, runs
# alternating, medians and their ratio; the records (TSV) of every run must be identical to the first one's. The rate
# is the command's own "documents/s" line (model loaded, JVM start excluded).
# usage: ANCHOR=/path/to/other/checkout [ROUNDS=3] [BATCH=N] bench/memorize-vs.sh MODEL [DOCS [LIMIT [ARGS...]]]
#   ANCHOR: a checkout with its jar built (e.g. `git worktree add /tmp/old <commit> && (cd /tmp/old && mvn -q -o
#   package -DskipTests)`); its bin/llm runs it. DOCS defaults to the WikiText-2 test articles (--split wikitext);
#   ARGS are passed to both (e.g. --windows 4).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
anchor="${ANCHOR:?set ANCHOR to a built checkout of the build to compare against}"
rounds="${ROUNDS:-3}"
model="${1:?usage: ANCHOR=... bench/memorize-vs.sh MODEL [DOCS [LIMIT [ARGS...]]]}"
docs="${2:-${LLM_SHARED:-$root/../shared}/data/wikitext-2-raw/wiki.test.raw}"
limit="${3:-64}"
shift $(( $# < 3 ? $# : 3 ))
args=("$@")
[ -z "${2:-}" ] && [ "${#args[@]}" = 0 ] && args=(--split wikitext)
[[ "$docs" == *wiki.test.raw ]] && [[ " ${args[*]} " != *" --split "* ]] && args+=(--split wikitext)
batch=()
[ -n "${BATCH:-}" ] && batch=(--batch-size "$BATCH")
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

"$root/bin/llm" --version >/dev/null; "$anchor/bin/llm" --version >/dev/null # (builds a stale jar first)
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "model: $model; documents: $docs --limit $limit ${args[*]} ${batch[*]}"
echo "this: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo '+changes')   anchor: $(git -C "$anchor" rev-parse --short HEAD)"
for r in $(seq "$rounds"); do
  for v in anchor this; do
    dir="$root"; [ "$v" = anchor ] && dir="$anchor"
    "$dir/bin/llm" memorize-check --model "$model" --limit "$limit" "${args[@]}" "${batch[@]}" --format tsv "$docs" \
        >"$tmp/$v-$r.tsv" 2>"$tmp/$v-$r.err" || { echo "$v failed:"; tail -3 "$tmp/$v-$r.err"; exit 1; }
    line="$(grep 'documents/s' "$tmp/$v-$r.err" | tail -1)"
    echo "  round $r $v: ${line#memorize-check: } (load $(cut -d' ' -f1 /proc/loadavg))"
    sed -n 's/.*(\([0-9.]*\) documents\/s).*/\1/p' <<<"$line" >>"$tmp/$v.rates"
    cmp -s "$tmp/anchor-1.tsv" "$tmp/$v-$r.tsv" || echo "    records DIFFER from the anchor's first run"
  done
done
a="$(median <"$tmp/anchor.rates")"; t="$(median <"$tmp/this.rates")"
echo "median documents/s: anchor $a, this $t, ratio $(awk -v a="$a" -v t="$t" 'BEGIN {printf "%.2f", t / a}')"
