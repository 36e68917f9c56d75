package llm.data.wiki;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chinese language-variant markup {@code -{…}-} (MediaWiki's LanguageConverter). What shows is the text for one
 * variant; we pick Simplified Chinese, the first of {@link #PREFERENCE} that the rule names (zh-hans, then zh-cn,
 * zh-sg, zh-my, zh, then the Traditional ones, then the first rule). Forms:
 * <ul>
 *   <li>{@code -{text}-}: text, not converted;</li>
 *   <li>{@code -{zh-hans:计算机; zh-hant:電腦;}-}: one variant's text (unidirectional {@code A=>zh-cn:B} shows B);</li>
 *   <li>flags {@code -{R|raw}-} (raw text), {@code -{A|rules}-} (shown like the rules), {@code -{H|…}-},
 *       {@code -{T|…}-} and {@code -{-|…}-} (conversion rules, the title, a rule's removal: nothing shown).</li>
 * </ul>
 */
final class Variants {
    private Variants() {}

    static final List<String> PREFERENCE = List.of("zh-hans", "zh-cn", "zh-sg", "zh-my", "zh", "zh-hant", "zh-tw",
            "zh-hk", "zh-mo");
    private static final Pattern FLAGS = Pattern.compile("([A-Za-z\\-; ]{1,12})\\|(.*)", Pattern.DOTALL);
    /** A ';' that ends a rule: another rule or the end follows ("a&nbsp;b" inside a rule is not cut). */
    private static final Pattern RULE_END = Pattern.compile(";(?=\\s*(?:[^;:=]*=>)?\\s*zh(?:-[a-z]{2,4})?\\s*:|\\s*$)");
    private static final Pattern RULE = Pattern.compile("\\s*(?:[^;:=]*=>)?\\s*(zh(?:-[a-z]{2,4})?)\\s*:(.*)",
            Pattern.DOTALL);

    /** The text {@code -{inner}-} shows. */
    static String display(String inner) {
        String body = inner;
        Matcher flags = FLAGS.matcher(inner);
        if (flags.matches()) {
            String f = flags.group(1);
            body = flags.group(2);
            if (f.contains("H") || f.contains("T") || f.contains("-")) {
                return "";
            }
            if (f.contains("R")) {
                return body;
            }
        }
        String[] parts = RULE_END.split(body);
        String chosen = null;
        int chosenRank = Integer.MAX_VALUE;
        for (String part : parts) {
            if (part.isBlank()) {
                continue;
            }
            Matcher rule = RULE.matcher(part);
            if (!rule.matches()) {
                return body; // not a list of rules: plain text that is not converted
            }
            int rank = PREFERENCE.indexOf(rule.group(1));
            if (rank < 0) {
                rank = PREFERENCE.size();
            }
            if (chosen == null || rank < chosenRank) {
                chosen = rule.group(2).strip();
                chosenRank = rank;
            }
        }
        return chosen == null ? body : chosen;
    }
}
