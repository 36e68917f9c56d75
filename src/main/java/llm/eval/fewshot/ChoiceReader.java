package llm.eval.fewshot;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import llm.UserException;
import llm.io.Inputs;
import llm.io.StrictUtf8Reader;

/**
 * Reads multiple-choice items (HellaSwag and the like) in one of two forms, told apart by the first non-blank
 * character (<code>{</code> means JSON Lines); bzip2/gzip/xz/zstd files are decompressed by content through
 * commons-compress.
 *
 * <ul>
 *   <li>llama.cpp's text form, 6 lines per item: the context, the index of the right ending (0-based), then the
 *       four endings — the form of {@code hellaswag_val.txt.bz2}.</li>
 *   <li>JSON Lines, one item per line: <code>{"context": "...", "endings": ["...", "..."], "label": 0}</code>.
 *       Also accepted: {@code ctx} for {@code context}, {@code choices} for {@code endings}, {@code gold} for
 *       {@code label}, and a label written as a string ({@code "2"}) — so HellaSwag's own JSONL reads as is
 *       (its {@code ctx} being the full context).</li>
 * </ul>
 */
public final class ChoiceReader {
    /** Endings per item in the text form. */
    public static final int TEXT_ENDINGS = 4;

    private ChoiceReader() {}

    /** Read up to {@code limit} items (0 = all) from {@code name} ("-" for stdin). */
    public static List<ChoiceItem> read(String name, int limit) {
        try (InputStream in = Inputs.open(name)) {
            return read(in, name, limit);
        } catch (IOException e) {
            throw UserException.runtime(name + ": cannot read: " + e.getMessage());
        }
    }

    public static List<ChoiceItem> read(InputStream in, String name, int limit) {
        List<ChoiceItem> items = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new StrictUtf8Reader(in, name))) {
            String line = r.readLine();
            int lineNo = 1;
            while (line != null && line.isBlank()) {
                line = r.readLine();
                lineNo++;
            }
            if (line == null) {
                throw UserException.runtime(name + ": no items");
            }
            if (line.strip().replace("\uFEFF", "").startsWith("{")) {
                for (; line != null && (limit <= 0 || items.size() < limit); line = r.readLine(), lineNo++) {
                    if (!line.isBlank()) {
                        items.add(jsonItem(line, name + ":" + lineNo + ": "));
                    }
                }
            } else {
                String[] group = new String[2 + TEXT_ENDINGS];
                int n = 0;
                int start = lineNo;
                for (; line != null && (limit <= 0 || items.size() < limit); line = r.readLine(), lineNo++) {
                    if (n == 0) {
                        start = lineNo;
                    }
                    group[n++] = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                    if (n == group.length) {
                        items.add(textItem(group, name + ":" + start + ": "));
                        n = 0;
                    }
                }
                if (n != 0 && (limit <= 0 || items.size() < limit) && !(n == 1 && group[0].isEmpty())) {
                    throw UserException.runtime(name + ":" + start + ": truncated item (" + n + " of "
                            + group.length + " lines: context, label, " + TEXT_ENDINGS + " endings)");
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw UserException.runtime(name + ": cannot read: " + e.getMessage());
        }
        if (items.isEmpty()) {
            throw UserException.runtime(name + ": no items");
        }
        return items;
    }

    private static ChoiceItem textItem(String[] g, String where) {
        int gold;
        try {
            gold = Integer.parseInt(g[1].strip());
        } catch (NumberFormatException e) {
            throw UserException.runtime(where + "expected the index of the right ending on the line after the context, found '"
                    + g[1] + "' (format: 6 lines per item)");
        }
        if (gold < 0 || gold >= TEXT_ENDINGS) {
            throw UserException.runtime(where + "the right ending's index " + gold + " is outside [0, " + TEXT_ENDINGS + ")");
        }
        return new ChoiceItem(g[0], List.of(g[2], g[3], g[4], g[5]), gold);
    }

    private static ChoiceItem jsonItem(String line, String where) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(line);
            if (!e.isJsonObject()) {
                throw UserException.runtime(where + "expected a JSON object with context, endings and label");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw UserException.runtime(where + "not valid JSON");
        }
        String context = ExampleReader.stringField(o, o.has("context") ? "context" : o.has("ctx") ? "ctx" : "context", where);
        JsonElement arr = o.has("endings") ? o.get("endings") : o.get("choices");
        if (arr == null || !arr.isJsonArray()) {
            throw UserException.runtime(where + "missing array field \"endings\"");
        }
        JsonArray a = arr.getAsJsonArray();
        List<String> endings = new ArrayList<>(a.size());
        for (JsonElement e : a) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw UserException.runtime(where + "\"endings\" must hold strings");
            }
            endings.add(e.getAsString());
        }
        if (endings.size() < 2) {
            throw UserException.runtime(where + "\"endings\" must hold at least two endings");
        }
        JsonElement l = o.has("label") ? o.get("label") : o.get("gold");
        int gold;
        try {
            if (l == null || !l.isJsonPrimitive()) {
                throw new NumberFormatException();
            }
            gold = Integer.parseInt(l.getAsString().strip());
        } catch (NumberFormatException e) {
            throw UserException.runtime(where + "missing integer field \"label\" (the index of the right ending)");
        }
        if (gold < 0 || gold >= endings.size()) {
            throw UserException.runtime(where + "label " + gold + " is outside [0, " + endings.size() + ")");
        }
        return new ChoiceItem(context, endings, gold);
    }
}
