package llm.data.wiki;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pass 1 of {@link Wikitext}: comments and HTML-like tags. A scanner over the text; each tag is looked at once.
 *
 * <ul>
 *   <li>{@code <!-- … -->} removed (unclosed: to the end of the page, as MediaWiki does);</li>
 *   <li>elements whose content is not prose are removed with their content: {@code ref} (and {@code <ref …/>}),
 *       {@code references}, {@code math} and {@code chem} (a formula's TeX source is not text a reader sees; the
 *       sentence keeps its words around it), {@code gallery}, {@code timeline}, {@code score}, {@code graph},
 *       {@code imagemap}, HTML {@code table}, and the like. These do not nest in MediaWiki either, so the content
 *       ends at the first matching close tag; an unclosed one is removed alone (its tag, not the rest of the
 *       page);</li>
 *   <li>{@code nowiki}, {@code pre}, {@code syntaxhighlight}/{@code source}: the content is kept literally, its
 *       markup characters {@link Protect protected} from the later passes;</li>
 *   <li>other known HTML tags ({@code b}, {@code span}, {@code sup}, {@code div}, {@code br}, …): the tag removed, the
 *       content kept ({@code <br>} becomes a space);</li>
 *   <li>anything else that starts with {@code <} is text ({@code a < b}, {@code <foo>}), as in MediaWiki.</li>
 * </ul>
 */
final class Tags {
    private Tags() {}

    /** Elements removed with their content. */
    private static final Set<String> DROPPED = Set.of("ref", "references", "math", "chem", "ce", "gallery",
            "timeline", "score", "graph", "imagemap", "mapframe", "maplink", "templatedata", "templatestyles",
            "inputbox", "categorytree", "includeonly", "indicator", "table", "hiero", "charinsert", "section");
    /** Elements whose content is literal text. */
    private static final Set<String> LITERAL = Set.of("nowiki", "pre", "syntaxhighlight", "source");
    /** HTML tags (and wiki tags that only wrap text) removed while their content stays. */
    private static final Set<String> WRAPPERS = Set.of("b", "i", "u", "s", "strike", "del", "ins", "big", "small",
            "sub", "sup", "span", "div", "font", "center", "blockquote", "cite", "code", "em", "strong", "var", "kbd",
            "samp", "abbr", "dfn", "mark", "q", "p", "tt", "ruby", "rb", "rp", "rt", "rtc", "bdi", "bdo", "wbr", "li",
            "ol", "ul", "dl", "dt", "dd", "tr", "td", "th", "caption", "thead", "tbody", "tfoot", "h1", "h2", "h3",
            "h4", "h5", "h6", "time", "data", "poem", "noinclude", "onlyinclude", "hr", "br", "translate", "a",
            "languages", "tvar");
    /** A tag longer than this (attributes included) is taken as text, which bounds the look-ahead. */
    private static final int MAX_TAG = 2000;

    static String strip(String s) {
        StringBuilder out = new StringBuilder(s.length());
        Map<String, int[]> closes = new HashMap<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c != '<') {
                int j = i; // a span of text up to the next '<' or protected character, appended at once
                while (j < n && (c = s.charAt(j)) != '<' && !Protect.isProtected(c)) {
                    j++;
                }
                out.append(s, i, j);
                i = j < n && c != '<' ? j + 1 : j; // a protected character already in the input is dropped
                continue;
            }
            if (s.startsWith("<!--", i)) {
                int end = s.indexOf("-->", i + 4);
                i = end < 0 ? n : end + 3;
                continue;
            }
            Tag tag = Tag.at(s, i);
            if (tag == null) {
                out.append(c);
                i++;
                continue;
            }
            i = tag.end;
            if (DROPPED.contains(tag.name)) {
                if (!tag.closing && !tag.selfClosing) {
                    int close = findClose(s, i, tag.name, closes);
                    if (close >= 0) {
                        i = Tag.at(s, close).end;
                    }
                }
            } else if (LITERAL.contains(tag.name)) {
                if (!tag.closing && !tag.selfClosing) {
                    int close = findClose(s, i, tag.name, closes);
                    int contentEnd = close < 0 ? n : close;
                    Protect.append(out, s, i, contentEnd);
                    i = close < 0 ? n : Tag.at(s, close).end;
                }
            } else if (WRAPPERS.contains(tag.name)) {
                if (tag.name.equals("br") || tag.name.equals("hr")) {
                    out.append(' ');
                }
            } else {
                out.append(c); // not a tag MediaWiki knows: it is shown as text
                i = tag.start + 1;
            }
        }
        return out.toString();
    }

    /**
     * Where {@code </name>} (any case, spaces before the '>' but no attributes, as MediaWiki's preprocessor reads
     * an extension tag's end) starts at or after {@code from}, or -1.
     */
    private static int findClose(String s, int from, String name, Map<String, int[]> memo) {
        // the last answer for this name stands while it lies ahead: 100k unclosed <ref> cost one scan, not 100k
        int[] last = memo.get(name);
        if (last != null && from >= last[0] && (last[1] < 0 || last[1] >= from)) {
            return last[1];
        }
        int found = scanClose(s, from, name);
        memo.put(name, new int[] {from, found});
        return found;
    }

    private static int scanClose(String s, int from, String name) {
        int i = from;
        while (true) {
            int lt = s.indexOf("</", i);
            if (lt < 0) {
                return -1;
            }
            int j = lt + 2;
            if (s.regionMatches(true, j, name, 0, name.length())) {
                j += name.length();
                while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                if (j < s.length() && s.charAt(j) == '>') {
                    return lt;
                }
            }
            i = lt + 2;
        }
    }

    /** One tag {@code <name attrs>}, {@code </name>} or {@code <name attrs/>} at [start, end). */
    private record Tag(String name, boolean closing, boolean selfClosing, int start, int end) {
        /** The tag that starts at {@code s[i] == '<'}, or null when none does. */
        static Tag at(String s, int i) {
            int j = i + 1;
            boolean closing = j < s.length() && s.charAt(j) == '/';
            if (closing) {
                j++;
            }
            int nameStart = j;
            while (j < s.length() && j - nameStart < 32 && isNameChar(s.charAt(j), j == nameStart)) {
                j++;
            }
            if (j == nameStart || j >= s.length()) {
                return null;
            }
            String name = s.substring(nameStart, j).toLowerCase(Locale.ROOT);
            char after = s.charAt(j);
            if (after != '>' && after != '/' && !Character.isWhitespace(after)) {
                return null;
            }
            int limit = Math.min(s.length(), i + MAX_TAG);
            char quote = 0;
            for (int k = j; k < limit; k++) {
                char c = s.charAt(k);
                if (c == '<') {
                    return null; // not in attribute values either: each '<' starts at most one look-ahead
                }
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '>') {
                    boolean self = s.charAt(k - 1) == '/';
                    return new Tag(name, closing, self, i, k + 1);
                }
            }
            return null;
        }

        private static boolean isNameChar(char c, boolean first) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
        }
    }
}
