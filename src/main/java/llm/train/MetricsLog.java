package llm.train;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import llm.io.AtomicFile;

/**
 * {@code metrics.jsonl}: one JSON line per optimizer step, appended and flushed as training goes (so a killed run
 * keeps what it measured). On resume the file is cut back to the checkpoint's step, so that the resumed run's file
 * reads like the uninterrupted one.
 */
public final class MetricsLog implements AutoCloseable {
    private static final Gson GSON = new Gson();
    private final Path path;
    private final List<StepMetrics> all;
    private BufferedWriter out;

    private MetricsLog(Path path, List<StepMetrics> kept) throws IOException {
        this.path = path;
        this.all = kept;
        this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** A new, empty log at {@code path} (an existing file is replaced). */
    public static MetricsLog create(Path path) throws IOException {
        Files.deleteIfExists(path);
        return new MetricsLog(path, new ArrayList<>());
    }

    /** Reopen {@code path}, keeping only the lines with {@code step <= lastStep} (rewritten atomically). */
    public static MetricsLog resume(Path path, long lastStep) throws IOException {
        List<StepMetrics> kept = new ArrayList<>();
        if (Files.exists(path)) {
            StringBuilder text = new StringBuilder();
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    StepMetrics m = StepMetrics.fromJson(GSON.fromJson(line, JsonObject.class));
                    if (m.step() <= lastStep) {
                        kept.add(m);
                        text.append(line).append('\n');
                    }
                } catch (JsonParseException | NullPointerException | IllegalStateException e) {
                    break; // a line cut by a kill: drop it and everything after
                }
            }
            AtomicFile.writeString(path, text.toString());
        }
        return new MetricsLog(path, kept);
    }

    public void append(StepMetrics m) throws IOException {
        all.add(m);
        out.write(GSON.toJson(m.toJson()));
        out.write('\n');
        out.flush();
    }

    /** Every step logged so far, including those kept from before a resume. */
    public List<StepMetrics> all() {
        return all;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
