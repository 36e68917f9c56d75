package llm.data.wiki;

import java.util.HashMap;
import java.util.Map;

/**
 * HTML character references in wikitext: {@code &name;}, {@code &#123;}, {@code &#x1F600;}. The names are the
 * ones that occur in Wikipedia articles (the JDK has no HTML entity table); an unknown name stays as written.
 * Spaces ({@code &nbsp;}, thin spaces) become a plain space; invisible marks (soft hyphen, direction marks,
 * zero-width joiners) are dropped.
 */
final class Entities {
    private Entities() {}

    private static final Map<String, String> NAMED = new HashMap<>();

    static {
        String[] pairs = {
            "amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", "nbsp", " ", "ensp", " ", "emsp", " ",
            "thinsp", " ", "hairsp", " ", "shy", "", "zwj", "", "zwnj", "", "lrm", "", "rlm", "",
            "ndash", "\u2013", "mdash", "\u2014", "minus", "\u2212", "hellip", "\u2026", "lsquo", "\u2018",
            "rsquo", "\u2019", "sbquo", "\u201a", "ldquo", "\u201c", "rdquo", "\u201d", "bdquo", "\u201e",
            "laquo", "\u00ab", "raquo", "\u00bb", "lsaquo", "\u2039", "rsaquo", "\u203a", "prime", "\u2032",
            "Prime", "\u2033", "times", "\u00d7", "divide", "\u00f7", "plusmn", "\u00b1", "deg", "\u00b0",
            "middot", "\u00b7", "bull", "\u2022", "sdot", "\u22c5", "copy", "\u00a9", "reg", "\u00ae",
            "trade", "\u2122", "euro", "\u20ac", "pound", "\u00a3", "yen", "\u00a5", "cent", "\u00a2",
            "sect", "\u00a7", "para", "\u00b6", "dagger", "\u2020", "Dagger", "\u2021", "frac12", "\u00bd",
            "frac14", "\u00bc", "frac34", "\u00be", "sup1", "\u00b9", "sup2", "\u00b2", "sup3", "\u00b3",
            "micro", "\u00b5", "permil", "\u2030", "larr", "\u2190", "rarr", "\u2192", "uarr", "\u2191",
            "darr", "\u2193", "harr", "\u2194", "le", "\u2264", "ge", "\u2265", "ne", "\u2260", "asymp", "\u2248",
            "equiv", "\u2261", "infin", "\u221e", "sum", "\u2211", "prod", "\u220f", "radic", "\u221a",
            "int", "\u222b", "part", "\u2202", "nabla", "\u2207", "isin", "\u2208", "cap", "\u2229", "cup", "\u222a",
            "and", "\u2227", "or", "\u2228", "not", "\u00ac", "forall", "\u2200", "exist", "\u2203", "empty", "\u2205",
            "iexcl", "\u00a1", "iquest", "\u00bf", "ordm", "\u00ba", "ordf", "\u00aa", "acute", "\u00b4",
            "oline", "\u203e", "loz", "\u25ca", "spades", "\u2660", "clubs", "\u2663", "hearts", "\u2665",
            "diams", "\u2666", "szlig", "\u00df", "aelig", "\u00e6", "AElig", "\u00c6", "oslash", "\u00f8",
            "Oslash", "\u00d8", "aring", "\u00e5", "Aring", "\u00c5", "ccedil", "\u00e7", "Ccedil", "\u00c7",
            "ntilde", "\u00f1", "Ntilde", "\u00d1", "eth", "\u00f0", "ETH", "\u00d0", "thorn", "\u00fe",
            "THORN", "\u00de", "oelig", "\u0153", "OElig", "\u0152", "scaron", "\u0161", "Scaron", "\u0160",
        };
        for (int k = 0; k < pairs.length; k += 2) {
            NAMED.put(pairs[k], pairs[k + 1]);
        }
        String greek = "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho"
                + " _ Sigma Tau Upsilon Phi Chi Psi Omega";
        String[] names = greek.split(" ");
        for (int k = 0; k < names.length; k++) {
            if (!names[k].equals("_")) {
                NAMED.put(names[k], String.valueOf((char) (0x391 + k)));
                NAMED.put(names[k].toLowerCase(), String.valueOf((char) (0x3b1 + k)));
            }
        }
        NAMED.put("sigmaf", "\u03c2");
        // letters with the five common accents: &eacute; &Agrave; &ouml; &acirc; &atilde;
        String[][] accents = {{"grave", "\u0300"}, {"acute", "\u0301"}, {"circ", "\u0302"}, {"tilde", "\u0303"},
            {"uml", "\u0308"}};
        for (String[] a : accents) {
            for (char v : "aeiouyAEIOUYnN".toCharArray()) {
                String composed = java.text.Normalizer.normalize(v + a[1], java.text.Normalizer.Form.NFC);
                if (composed.length() == 1) {
                    NAMED.put(v + a[0], composed);
                }
            }
        }
    }

    /** {@code s} with its character references decoded once ({@code &amp;lt;} becomes {@code &lt;}). */
    static String decode(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int semi = c == '&' ? s.indexOf(';', i + 1) : -1;
            String value = semi > i + 1 && semi - i <= 12 ? lookup(s.substring(i + 1, semi)) : null;
            if (value == null) {
                sb.append(c);
                i++;
            } else {
                sb.append(value);
                i = semi + 1;
            }
        }
        return sb.toString();
    }

    private static String lookup(String name) {
        if (name.charAt(0) != '#') {
            return NAMED.get(name);
        }
        try {
            boolean hex = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X');
            int cp = Integer.parseInt(name.substring(hex ? 2 : 1), hex ? 16 : 10);
            if (!Character.isValidCodePoint(cp) || cp == 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
                return null;
            }
            if (cp == 0xa0 || cp == 0x2002 || cp == 0x2003 || cp == 0x2009 || cp == 0x200a || cp == 0x202f) {
                return " ";
            }
            if (cp == 0xad || cp == 0x200b || cp == 0x200c || cp == 0x200d || cp == 0x200e || cp == 0x200f) {
                return "";
            }
            return new String(Character.toChars(cp));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
