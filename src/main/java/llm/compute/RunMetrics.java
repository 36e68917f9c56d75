package llm.compute;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;
import llm.UserException;

/**
 * Steady-state throughput read from a run's {@code metrics.jsonl} (one JSON object per logged step): the median of
 * {@code tokens_per_s} and of {@code mfu} over the last half of the lines that have them (the first steps include
 * warm-up). Lines that are not JSON objects (a line cut by a kill) are skipped.
 */
public record RunMetrics(int lines, OptionalDouble tokensPerSecond, OptionalDouble mfu) {
    public static final String FILE = "metrics.jsonl";
    static final String[] TOKENS_PER_S = {"tokens_per_s", "tokens_per_sec", "tokens_per_second", "tok_per_s"};

    /** Read {@code dir/metrics.jsonl}; empty numbers when the file is absent. */
    public static RunMetrics read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return new RunMetrics(0, OptionalDouble.empty(), OptionalDouble.empty());
        }
        List<Double> tps = new ArrayList<>();
        List<Double> mfu = new ArrayList<>();
        int n = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                JsonObject o;
                try {
                    JsonElement e = JsonParser.parseString(line);
                    if (!e.isJsonObject()) {
                        continue;
                    }
                    o = e.getAsJsonObject();
                } catch (JsonParseException ex) {
                    continue;
                }
                n++;
                for (String k : TOKENS_PER_S) {
                    Double v = number(o, k);
                    if (v != null) {
                        tps.add(v);
                        break;
                    }
                }
                Double m = number(o, "mfu");
                if (m != null) {
                    mfu.add(m);
                }
            }
        } catch (IOException e) {
            throw UserException.runtime(file + ": cannot read: " + e.getMessage());
        }
        return new RunMetrics(n, steadyMedian(tps), steadyMedian(mfu));
    }

    /** Median of the last half of {@code xs} (all of them when fewer than 4). */
    static OptionalDouble steadyMedian(List<Double> xs) {
        if (xs.isEmpty()) {
            return OptionalDouble.empty();
        }
        List<Double> tail = new ArrayList<>(xs.size() < 4 ? xs : xs.subList(xs.size() / 2, xs.size()));
        Collections.sort(tail);
        int m = tail.size();
        return OptionalDouble.of(m % 2 == 1 ? tail.get(m / 2) : (tail.get(m / 2 - 1) + tail.get(m / 2)) / 2);
    }

    private static Double number(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            return null;
        }
        double v = e.getAsDouble();
        return Double.isFinite(v) && v > 0 ? v : null;
    }
}
