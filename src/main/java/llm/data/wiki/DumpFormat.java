package llm.data.wiki;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Tells a MediaWiki XML export by its first bytes, not its name: the root element {@code <mediawiki} after an optional
 * byte-order mark, XML declaration, comments, processing instructions and white space — or a document type
 * declaration there, naming {@code mediawiki} or followed by that root (which {@link DumpReader} then refuses).
 * Encodings: UTF-8 (with or without a BOM), UTF-16 with a BOM, and UTF-16 without one when the text starts with
 * {@code <}.
 *
 * <p>Hand-written rather than asking StAX: the parser would read a DTD's internal subset (unbounded) before saying
 * anything, and it cannot be rewound to hand the bytes to another reader.
 */
public final class DumpFormat {
    /** Bytes looked at: a real dump's root element comes within its first few hundred. */
    static final int HEAD = 8192;

    /** What the prologue holds: where a document type declaration starts, if there is one (line and column, 1-based). */
    record Prologue(int doctypeLine, int doctypeColumn) {
        boolean hasDoctype() {
            return doctypeLine > 0;
        }
    }

    private DumpFormat() {}

    /** Is {@code in} (a mark-supporting stream, not consumed; already decompressed) a MediaWiki XML export? */
    public static boolean isDump(BufferedInputStream in) throws IOException {
        return prologue(in) != null;
    }

    /** The prologue of a dump, or null when {@code in} (not consumed) is not one. */
    static Prologue prologue(BufferedInputStream in) throws IOException {
        return prologue(decode(head(in)));
    }

    /**
     * The first bytes of {@code in} (a mark-supporting stream), which is left where it was: up to {@link #HEAD}, or
     * fewer once they show that the input is no XML — a pipe's first line of plain text is not held back until
     * 8 KB more arrive (or its writer ends).
     */
    static byte[] head(BufferedInputStream in) throws IOException {
        in.mark(HEAD);
        byte[] head = new byte[HEAD];
        int n = 0;
        while (n < HEAD) {
            int r = in.read(head, n, HEAD - n); // what has arrived (at least one byte): a pipe's writer may be slow
            if (r < 0) {
                break;
            }
            n += r;
            if (notXml(head, n)) {
                break;
            }
        }
        in.reset();
        return java.util.Arrays.copyOf(head, n);
    }

    /**
     * Whether the first {@code n} bytes already show a text that is not XML: after any XML white space, a byte that
     * can start neither {@code <} nor a byte-order mark nor UTF-16 (so a UTF-8 '<', a BOM, a NUL byte or nothing
     * but white space so far all say: read on).
     */
    static boolean notXml(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xFF;
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            return c != '<' && c != 0 && c != 0xEF && c != 0xFE && c != 0xFF;
        }
        return false;
    }

    /** The encoding the first bytes' BOM or first character says: UTF-16BE/LE, else UTF-8. */
    static Charset charset(byte[] b) {
        if (b.length >= 2 && ((b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF || b[0] == 0 && b[1] == '<')) {
            return StandardCharsets.UTF_16BE;
        }
        if (b.length >= 2 && ((b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE || b[0] == '<' && b[1] == 0)) {
            return StandardCharsets.UTF_16LE;
        }
        return StandardCharsets.UTF_8;
    }

    /** The length of the first bytes' byte order mark (UTF-8: 3, UTF-16: 2), 0 when there is none. */
    static int bomLength(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            return 3;
        }
        return b.length >= 2 && ((b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF
                || (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) ? 2 : 0;
    }

    /** The first bytes as text, in the encoding their BOM or first character says (malformed bytes replaced). */
    static String decode(byte[] b) {
        Charset cs = charset(b);
        int skip = bomLength(b);
        CharsetDecoder d = cs.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        CharBuffer out = CharBuffer.allocate(b.length);
        d.decode(ByteBuffer.wrap(b, skip, b.length - skip), out, false); // a character cut at the end is left out
        return out.flip().toString();
    }

    /** The prologue of {@code text} (the start of a document, BOM removed), or null when its root is not mediawiki. */
    static Prologue prologue(String text) {
        int i = 0;
        while (true) {
            while (i < text.length() && isXmlSpace(text.charAt(i))) {
                i++;
            }
            if (text.startsWith("<?", i)) {
                i = after(text, i, "?>");
            } else if (text.startsWith("<!--", i)) {
                i = after(text, i + 4, "-->");
            } else if (text.startsWith("<!DOCTYPE", i)) {
                int line = 1;
                int lineStart = 0;
                for (int k = 0; k < i; k++) {
                    if (text.charAt(k) == '\n') {
                        line++;
                        lineStart = k + 1;
                    }
                }
                int n = i + "<!DOCTYPE".length();
                while (n < text.length() && isXmlSpace(text.charAt(n))) {
                    n++;
                }
                if (isRoot(text, n)) {
                    return new Prologue(line, i - lineStart + 1);
                }
                // another name (<!DOCTYPE m [...]>): still a dump, with a doctype, when the root after it is mediawiki
                int end = doctypeEnd(text, n);
                int r = end;
                while (r >= 0 && r < text.length() && isXmlSpace(text.charAt(r))) {
                    r++;
                }
                return r >= 0 && text.startsWith("<", r) && isRoot(text, r + 1) ? new Prologue(line, i - lineStart + 1)
                        : null;
            } else {
                return text.startsWith("<", i) && isRoot(text, i + 1) ? new Prologue(0, 0) : null;
            }
            if (i < 0) {
                return null;
            }
        }
    }

    /** Does the name {@code mediawiki}, then a space, '>', '/' or '[', start at {@code at}? */
    private static boolean isRoot(String text, int at) {
        int end = at + "mediawiki".length();
        if (!text.startsWith("mediawiki", at) || end >= text.length()) {
            return false;
        }
        char c = text.charAt(end);
        return isXmlSpace(c) || c == '>' || c == '/' || c == '[';
    }

    /**
     * Where a document type declaration that goes on at {@code from} ends (after its '>'), or -1 when it does not end
     * in {@code text}: its internal subset in [...] and quoted literals may hold '>'. Comments and processing
     * instructions in the subset are taken as they come (a '>' in one of them ends it early: then the root is not
     * found there, and the file is not taken for a dump).
     */
    private static int doctypeEnd(String text, int from) {
        char quote = 0;
        int depth = 0;
        for (int k = from; k < text.length(); k++) {
            char c = text.charAt(k);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth = Math.max(0, depth - 1);
            } else if (c == '>' && depth == 0) {
                return k + 1;
            }
        }
        return -1;
    }

    private static int after(String text, int from, String end) {
        int k = text.indexOf(end, from);
        return k < 0 ? -1 : k + end.length();
    }

    private static boolean isXmlSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
