package llm.eval.fewshot;

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
import java.util.Locale;
import llm.UserException;
import llm.io.Inputs;
import llm.io.StrictUtf8Reader;

/**
 * Reads input/output pairs from a file.
 *
 * <ul>
 *   <li>JSON Lines (name ends in {@code .jsonl}/{@code .json}, or the first non-blank character is <code>{</code>):
 *       one object per line with string fields {@code input} and {@code output}.</li>
 *   <li>TSV: {@code input<TAB>output} per line. The first line is a header when its fields include {@code input}
 *       and {@code output}, when {@code columns} names columns (then the header must have them), or when it sits
 *       over a column of numbers: a column that holds a number on every later line holds a word on the first (an
 *       index column, as in the Swadesh lists). The same rule holds whether {@code columns} gives names or numbers,
 *       so on such files {@code english,french} and {@code 2,3} select the same rows (a header over no number column,
 *       with numbered columns, is read as data: nothing tells it from a pair). {@code columns} picks two columns by header
 *       name or 1-based number ({@code english,french} or {@code 2,3}); without it: the header's
 *       {@code input}/{@code output} columns, else columns 1 and 2 of a file without a header (a header that names
 *       other columns needs {@code columns}: which two to use is then not a guess).</li>
 * </ul>
 * Blank lines are skipped; a trailing CR is dropped. Compressed files are read by content (see {@link Inputs}).
 */
public final class ExampleReader {
    private ExampleReader() {}

    /** Read the file {@code name} ("-" for stdin); {@code columns} may be null. */
    public static List<Example> read(String name, String columns) {
        try (InputStream in = Inputs.open(name)) {
            return read(in, name, columns);
        } catch (IOException e) {
            throw UserException.runtime(name + ": cannot read: " + e.getMessage());
        }
    }

    public static List<Example> read(InputStream in, String name, String columns) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new StrictUtf8Reader(in, name))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            }
        } catch (IOException | UncheckedIOException e) {
            throw UserException.runtime(name + ": cannot read: " + e.getMessage());
        }
        String lower = name.toLowerCase(Locale.ROOT);
        boolean json = lower.endsWith(".jsonl") || lower.endsWith(".json")
                || lower.endsWith(".jsonl.gz") || firstNonBlankChar(lines) == '{';
        if (json && columns != null) {
            throw UserException.usage("--columns applies to TSV files, and " + name + " is JSON Lines");
        }
        List<Example> out = json ? readJsonl(lines, name) : readTsv(lines, name, columns);
        if (out.isEmpty()) {
            throw UserException.runtime(name + ": no examples");
        }
        return out;
    }

    private static char firstNonBlankChar(List<String> lines) {
        for (String l : lines) {
            String s = l.strip();
            if (!s.isEmpty()) {
                return s.charAt(0) == '\uFEFF' && s.length() > 1 ? s.charAt(1) : s.charAt(0);
            }
        }
        return 0;
    }

    private static List<Example> readJsonl(List<String> lines, String name) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = name + ":" + (i + 1) + ": ";
            JsonObject o;
            try {
                JsonElement e = JsonParser.parseString(line);
                if (!e.isJsonObject()) {
                    throw UserException.runtime(where + "expected a JSON object with string fields input and output");
                }
                o = e.getAsJsonObject();
            } catch (JsonParseException e) {
                throw UserException.runtime(where + "not valid JSON");
            }
            out.add(new Example(stringField(o, "input", where), stringField(o, "output", where)));
        }
        return out;
    }

    static String stringField(JsonObject o, String field, String where) {
        JsonElement v = o.get(field);
        if (v == null || v.isJsonNull()) {
            throw UserException.runtime(where + "missing string field \"" + field + "\"");
        }
        if (!v.isJsonPrimitive()) {
            throw UserException.runtime(where + "field \"" + field + "\" is not a string but " + v);
        }
        return v.getAsString(); // a number or boolean as written: {"input": "2+2", "output": 4}
    }

    private static List<Example> readTsv(List<String> lines, String name, String columns) {
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) {
            first++;
        }
        if (first == lines.size()) {
            return List.of();
        }
        String[] head = lines.get(first).split("\t", -1);
        if (head.length > 0 && head[0].startsWith("\uFEFF")) {
            head[0] = head[0].substring(1);
        }
        int inputCol = indexOf(head, "input");
        int outputCol = indexOf(head, "output");
        boolean named = inputCol >= 0 && outputCol >= 0;
        boolean header = named || overNumbers(head, lines, first);
        if (columns != null) {
            String[] spec = columns.split(",", -1);
            if (spec.length != 2 || spec[0].isBlank() || spec[1].isBlank()) {
                throw UserException.usage("--columns takes two columns, IN,OUT (names or 1-based numbers), not '" + columns + "'");
            }
            boolean byName = !isNumber(spec[0].strip()) || !isNumber(spec[1].strip());
            header = header || byName;
            inputCol = column(spec[0].strip(), head, byName, name);
            outputCol = column(spec[1].strip(), head, byName, name);
        } else if (!named) {
            if (header) {
                throw UserException.usage(name + ": its first line is a header without 'input' and 'output' columns ("
                        + String.join(", ", head) + "): pick two with --columns, e.g. --columns "
                        + (head.length > 2 ? head[1].strip() + "," + head[2].strip() : "1,2"));
            }
            inputCol = 0;
            outputCol = 1;
        }
        int need = Math.max(inputCol, outputCol) + 1;
        List<Example> out = new ArrayList<>();
        for (int i = header ? first + 1 : first; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < need) {
                throw UserException.runtime(name + ":" + (i + 1) + ": expected at least " + need
                        + " tab-separated fields, found " + f.length);
            }
            out.add(new Example(f[inputCol], f[outputCol]));
        }
        return out;
    }

    /**
     * Whether line {@code first} heads a column of numbers: some column holds a number on every later non-blank line
     * (at least one) and something else on the first.
     */
    static boolean overNumbers(String[] head, List<String> lines, int first) {
        boolean[] numeric = new boolean[head.length];
        java.util.Arrays.fill(numeric, true);
        int rows = 0;
        for (int i = first + 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            rows++;
            String[] f = lines.get(i).split("\t", -1);
            for (int c = 0; c < head.length; c++) {
                numeric[c] &= c < f.length && NUMBER.matcher(f[c].strip()).matches();
            }
        }
        for (int c = 0; c < head.length && rows > 0; c++) {
            if (numeric[c] && !head[c].isBlank() && !NUMBER.matcher(head[c].strip()).matches()) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("[-+]?\\d+([.,]\\d+)?");

    private static int indexOf(String[] head, String field) {
        for (int i = 0; i < head.length; i++) {
            if (head[i].strip().equalsIgnoreCase(field)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() < 6;
    }

    private static int column(String spec, String[] head, boolean byName, String name) {
        if (isNumber(spec)) {
            int c = Integer.parseInt(spec);
            if (c < 1) {
                throw UserException.usage("--columns: column numbers start at 1, not " + spec);
            }
            return c - 1;
        }
        int c = indexOf(head, spec);
        if (c < 0) {
            throw UserException.usage("--columns: " + name + " has no column named '" + spec
                    + "' (its header: " + String.join(", ", head) + ")");
        }
        return c;
    }
}
