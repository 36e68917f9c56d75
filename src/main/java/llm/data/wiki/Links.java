package llm.data.wiki;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** What a wiki link {@code [[…]]} or an external link {@code [url label]} shows, given its resolved content. */
final class Links {
    private Links() {}

    /** Namespaces whose links show nothing in the text: media embedded, categories (English and Chinese names). */
    private static final Set<String> HIDDEN = Set.of("file", "image", "category", "文件", "檔案", "档案", "图像",
            "圖像", "图片", "圖片", "分类", "分類", "category talk");
    /** An interlanguage prefix: {@code fr}, {@code zh-yue}, {@code be-tarask}, {@code simple}. */
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}|simple");
    private static final String[] SCHEMES = {"http://", "https://", "ftp://", "ftps://", "sftp://", "//",
        "mailto:", "irc://", "ircs://", "news:", "gopher://", "telnet://", "git://", "svn://", "ssh://"};

    /**
     * The text of {@code [[inner]]}: the label after the first '|', else the target; "" for File/Image/Category
     * and interlanguage links (their captions and nested links included); the pipe trick {@code [[Foo (bar)|]]}
     * shows "Foo". {@code [[:Category:X]]} (leading colon) is an ordinary link showing "Category:X".
     */
    static String display(String inner) {
        int bar = inner.indexOf('|');
        String target = (bar < 0 ? inner : inner.substring(0, bar)).strip();
        boolean leadingColon = target.startsWith(":");
        if (leadingColon) {
            target = target.substring(1).strip();
        }
        int colon = target.indexOf(':');
        if (!leadingColon && colon > 0) {
            String ns = target.substring(0, colon).strip().toLowerCase(Locale.ROOT).replace('_', ' ');
            boolean interlanguage = bar < 0 && LANGUAGE.matcher(ns).matches()
                    && colon + 1 < target.length() && target.charAt(colon + 1) != ' '; // not "[[AC: A Title]]"
            if (HIDDEN.contains(ns) || interlanguage) {
                return "";
            }
        }
        if (bar < 0) {
            return target;
        }
        String label = inner.substring(bar + 1);
        if (!label.isBlank()) {
            return label;
        }
        return pipeTrick(target);
    }

    /** {@code [[Help:Foo (bar)|]]} shows "Foo", {@code [[Paris, Texas|]]} shows "Paris". */
    private static String pipeTrick(String target) {
        String t = target;
        int colon = t.indexOf(':');
        if (colon > 0) {
            t = t.substring(colon + 1);
        }
        int paren = t.indexOf(" (");
        if (paren > 0 && t.endsWith(")")) {
            t = t.substring(0, paren);
        } else {
            int comma = t.indexOf(", ");
            if (comma > 0) {
                t = t.substring(0, comma);
            }
        }
        return t.strip();
    }

    /** Whether the target of a link whose content starts at {@code s[i]} is in a namespace that shows nothing. */
    static boolean isHiddenAt(String s, int i) {
        int colon = -1;
        for (int k = i; k < s.length() && k < i + 20; k++) {
            char c = s.charAt(k);
            if (c == ':') {
                colon = k;
                break;
            }
            if (c == '|' || c == '[' || c == ']' || c == '{' || c == '}' || c == '\n') {
                return false;
            }
        }
        return colon > i && HIDDEN.contains(s.substring(i, colon).strip().toLowerCase(Locale.ROOT).replace('_', ' '));
    }

    /** The label of {@code [url label]} given "url label"; "" for a bare {@code [url]}. */
    static String externalLabel(String inner) {
        for (int k = 0; k < inner.length(); k++) {
            if (Character.isWhitespace(inner.charAt(k))) {
                return inner.substring(k + 1).strip();
            }
        }
        return "";
    }

    /** Whether an external link's URL starts at {@code s[i]} (a scheme MediaWiki links). */
    static boolean isUrlStart(String s, int i) {
        for (String scheme : SCHEMES) {
            if (s.regionMatches(true, i, scheme, 0, scheme.length())) {
                return true;
            }
        }
        return false;
    }
}
