package llm.train;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import llm.UserException;

/**
 * Documented model sizes for {@code --preset}. The vocabulary always comes from the tokenizer.
 *
 * @param name  the preset's name
 * @param arch  gpt2 or llama
 * @param layers transformer blocks
 * @param heads attention heads
 * @param kvHeads key/value heads (llama; = heads for gpt2)
 * @param dModel residual width
 * @param ctx   context length (and training window)
 * @param about one line for {@code --help}
 */
public record Preset(String name, String arch, int layers, int heads, int kvHeads, int dModel, int ctx, String about) {
    public static final List<Preset> ALL = List.of(
            new Preset("tiny", "gpt2", 2, 2, 2, 32, 64, "tests and smoke runs: 2 layers, d 32, ctx 64"),
            new Preset("default", "gpt2", 4, 4, 4, 128, 256,
                    "a first run (the README's example): 4 layers, 4 heads, d 128, ctx 256 "
                            + "(the bundled model is 6 layers)"),
            new Preset("bench", "gpt2", 4, 8, 8, 256, 128, "the bench/ shape: 4 layers, 8 heads, d 256, ctx 128"),
            new Preset("gpt2-124m", "gpt2", 12, 12, 12, 768, 1024, "GPT-2 small: 12 layers, 12 heads, d 768, ctx 1024"),
            new Preset("llama-tiny", "llama", 2, 4, 2, 64, 128, "a small Llama (RoPE, SwiGLU, GQA 4/2 heads), d 64"));

    public static Preset byName(String name) {
        for (Preset p : ALL) {
            if (p.name.equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw UserException.usage("--preset " + name + ": unknown (one of " + names() + ")");
    }

    public static String names() {
        return ALL.stream().map(Preset::name).collect(Collectors.joining(", "));
    }

    /** One line per preset, for {@code --help}. */
    public static String table() {
        return ALL.stream().map(p -> String.format(Locale.ROOT, "  %-11s %s", p.name, p.about))
                .collect(Collectors.joining("%n"));
    }
}
