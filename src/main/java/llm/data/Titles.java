package llm.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import llm.UserException;
import llm.io.Inputs;

/**
 * A selection of documents by title (their id): {@code --titles A,B,…} or {@code --titles @FILE} (one title per line;
 * the form for titles with commas, such as "Washington, D.C."). Titles compare as MediaWiki compares them in URLs:
 * an underscore is a space ({@code Albert_Einstein} = {@code Albert Einstein}), surrounding white space ignored.
 *
 * <pre>{@code
 * Titles t = Titles.parse("--titles", "Aardvark,Zebra");
 * t.contains("Aardvark");   // true
 * t.size();                 // 2: a reader may stop once it has found that many
 * }</pre>
 */
public record Titles(Set<String> titles) {
    public Titles {
        titles = Set.copyOf(titles);
    }

    /** Parse the value of {@code flag}: comma-separated titles, or {@code @FILE} with one title per line. */
    public static Titles parse(String flag, String value) {
        List<String> raw;
        if (value.startsWith("@")) {
            String file = value.substring(1);
            try {
                raw = List.of(new String(Inputs.open(file).readAllBytes(), StandardCharsets.UTF_8)
                        .replace("\uFEFF", "").split("\r?\n"));
            } catch (UserException e) {
                throw UserException.usage(flag + " " + value + ": " + e.getMessage().replaceFirst("^\\Q" + file
                        + "\\E: ", ""));
            } catch (IOException e) {
                throw UserException.usage(flag + " " + value + ": cannot read: " + Inputs.reason(e));
            }
        } else {
            raw = List.of(value.split(","));
        }
        Set<String> set = new LinkedHashSet<>();
        for (String r : raw) {
            String t = normalize(r);
            if (!t.isEmpty()) {
                set.add(t);
            }
        }
        if (set.isEmpty()) {
            throw UserException.usage(flag + " " + value + ": no title given");
        }
        return new Titles(set);
    }

    /** Is the document {@code id} one of the titles? */
    public boolean contains(String id) {
        return titles.contains(normalize(id));
    }

    public int size() {
        return titles.size();
    }

    public static String normalize(String title) {
        return title.replace('_', ' ').strip();
    }
}
