package llm.model;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import llm.UserException;

/** The one entry point for {@code --model PATH}: a release directory, its model.safetensors, or a llama2.c .bin. */
public final class Models {
    /** Where a model came from; decides end-of-text and printing conventions. */
    public enum Format { RELEASE, LLAMA2C }

    private Models() {}

    /** What {@code path} is, without loading it. */
    public static Format detect(Path path) {
        if (Files.isDirectory(path)) {
            if (!Release.isRelease(path)) {
                throw UserException.runtime(path + ": not a release directory (no config.json)");
            }
            return Format.RELEASE;
        }
        if (!Files.isRegularFile(path)) {
            throw UserException.runtime(path + ": no such file or directory");
        }
        String name = path.getFileName().toString();
        if (name.endsWith(".safetensors") || name.equals(Release.CONFIG)) {
            Path dir = path.toAbsolutePath().getParent();
            if (!Release.isRelease(dir)) {
                throw UserException.runtime(path + ": no config.json beside it");
            }
            return Format.RELEASE;
        }
        if (Llama2c.looksLike(path)) {
            return Format.LLAMA2C;
        }
        throw UserException.runtime(path + ": not a model (expected a release directory with config.json and"
                + " model.safetensors, or a llama2.c .bin checkpoint)");
    }

    /** The release directory for a RELEASE path (the directory itself, or the parent of a file in it). */
    public static Path releaseDir(Path path) {
        return Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
    }

    /** Load the model at {@code path} onto {@code manager}'s device. */
    public static LanguageModel load(Path path, NDManager manager) {
        return load(path, detect(path), manager);
    }

    /** {@link #load(Path, NDManager)} of a path already detected as {@code format}. */
    public static LanguageModel load(Path path, Format format, NDManager manager) {
        return switch (format) {
            case RELEASE -> Release.read(releaseDir(path), manager);
            case LLAMA2C -> Llama2c.read(path, manager);
        };
    }

    /** Read the model at {@code path} into Java arrays, without the engine (for the CPU decoder). */
    public static ModelArrays loadArrays(Path path) {
        return loadArrays(path, detect(path));
    }

    /** {@link #loadArrays(Path)} of a path already detected as {@code format}. */
    public static ModelArrays loadArrays(Path path, Format format) {
        return switch (format) {
            case RELEASE -> Release.readArrays(releaseDir(path), true);
            case LLAMA2C -> Llama2c.readArrays(path, true);
        };
    }

    /**
     * The shape of the model at {@code path} from its config.json or checkpoint header alone, without loading
     * weights (cheap: to prepare for a model while it loads); null when it cannot be read — {@link #load} then says why.
     */
    public static ModelConfig peekConfig(Path path) {
        try {
            return peekConfig(path, detect(path));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@link #peekConfig(Path)} of a path already detected as {@code format}. */
    public static ModelConfig peekConfig(Path path, Format format) {
        try {
            return switch (format) {
                case RELEASE -> Release.readConfig(releaseDir(path));
                case LLAMA2C -> Llama2c.config(path);
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The shape of the model at {@code path} for counting ({@code llm cost --model}), from its config.json or
     * checkpoint header alone, or an error saying why not: a release directory or a file in one, a llama2.c
     * checkpoint ({@code .bin}, or any file that starts like one), or a {@code config.json}-style file of any name —
     * also of a model this toolkit counts but does not run ({@link ModelConfig#shapeFromHfJson}).
     */
    public static ModelConfig readShape(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (Files.isDirectory(path) || name.endsWith(".safetensors") || name.equals(Release.CONFIG)) {
            detect(path);
            return Release.readConfigFile(releaseDir(path).resolve(Release.CONFIG), true);
        }
        if (Files.isRegularFile(path) && (name.endsWith(".bin") || !name.endsWith(".json") && Llama2c.looksLike(path))) {
            return Llama2c.readConfig(path);
        }
        return Release.readConfigFile(path, true);
    }

    /**
     * The tokenizer file that goes with the model at {@code path} when {@code --tokenizer} is absent: the release's
     * tokenizer.json, or a {@code tokenizer.bin} beside a llama2.c checkpoint; null when there is none.
     */
    public static Path defaultTokenizer(Path path) {
        return defaultTokenizer(path, detect(path));
    }

    /** {@link #defaultTokenizer(Path)} of a path already detected as {@code format}. */
    public static Path defaultTokenizer(Path path, Format format) {
        if (format == Format.RELEASE) {
            Path t = releaseDir(path).resolve(Release.TOKENIZER);
            return Files.isRegularFile(t) ? t : null;
        }
        Path t = path.toAbsolutePath().getParent().resolve("tokenizer.bin");
        return Files.isRegularFile(t) ? t : null;
    }
}
