package llm.data.wiki;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Pass 3 of {@link Wikitext}: the line-level markup and the inline leftovers, then the layout of the result.
 *
 * <ul>
 *   <li>{@code == Heading ==} lines: a paragraph of their text;</li>
 *   <li>list lines ({@code * # : ;} at the start): one line each, markers removed; {@code ----} rules dropped
 *       (not the text after them); lines starting with {@code |} or {@code !} outside a table (rows whose table
 *       start was lost) dropped;</li>
 *   <li>other lines: joined into paragraphs, which blank lines end, as MediaWiki renders them: a line break reads
 *       as a space, except between CJK characters or next to full-width punctuation;</li>
 *   <li>in each line: {@code ''italic''}, {@code '''bold'''} quotes, {@code __MAGIC__} words, entities
 *       ({@link Entities}), protected characters ({@link Protect}), runs of spaces, a space before {@code , . ; :}
 *       and parentheses left empty by removed templates ({@code ( )}, {@code (; )}, {@code （）});</li>
 *   <li>sections that are not prose are dropped (heading and body): References, Notes, External links, See also,
 *       Further reading, Bibliography, Sources, … and their Chinese names; so are headings whose section is empty.
 *       WikiExtractor gets the same effect by dropping lists and empty sections.</li>
 * </ul>
 */
final class Lines {
    private Lines() {}

    private static final Set<String> NOT_PROSE = Set.of("references", "notes", "footnotes", "citations",
            "external links", "see also", "further reading", "bibliography", "sources", "notes and references",
            "references and notes", "works cited", "other websites", "related pages", "explanatory notes",
            "参考文献", "參考文獻", "参考资料", "參考資料", "参考来源", "參考來源", "外部链接", "外部連結", "外部連接",
            "参见", "參見", "参看", "參看", "注释", "註釋", "延伸阅读", "延伸閱讀", "脚注", "腳注", "相关条目", "相關條目");

    /** A block of the output: a heading (level > 0), a paragraph (0) or a list item (-1). */
    private record Block(int level, String text) {}

    static String format(String text) {
        List<Block> blocks = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty()) {
                flush(paragraph, blocks);
                continue;
            }
            int level = headingLevel(line);
            if (level > 0) {
                flush(paragraph, blocks);
                String heading = Inline.clean(line.substring(level, line.length() - level));
                if (!heading.isEmpty()) {
                    blocks.add(new Block(level, heading));
                }
                continue;
            }
            char first = line.charAt(0);
            if (first == '*' || first == '#' || first == ':' || first == ';') {
                flush(paragraph, blocks);
                String item = Inline.clean(stripListMarkers(line));
                if (!item.isEmpty()) {
                    blocks.add(new Block(-1, item));
                }
                continue;
            }
            if (first == '|' || first == '!' && (line.contains("!!") || line.contains("|"))) {
                continue; // a table row whose table start was lost ("!Kung people" is text)
            }
            if (line.startsWith("----")) { // a rule; text after it on the line is a paragraph
                flush(paragraph, blocks);
                int k = 0;
                while (k < line.length() && line.charAt(k) == '-') {
                    k++;
                }
                line = line.substring(k).strip();
                if (line.isEmpty()) {
                    continue;
                }
            }
            String words = Inline.clean(line);
            if (!words.isEmpty()) {
                if (paragraph.length() > 0 && needsSpace(paragraph.codePointBefore(paragraph.length()),
                        words.codePointAt(0))) {
                    paragraph.append(' '); // a line break inside a paragraph reads as a space, except in CJK text
                }
                paragraph.append(words);
            }
        }
        flush(paragraph, blocks);
        return layout(dropNonProse(blocks));
    }

    /**
     * Whether the line break between {@code left} and {@code right} reads as a space: not between two CJK
     * characters, nor next to full-width punctuation ("。", "，", "（"), which carries its own spacing.
     */
    private static boolean needsSpace(int left, int right) {
        return !(isWidePunctuation(left) || isWidePunctuation(right) || isCjk(left) && isCjk(right));
    }

    private static boolean isCjk(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || isWidePunctuation(cp);
    }

    private static boolean isWidePunctuation(int cp) {
        return (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xff00 && cp <= 0xffef);
    }

    private static void flush(StringBuilder paragraph, List<Block> blocks) {
        if (paragraph.length() > 0) {
            blocks.add(new Block(0, Inline.tidy(paragraph.toString())));
            paragraph.setLength(0);
        }
    }

    /** The level of a heading line {@code == x ==} (the smaller of the two runs of '='), or 0. */
    private static int headingLevel(String line) {
        if (line.length() < 3 || line.charAt(0) != '=' || line.charAt(line.length() - 1) != '=') {
            return 0;
        }
        int lead = 0;
        while (lead < line.length() && line.charAt(lead) == '=') {
            lead++;
        }
        int trail = 0;
        while (trail < line.length() && line.charAt(line.length() - 1 - trail) == '=') {
            trail++;
        }
        int level = Math.min(Math.min(lead, trail), 6);
        return line.length() > 2 * level ? level : 0;
    }

    private static String stripListMarkers(String line) {
        int k = 0;
        while (k < line.length() && "*#:; ".indexOf(line.charAt(k)) >= 0) {
            k++;
        }
        return line.substring(k);
    }

    /** Drops the sections named in {@link #NOT_PROSE}, with their subsections, and headings with empty sections. */
    private static List<Block> dropNonProse(List<Block> blocks) {
        List<Block> kept = new ArrayList<>();
        int skipBelow = 0; // while > 0: inside a dropped section of this level
        for (Block b : blocks) {
            if (b.level > 0 && skipBelow > 0 && b.level <= skipBelow) {
                skipBelow = 0;
            }
            if (skipBelow > 0) {
                continue;
            }
            if (b.level > 0 && NOT_PROSE.contains(b.text.toLowerCase(Locale.ROOT))) {
                skipBelow = b.level;
                continue;
            }
            kept.add(b);
        }
        List<Block> result = new ArrayList<>();
        for (int k = 0; k < kept.size(); k++) {
            Block b = kept.get(k);
            if (b.level > 0 && !hasBody(kept, k)) {
                continue;
            }
            result.add(b);
        }
        return result;
    }

    /** Whether the heading at {@code k} has any text before the next heading of its level or above. */
    private static boolean hasBody(List<Block> blocks, int k) {
        int level = blocks.get(k).level;
        for (int j = k + 1; j < blocks.size(); j++) {
            int l = blocks.get(j).level;
            if (l <= 0) {
                return true;
            }
            if (l <= level) {
                return false;
            }
        }
        return false;
    }

    private static String layout(List<Block> blocks) {
        StringBuilder sb = new StringBuilder();
        Block previous = null;
        for (Block b : blocks) {
            if (previous != null) {
                sb.append(previous.level == -1 && b.level == -1 ? "\n" : "\n\n");
            }
            sb.append(b.text);
            previous = b;
        }
        return sb.toString();
    }
}
