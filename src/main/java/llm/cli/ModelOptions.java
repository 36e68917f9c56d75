package llm.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import llm.UserException;
import llm.model.LanguageModel;
import llm.model.ModelConfig;
import llm.model.Models;
import llm.model.Release;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;
import picocli.CommandLine.Option;

/**
 * {@code --model PATH} and {@code --tokenizer PATH}, shared by every command that runs a model (sample, score,
 * memorize-check, fewshot, info). Without {@code --model}: the bundled default model ({@code models/default} in the
 * project, or the {@code llm.model} system property).
 */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "PATH",
            description = "A release directory (config.json, model.safetensors, tokenizer.json; HuggingFace layout, "
                    + "gpt2 or llama), or a llama2.c checkpoint (.bin). Default: the bundled model.")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "PATH",
            description = "tokenizer.json or llama2.c tokenizer.bin. Default: the release's tokenizer.json, or "
                    + "tokenizer.bin beside a .bin checkpoint.")
    Path tokenizer;

    /** The model path to use (exit 1 when there is none). */
    public Path modelPath() {
        if (model != null) {
            return model;
        }
        String prop = System.getProperty("llm.model");
        if (prop != null) {
            return Path.of(prop);
        }
        Path bundled = bundledModel();
        if (bundled != null) {
            return bundled;
        }
        throw UserException.usage("--model is required (no bundled default model found in this installation)");
    }

    /** {@code <project>/models/default} beside the jar's {@code target/} directory, if present. */
    static Path bundledModel() {
        try {
            Path jar = Path.of(ModelOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
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

    public Models.Format format() {
        return Models.detect(modelPath());
    }

    /** Load the model onto {@code manager}'s device. */
    public LanguageModel loadModel(NDManager manager) {
        return Models.load(modelPath(), manager);
    }

    /** The tokenizer: {@code --tokenizer}, or the one that comes with the model. */
    public Tokenizer loadTokenizer() {
        Path t = tokenizer;
        if (t == null) {
            t = Models.defaultTokenizer(modelPath());
            if (t == null) {
                throw noTokenizer(modelPath());
            }
        }
        return Tokenizers.load(t);
    }

    /**
     * The model came without the tokenizer it needs: a failure to load the model (exit 1), naming the directory
     * looked in and what was looked for, with the tokenizer-like files there as a hint (stories260K's tok512.bin).
     */
    static UserException noTokenizer(Path model) {
        boolean release = Models.detect(model) == Models.Format.RELEASE;
        Path dir = release ? Models.releaseDir(model) : model.toAbsolutePath().getParent();
        String wanted = release ? Release.TOKENIZER : "tokenizer.bin";
        List<String> others = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("tok") && (n.endsWith(".bin") || n.endsWith(".json"))
                            && !n.equals(model.getFileName().toString()))
                    .sorted().limit(3).forEach(others::add);
        } catch (IOException | RuntimeException e) {
            // no hint then
        }
        return UserException.runtime(dir + ": no " + wanted + " beside the model"
                + (release ? "" : " " + model.getFileName()) + "; give --tokenizer PATH"
                + (others.isEmpty() ? "" : " (here: " + String.join(", ", others) + ")"));
    }

    /** Check that the tokenizer's ids fit the model's vocabulary. */
    public static void checkCompatible(Tokenizer tok, LanguageModel model) {
        checkCompatible(tok, model.config());
    }

    /** Check that the tokenizer's ids fit the vocabulary of a model of this shape. */
    public static void checkCompatible(Tokenizer tok, ModelConfig config) {
        if (tok.vocabSize() > config.vocabSize()) {
            throw UserException.usage(tok.name() + " has more tokens than the model's vocabulary of "
                    + config.vocabSize() + " (wrong --tokenizer?)");
        }
    }
}
