package llm.model;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import llm.UserException;
import llm.io.AtomicFile;
import llm.io.JsonProblem;

/**
 * A release directory in the HuggingFace layout: {@code config.json}, {@code model.safetensors} (or sharded
 * {@code model.safetensors.index.json}) with HF tensor names, and {@code tokenizer.json}.
 *
 * <p>Tensors are written with transformers' names, prefixes included ({@code transformer.} for GPT-2 and GPT-Neo,
 * {@code gpt_neox.}, {@code model.}), as {@code *ForCausalLM.save_pretrained} does; on read the prefix is optional
 * (the hub's {@code openai-community/gpt2} has none). Tensors the model does not use (GPT-NeoX's old
 * {@code attention.bias} / {@code rotary_emb.inv_freq} buffers, a tied copy of the head) are ignored. Conv1D weights are
 * stored (in, out) on disk and transposed to (out, in) in memory.
 */
public final class Release {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String WEIGHTS_INDEX = "model.safetensors.index.json";
    public static final String TOKENIZER = "tokenizer.json";

    private Release() {}

    /** True when {@code dir} looks like a release directory (has a config.json). */
    public static boolean isRelease(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(CONFIG));
    }

    /**
     * Write {@code model} to {@code dir}: config.json (plus the entries of {@code extraConfig}, e.g.
     * {@code bos_token_id}), model.safetensors, and a copy of {@code tokenizerJson} when given. Each file is written
     * atomically.
     */
    public static void write(Path dir, LanguageModel model, Path tokenizerJson, JsonObject extraConfig)
            throws IOException {
        Files.createDirectories(dir);
        JsonObject cfg = model.config().toHfJson();
        if (extraConfig != null) {
            for (Map.Entry<String, JsonElement> e : extraConfig.entrySet()) {
                cfg.add(e.getKey(), e.getValue());
            }
        }
        AtomicFile.writeString(dir.resolve(CONFIG), new GsonBuilder().setPrettyPrinting().serializeNulls()
                .create().toJson(cfg) + "\n");
        List<Safetensors.Tensor> tensors = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            long[] shape = p.array().getShape().getShape();
            if (p.conv1d()) {
                long[] disk = {shape[1], shape[0]};
                tensors.add(new Safetensors.Tensor(p.name(), disk,
                        () -> transpose(p.array().toFloatArray(), (int) shape[0], (int) shape[1])));
            } else {
                tensors.add(new Safetensors.Tensor(p.name(), shape, () -> p.array().toFloatArray()));
            }
        }
        Safetensors.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
        if (tokenizerJson != null) {
            Path target = dir.resolve(TOKENIZER);
            if (!Files.exists(target) || !Files.isSameFile(tokenizerJson, target)) {
                try (AtomicFile f = new AtomicFile(target)) { // the user's umask, not createTempFile's 0600
                    Files.copy(tokenizerJson, f.stream());
                    f.commit();
                }
            }
        }
    }

    /** Read the config of a release directory. */
    public static ModelConfig readConfig(Path dir) {
        return readConfigFile(dir.resolve(CONFIG), false);
    }

    /**
     * Read a {@code config.json}-style file of any name (errors name the file); {@code shapeOnly}: for counting, also
     * configs of models this toolkit does not run ({@link ModelConfig#shapeFromHfJson}).
     */
    public static ModelConfig readConfigFile(Path file, boolean shapeOnly) {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file));
            if (!e.isJsonObject()) {
                throw UserException.runtime(file + ": not a JSON object");
            }
            JsonObject o = e.getAsJsonObject();
            return shapeOnly ? ModelConfig.shapeFromHfJson(o) : ModelConfig.fromHfJson(o);
        } catch (IOException ex) {
            throw UserException.runtime(file + ": cannot read: " + ex.getMessage(), ex);
        } catch (UserException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            throw UserException.runtime(file + ": " + (ex instanceof IllegalArgumentException ? ex.getMessage()
                    : ex instanceof JsonParseException
                    ? "not valid JSON (" + JsonProblem.describe(ex) + ")" : "not valid JSON"), ex);
        }
    }

    /** Load a release directory onto {@code manager}'s device. */
    public static LanguageModel read(Path dir, NDManager manager) {
        return readArrays(dir).toModel(manager);
    }

    /**
     * Map a release directory's weights (each tensor as stored, not copied: see {@link HostTensor}); the readers are
     * closed, the mappings stay valid.
     */
    public static ModelArrays readArrays(Path dir) {
        return readArrays(dir, false);
    }

    /**
     * As {@link #readArrays(Path)}; with {@code decoder}, for the CPU decoder: matrices that {@link FloatMatrix#inHeap}
     * keeps in the heap are read into it.
     */
    public static ModelArrays readArrays(Path dir, boolean decoder) {
        ModelConfig config = readConfig(dir);
        List<Safetensors.Reader> readers = openWeights(dir);
        try {
            Map<String, Safetensors.Reader> where = new LinkedHashMap<>();
            for (Safetensors.Reader r : readers) {
                for (String name : r.entries().keySet()) {
                    where.put(name, r);
                }
            }
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Init.Spec s : Init.specs(config)) {
                String name = s.name();
                String found = where.containsKey(name) ? name : null;
                String bare = withoutBasePrefix(name);
                if (found == null && bare != null && where.containsKey(bare)) {
                    found = bare;
                }
                if (found == null) {
                    throw UserException.runtime(dir.resolve(readers.size() == 1 ? WEIGHTS : WEIGHTS_INDEX)
                            + ": missing tensor " + name);
                }
                Safetensors.Reader r = where.get(found);
                long[] disk = s.conv1d() ? new long[] {s.shape()[1], s.shape()[0]} : s.shape();
                long[] actual = r.entries().get(found).shape();
                if (!Arrays.equals(disk, actual)) {
                    throw UserException.runtime(r.file() + ": tensor " + found + " has shape "
                            + Arrays.toString(actual) + ", but config.json implies " + Arrays.toString(disk));
                }
                HostTensor.Dtype type = HostTensor.Dtype.of(r.entries().get(found).dtype());
                boolean heap = decoder && disk.length == 2 && type != null && FloatMatrix.inHeap(config, type);
                tensors.put(name, r.map(found, s.conv1d(), heap)); // Conv1D: stored (in, out) = Wᵀ
            }
            return new ModelArrays(config, tensors);
        } finally {
            readers.forEach(Safetensors.Reader::close);
        }
    }

    /**
     * The name a base model (GPT2Model, GPTNeoXModel, LlamaModel, ... saved without its head) gives the tensor: without
     * the {@code transformer.}, {@code gpt_neox.} or {@code model.} prefix; null for a name without one.
     */
    private static String withoutBasePrefix(String name) {
        for (String prefix : new String[] {"transformer.", "gpt_neox.", "model."}) {
            if (name.startsWith(prefix)) {
                return name.substring(prefix.length());
            }
        }
        return null;
    }

    private static List<Safetensors.Reader> openWeights(Path dir) {
        Path single = dir.resolve(WEIGHTS);
        if (Files.isRegularFile(single)) {
            return List.of(new Safetensors.Reader(single));
        }
        Path index = dir.resolve(WEIGHTS_INDEX);
        if (Files.isRegularFile(index)) {
            List<Safetensors.Reader> readers = new ArrayList<>();
            try {
                JsonObject map = JsonParser.parseString(Files.readString(index)).getAsJsonObject()
                        .getAsJsonObject("weight_map");
                Set<String> files = new LinkedHashSet<>();
                for (Map.Entry<String, JsonElement> e : map.entrySet()) {
                    files.add(e.getValue().getAsString());
                }
                for (String f : files) {
                    Path p = dir.resolve(f).normalize();
                    if (!p.getParent().equals(dir.normalize())) {
                        throw UserException.runtime(index + ": shard " + f + " lies outside the directory");
                    }
                    readers.add(new Safetensors.Reader(p));
                }
                return readers;
            } catch (IOException | RuntimeException e) {
                readers.forEach(Safetensors.Reader::close);
                if (e instanceof UserException u) {
                    throw u;
                }
                throw UserException.runtime(index + ": cannot read: " + e.getMessage(), e);
            }
        }
        if (Files.isRegularFile(dir.resolve("pytorch_model.bin"))) {
            throw UserException.runtime(dir + ": only pytorch_model.bin is present; convert it to model.safetensors");
        }
        throw UserException.runtime(dir + ": no " + WEIGHTS + " in the release directory");
    }

    /** (rows, cols) row-major -> (cols, rows). */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }
}
