package llm.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.ref.SoftReference;
import java.util.LinkedHashMap;
import java.util.Map;
import llm.UserException;
import llm.io.Log;

/** Opens a tokenizer from a path: a {@code tokenizer.json}, a llama2.c {@code tokenizer.bin}, or a directory. */
public final class Tokenizers {
    private Tokenizers() {}

    /**
     * Load {@code path}: a HuggingFace {@code tokenizer.json}; a llama2.c tokenizer file (e.g. {@code tok512.bin});
     * or a directory (a release directory) holding {@code tokenizer.json} (or, failing that, {@code tokenizer.bin}).
     * The kind is told by content, not by name. Errors are one-line {@link UserException}s naming the path.
     */
    public static Tokenizer load(Path path) {
        if (Files.isDirectory(path)) {
            for (String n : new String[] {"tokenizer.json", "tokenizer.bin"}) {
                Path p = path.resolve(n);
                if (Files.isRegularFile(p)) {
                    return load(p);
                }
            }
            throw UserException.runtime(path + ": directory has no tokenizer.json");
        }
        if (!Files.exists(path)) {
            throw UserException.runtime(path + ": no such file");
        }
        String key = cacheKey(path);
        synchronized (CACHE) {
            SoftReference<Tokenizer> ref = key == null ? null : CACHE.get(key);
            Tokenizer cached = ref == null ? null : ref.get();
            if (cached != null) {
                return cached;
            }
        }
        Tokenizer t = loadFile(path);
        if (key != null && !(t instanceof HfTokenizer)) { // HfTokenizer holds native memory and may be closed
            synchronized (CACHE) {
                CACHE.put(key, new SoftReference<>(t));
            }
        }
        return t;
    }

    /**
     * Loaded tokenizers by (real path, size, modification time): immutable and thread-safe, so commands and tests
     * that open the same file repeatedly in one process parse it once.
     */
    private static final Map<String, SoftReference<Tokenizer>> CACHE = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SoftReference<Tokenizer>> e) {
            return size() > 4;
        }
    };

    private static String cacheKey(Path path) {
        try {
            return path.toRealPath() + "|" + Files.size(path) + "|" + Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            return null;
        }
    }

    private static Tokenizer loadFile(Path path) {
        if (looksLikeJson(path)) {
            TokenizerJson json = TokenizerJson.load(path);
            if (json.isGpt2StyleByteLevelBpe()) {
                try {
                    return ByteLevelBpeTokenizer.fromJson(json);
                } catch (UserException e) {
                    // e.g. a vocabulary without all 256 bytes: HF tokenizers knows what to do with it
                    Log.debug("%s: Java byte-level BPE declined (%s); using HF tokenizers", path, e.getMessage());
                }
            }
            return HfTokenizer.load(path);
        }
        try {
            return Llama2cTokenizer.load(path);
        } catch (UserException e) {
            // neither JSON nor a plausible llama2.c header: say what was expected
            if (e.getMessage().contains(": not a llama2.c tokenizer")) {
                throw UserException.runtime(e.getMessage().replace(": not a llama2.c tokenizer",
                        ": not a tokenizer.json or a llama2.c tokenizer.bin"));
            }
            throw e;
        }
    }

    /** Load a {@code tokenizer.json} through DJL's HuggingFace binding, whatever its kind (reference path). */
    public static HfTokenizer loadHf(Path path) {
        return HfTokenizer.load(path);
    }

    private static boolean looksLikeJson(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(64);
            for (byte b : head) {
                if (b == '{') {
                    return true;
                }
                if (b != ' ' && b != '\n' && b != '\r' && b != '\t' && b != (byte) 0xEF && b != (byte) 0xBB
                        && b != (byte) 0xBF) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            throw UserException.runtime(path + ": cannot read: " + e.getMessage());
        }
    }
}
