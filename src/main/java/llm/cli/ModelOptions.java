package llm.cli;

import java.nio.file.Path;
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

    /** The model path to use: {@code --model}, else the default (exit 2 when there is none). */
    public Path modelPath() {
        return model != null ? model : ModelRef.defaultModel();
    }

    /** {@code --model} and {@code --tokenizer} resolved: the model's format detected, once (exit 1 when no model). */
    public ModelRef ref() {
        return ModelRef.resolve(modelPath(), tokenizer);
    }
}
