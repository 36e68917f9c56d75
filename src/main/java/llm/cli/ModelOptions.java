package llm.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import llm.UserException;
import llm.run.ModelRef;
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

    /** {@code --model} and {@code --tokenizer} resolved: the model's format detected, once (exit 1 when no model). */
    public ModelRef ref() {
        return ModelRef.resolve(modelPath(), tokenizer);
    }
}
