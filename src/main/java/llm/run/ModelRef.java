package llm.run;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import llm.UserException;
import llm.model.ModelConfig;
import llm.model.Models;
import llm.model.Release;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;

/**
 * {@code --model} and {@code --tokenizer} resolved once per command: the model's path, its format (detected once,
 * when this is made) and the tokenizer file asked for (null: the one that comes with the model).
 */
public record ModelRef(Path path, Models.Format format, Path tokenizer) {
    /** Detect what {@code path} is (exit 1 when it is no model); {@code tokenizer} may be null. */
    public static ModelRef resolve(Path path, Path tokenizer) {
        return new ModelRef(path, Models.detect(path), tokenizer);
    }

    /**
     * The model to use without {@code --model}: the {@code llm.model} system property, else the bundled one
     * ({@link #bundled()}); exit 2 when there is none.
     */
    public static Path defaultModel() {
        String prop = System.getProperty("llm.model");
        if (prop != null) {
            return Path.of(prop);
        }
        Path bundled = bundled();
        if (bundled != null) {
            return bundled;
        }
        throw UserException.usage("--model is required (no bundled default model found in this installation)");
    }

    /** {@code <project>/models/default} beside the jar's {@code target/} directory, if present; else null. */
    public static Path bundled() {
        try {
            Path jar = Path.of(ModelRef.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = jar.getParent(); p != null; p = p.getParent()) {
                Path candidate = p.resolve("models").resolve("default");
                if (Files.isRegularFile(candidate.resolve("config.json"))) {
                    return candidate;
                }
                if (Files.exists(p.resolve("pom.xml"))) {
                    break;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** A llama2.c checkpoint: its end-of-text and printing conventions are run.c's. */
    public boolean llama2c() {
        return format == Models.Format.LLAMA2C;
    }

    /** The release directory of a RELEASE model. */
    public Path releaseDir() {
        return Models.releaseDir(path);
    }

    /** The shape from config.json or the checkpoint header alone (no weights); null when unreadable. */
    public ModelConfig peekConfig() {
        return Models.peekConfig(path, format);
    }

    /** The tokenizer: {@code --tokenizer}, or the one that comes with the model (exit 1 when there is none). */
    public Tokenizer loadTokenizer() {
        Path t = tokenizer;
        if (t == null) {
            t = Models.defaultTokenizer(path, format);
            if (t == null) {
                throw noTokenizer();
            }
        }
        return Tokenizers.load(t);
    }

    /** Check that the tokenizer's ids fit the vocabulary of a model of this shape (exit 2). */
    public static void checkCompatible(Tokenizer tok, ModelConfig config) {
        if (tok.vocabSize() > config.vocabSize()) {
            throw UserException.usage(tok.name() + " has more tokens than the model's vocabulary of "
                    + config.vocabSize() + " (wrong --tokenizer?)");
        }
    }

    /**
     * The model came without the tokenizer it needs: a failure to load the model (exit 1), naming the directory
     * looked in and what was looked for, with the tokenizer-like files there as a hint (stories260K's tok512.bin).
     */
    private UserException noTokenizer() {
        boolean release = format == Models.Format.RELEASE;
        Path dir = release ? releaseDir() : path.toAbsolutePath().getParent();
        String wanted = release ? Release.TOKENIZER : "tokenizer.bin";
        List<String> others = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("tok") && (n.endsWith(".bin") || n.endsWith(".json"))
                            && !n.equals(path.getFileName().toString()))
                    .sorted().limit(3).forEach(others::add);
        } catch (IOException | RuntimeException e) {
            // no hint then
        }
        return UserException.runtime(dir + ": no " + wanted + " beside the model"
                + (release ? "" : " " + path.getFileName()) + "; give --tokenizer PATH"
                + (others.isEmpty() ? "" : " (here: " + String.join(", ", others) + ")"));
    }
}
