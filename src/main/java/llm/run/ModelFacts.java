package llm.run;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import llm.UserException;
import llm.engine.Engines;
import llm.io.JsonProblem;
import llm.io.Log;
import llm.model.LanguageModel;
import llm.model.ModelConfig;
import llm.model.Models;
import llm.model.Parameter;
import llm.model.ParameterCount;
import llm.model.Release;
import llm.model.Safetensors;
import llm.tokenizer.Tokenizer;

/**
 * What {@code llm info} reports of a model, read without running it: its shape, the tensors its files hold, the files,
 * and a release's training.json (null-valued when absent or unreadable, with the reason in {@code trainingProblem}).
 */
public record ModelFacts(ModelRef ref, ModelConfig config, List<Tensor> stored, Map<String, Long> files,
        JsonElement training, String trainingProblem) {
    /** One stored tensor. */
    public record Tensor(String name, long[] shape, String dtype, long size) {}

    /** Read them; a problem with training.json is a warning on stderr. */
    public static ModelFacts read(ModelRef ref) {
        return ref.format() == Models.Format.RELEASE ? readRelease(ref) : readCheckpoint(ref);
    }

    /** The parameter counts that the config implies. */
    public ParameterCount counts() {
        return ParameterCount.of(config);
    }

    /** Stored parameters by part; a head tensor of a tied model is the embedding again, counted once. */
    public Map<String, Long> tally() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (Tensor t : stored) {
            if (config.tiedEmbeddings() && "head".equals(ParameterCount.partOf(t.name()))) {
                continue;
            }
            sizes.put(t.name(), t.size());
        }
        return withOther(ParameterCount.tally(sizes));
    }

    /** Whether the stored tensors add up to what the config implies (or there are none to compare). */
    public boolean agrees() {
        return stored.isEmpty() || tally().equals(withOther(counts().byPart()));
    }

    private static Map<String, Long> withOther(Map<String, Long> m) {
        Map<String, Long> r = new LinkedHashMap<>(m);
        r.putIfAbsent("other", 0L);
        return r;
    }

    /** A release directory: config.json, the safetensors headers, its files, training.json. */
    private static ModelFacts readRelease(ModelRef ref) {
        Path dir = ref.releaseDir();
        ModelConfig config = Release.readConfig(dir);
        List<Tensor> stored = readSafetensorsHeaders(dir);
        Map<String, Long> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.sorted().toList()) {
                if (Files.isRegularFile(p)) {
                    files.put(p.getFileName().toString(), Files.size(p));
                }
            }
        } catch (IOException e) {
            throw UserException.runtime(dir + ": cannot list: " + e.getMessage(), e);
        }
        Path t = dir.resolve("training.json");
        if (!Files.isRegularFile(t)) {
            return new ModelFacts(ref, config, stored, files, JsonNull.INSTANCE, null);
        }
        JsonElement training = JsonNull.INSTANCE;
        String problem = null;
        try {
            training = JsonParser.parseString(Files.readString(t));
            if (!training.isJsonObject()) {
                training = JsonNull.INSTANCE;
                problem = "training.json is not a JSON object";
            }
        } catch (IOException | RuntimeException e) {
            problem = "training.json is not readable JSON: " + JsonProblem.describe(e);
        }
        if (problem != null) {
            Log.warn("%s: %s", dir, problem);
        }
        return new ModelFacts(ref, config, stored, files, training, problem);
    }

    private static List<Tensor> readSafetensorsHeaders(Path dir) {
        List<Path> shards = new ArrayList<>();
        if (Files.isRegularFile(dir.resolve(Release.WEIGHTS))) {
            shards.add(dir.resolve(Release.WEIGHTS));
        } else {
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().forEach(shards::add);
            } catch (IOException e) {
                throw UserException.runtime(dir + ": cannot list: " + e.getMessage(), e);
            }
        }
        if (shards.isEmpty()) {
            Log.warn("%s: no %s: the counts come from config.json alone", dir, Release.WEIGHTS);
        }
        List<Tensor> out = new ArrayList<>();
        for (Path p : shards) {
            try (Safetensors.Reader r = new Safetensors.Reader(p)) {
                for (Safetensors.Entry e : r.entries().values()) {
                    out.add(new Tensor(e.name(), e.shape(), e.dtype(), e.size()));
                }
            }
        }
        return out;
    }

    /** A llama2.c checkpoint has no header of names: load it on the CPU (float32) and list the parameters. */
    private static ModelFacts readCheckpoint(ModelRef ref) {
        Placement cpu = Placement.cpu();
        ModelConfig config;
        List<Tensor> stored = new ArrayList<>();
        try (NDManager root = Engines.newRoot(cpu.device())) {
            LanguageModel m = Models.load(ref.path(), ref.format(), root);
            config = m.config();
            for (Parameter p : m.parameters()) {
                stored.add(new Tensor(p.name(), p.array().getShape().getShape(), "F32", p.size()));
            }
        }
        Path path = ref.path();
        Map<String, Long> files = new LinkedHashMap<>();
        try {
            files.put(path.getFileName().toString(), Files.size(path));
        } catch (IOException e) {
            throw UserException.runtime(path + ": " + e.getMessage(), e);
        }
        return new ModelFacts(ref, config, stored, files, JsonNull.INSTANCE, null);
    }

    /**
     * The tokenizer's name, vocabulary size and bos/eos (id and piece, or null) as {@code llm info} shows them;
     * when it cannot be read, {"error": why}, unless it was {@code given} by --tokenizer (then the error is thrown).
     */
    public static JsonObject tokenizerJson(ModelRef ref, boolean given) {
        JsonObject o = new JsonObject();
        Tokenizer tok;
        try {
            tok = ref.loadTokenizer();
        } catch (UserException e) {
            if (given) {
                throw e; // asked for by --tokenizer: an error, not a remark
            }
            o.addProperty("error", e.getMessage());
            return o;
        }
        o.addProperty("name", tok.name());
        o.addProperty("vocab_size", tok.vocabSize());
        for (String key : new String[] {"bos", "eos"}) {
            var id = key.equals("bos") ? tok.bos() : tok.eos();
            if (id.isPresent()) {
                JsonObject s = new JsonObject();
                s.addProperty("id", id.getAsInt());
                s.addProperty("piece", tok.piece(id.getAsInt()));
                o.add(key, s);
            } else {
                o.add(key, JsonNull.INSTANCE);
            }
        }
        return o;
    }
}
