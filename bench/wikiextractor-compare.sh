#!/usr/bin/env bash
# Wikitext → plain text quality (issue 17): our cleaner (llm.data.wiki.Wikitext) against WikiExtractor, the tool most
# people use for this, on the shared English dumps. Per article (main namespace, not a redirect, matched by title):
#   - first words: the first 10 words (Unicode letters/digits runs, lower-cased) of both texts agree;
#   - stray markup: the article's text keeps any of the patterns listed in STRAY below (counted per pattern too).
# WikiExtractor is not part of this project: get it with
#   git clone https://github.com/attardi/wikiextractor   (or an archive of it), then
#   WIKIEXTRACTOR=/path/to/wikiextractor bench/wikiextractor-compare.sh [DUMP...]
# It runs as `python3 -m wikiextractor.WikiExtractor --json --no-templates --html-safe ""` (offline; plain text in
# JSON, not HTML-escaped: its default writes "&" as "&amp;", which would count against it here; its HEAD of 2023-01 needs
# Python <= 3.10: on 3.11+ its regexes fail to compile; set WE_PYTHON to such an interpreter). SHOW=N prints the first
# N disagreements and stray hits of each side.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="$(cd "${LLM_SHARED:-$root/../shared}" && pwd)"
we="${WIKIEXTRACTOR:?set WIKIEXTRACTOR to a checkout of github.com/attardi/wikiextractor}"
read -r -a py <<< "${WE_PYTHON:-python3}" # may be a command with arguments
cd "$root"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
dumps=("$@")
if [ ${#dumps[@]} -eq 0 ]; then
  dumps=("$shared/data/wikipedia-dumps/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
         "$shared/data/wikipedia-dumps/enwiki-table-markup.xml.bz2")
fi
bin/llm --version > /dev/null # builds target/llm.jar and target/lib
for dump in "${dumps[@]}"; do
  echo "== $(basename "$dump")"
  rm -rf "$tmp/we" && mkdir -p "$tmp/we"
  input="$dump"
  if ! bzcat -f "$dump" | head -c 100000 | grep -q '<siteinfo>'; then
    # WikiExtractor reads the header up to </siteinfo> before any page: give it one (a dump cut out of a larger one
    # may lack it); our reader does not need it
    bzcat -f "$dump" | sed '0,/<mediawiki[^>]*>/s//&\n<siteinfo>\n<base>https:\/\/en.wikipedia.org\/wiki\/Main_Page<\/base>\n<namespaces>\n<namespace key="10" case="first-letter">Template<\/namespace>\n<\/namespaces>\n<\/siteinfo>/' > "$tmp/dump.xml"
    input="$tmp/dump.xml"
  fi
  if ! (cd "$we" && "${py[@]}" -m wikiextractor.WikiExtractor --json --no-templates --html-safe "" --processes 1 -q -o "$tmp/we" "$input") 2> "$tmp/we.log"; then
    cat "$tmp/we.log" >&2; exit 1
  fi
  cat "$tmp"/we/*/* > "$tmp/theirs.jsonl"
  java -cp "target/llm.jar:target/lib/*" bench/WikiDumpText.java "$dump" > "$tmp/ours.jsonl"
  python3 - "$tmp/ours.jsonl" "$tmp/theirs.jsonl" "${SHOW:-0}" <<'PY'
import json, re, sys
ours = {d["title"]: d["text"] for d in map(json.loads, open(sys.argv[1], encoding="utf-8"))}
theirs = {d["title"]: d["text"] for d in map(json.loads, open(sys.argv[2], encoding="utf-8"))}
show = int(sys.argv[3])
# What counts as stray markup: wikitext or HTML that a reader of the rendered page never sees.
STRAY = {
    "{{ or }}": r"\{\{|\}\}",
    "[[ or ]]": r"\[\[|\]\]",
    "table row (line starting {| |} |- | !)": r"(?m)^\s*(\{\||\|\}|\|-|\||!)",
    "<ref or </ref": r"(?i)</?ref\b",
    "other HTML tag": r"(?i)</?(br|span|div|small|big|sup|sub|center|font|blockquote|table|tr|td|th|gallery|math|nowiki|abbr|cite|code|poem|includeonly|noinclude|onlyinclude|references|timeline|imagemap|syntaxhighlight|score)\b[^>]*>",
    "<!-- comment": r"<!--|-->",
    "entity (&amp; &nbsp; &#…;)": r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);",
    "'' quote marks": r"''",
    "__MAGIC__": r"__[A-Z]{3,}__",
    "[http external link": r"\[(https?:)?//",
    "== heading marks ==": r"(?m)^=+.*=+\s*$",
    "File:/Category: link residue": r"(?i)\b(File|Image|Category):[^\s]*\.(jpe?g|png|svg|gif)|thumb\|",
    "placeholder (formula_1, codice_1)": r"\b(formula|codice)_\d+\b",
}
STRAY = {k: re.compile(v) for k, v in STRAY.items()}
def words(t, n=10):
    return re.findall(r"\w+", t.lower())[:n]
titles = [t for t in theirs if theirs[t].strip() and t in ours]
missing = [t for t in ours if t not in theirs or not theirs[t].strip()]
agree = [t for t in titles if words(ours[t]) == words(theirs[t])]
print(f"articles: ours {len(ours)}, WikiExtractor {sum(1 for t in theirs.values() if t.strip())} with text; compared {len(titles)}"
      + (f" (ours only: {', '.join(missing)})" if missing else ""))
print(f"first 10 words agree: {len(agree)}/{len(titles)}")
for t in [t for t in titles if t not in agree][:show]:
    print(f"  differ: {t}\n    ours:   {' '.join(words(ours[t], 14))}\n    theirs: {' '.join(words(theirs[t], 14))}")
def stray(texts):
    per = {k: [t for t in titles if p.search(texts[t])] for k, p in STRAY.items()}
    anyhit = {t for v in per.values() for t in v}
    return per, anyhit
po, ao = stray(ours)
pt, at = stray(theirs)
print(f"articles with stray markup: ours {len(ao)}/{len(titles)}, WikiExtractor {len(at)}/{len(titles)}")
print(f"  {'pattern':44} {'ours':>5} {'theirs':>6}")
for k in STRAY:
    print(f"  {k:44} {len(po[k]):5} {len(pt[k]):6}")
if show:
    for side, per, texts in (("ours", po, ours), ("theirs", pt, theirs)):
        for k, ts in per.items():
            for t in ts[:show]:
                m = STRAY[k].search(texts[t])
                print(f"  {side} {k}: {t}: …{texts[t][max(0, m.start() - 60):m.end() + 60]!r}…")
PY
done
