package llm.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import llm.UserException;
import llm.engine.Engines;
import llm.eval.ParameterCount;
import llm.io.Log;
import llm.model.LanguageModel;
import llm.model.ModelConfig;
import llm.model.Models;
import llm.model.Parameter;
import llm.model.Release;
import llm.model.Safetensors;
import llm.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code llm info}: what a release holds: its shape, its parameters by part, its files, tokenizer and training. */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "What a release holds: architecture, parameter counts, tokenizer, tensors.",
            "A release is code plus parameters. This shows the architecture and its config, the parameter count in "
                    + "total and by part (embeddings: token and position tables; attention: the q, k, v and output "
                    + "projections; mlp; norms; head: the output projection, 0 when tied to the token embeddings, "
                    + "which are counted once), the files and their sizes, the tokenizer (kind, vocabulary, special "
                    + "tokens), training metadata when the release has a training.json, and with --tensors every "
                    + "tensor with its shape and dtype.",
            "The counts by part come from the config; the tensors in the files are tallied too, and a difference "
                    + "is reported."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE_NO_DEVICE},
        footerHeading = "%nExamples:%n",
        footer = {
            "  llm info --model ../shared/models/stories260K/stories260K.bin",
            "  llm info --model my-model --tensors",
            "  llm info --model my-model --json | jq .parameters"
        })
public final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LogOptions log;

    @Mixin
    ModelOptions model;

    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "The same as --model (llm info DIR).")
    Path positionalModel;

    @Option(names = "--tensors", description = "List every tensor: name, shape, dtype, parameters.")
    boolean tensors;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    /** One stored tensor. */
    record TensorInfo(String name, long[] shape, String dtype, long size) {}

    @Override
    public Integer call() {
        if (positionalModel != null) {
            if (model.model != null && !model.model.toAbsolutePath().normalize()
                    .equals(positionalModel.toAbsolutePath().normalize())) {
                throw UserException.usage("two models given (--model " + model.model + " and " + positionalModel
                        + "): give one");
            }
            model.model = positionalModel;
        }
        Path path = model.modelPath();
        Models.Format format = Models.detect(path);
        ModelConfig config;
        List<TensorInfo> stored = new ArrayList<>();
        Map<String, Long> files = new LinkedHashMap<>();
        JsonElement training = JsonNull.INSTANCE;
        String trainingProblem = null;
        if (format == Models.Format.RELEASE) {
            Path dir = Models.releaseDir(path);
            config = Release.readConfig(dir);
            readSafetensorsHeaders(dir, stored);
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
            if (Files.isRegularFile(t)) {
                try {
                    training = JsonParser.parseString(Files.readString(t));
                    if (!training.isJsonObject()) {
                        training = JsonNull.INSTANCE;
                        trainingProblem = "training.json is not a JSON object";
                    }
                } catch (IOException | RuntimeException e) {
                    trainingProblem = "training.json is not readable JSON: " + llm.io.JsonProblem.describe(e);
                }
                if (trainingProblem != null) {
                    Log.warn("%s: %s", dir, trainingProblem);
                }
            }
        } else {
            // a llama2.c checkpoint has no header of names: load it (float32) and list the parameters
            Engines.configureOffline();
            try (NDManager root = Engines.newRoot(Device.cpu())) {
                LanguageModel m = Models.load(path, root);
                config = m.config();
                for (Parameter p : m.parameters()) {
                    stored.add(new TensorInfo(p.name(), p.array().getShape().getShape(), "F32", p.size()));
                }
            }
            try {
                files.put(path.getFileName().toString(), Files.size(path));
            } catch (IOException e) {
                throw UserException.runtime(path + ": " + e.getMessage(), e);
            }
        }
        ParameterCount counts = ParameterCount.of(config);
        Map<String, Long> tally = tally(stored, config.tiedEmbeddings());
        boolean agrees = stored.isEmpty() || tally.equals(withOther(counts.byPart()));
        if (!agrees) {
            Log.warn("the tensors in the files (%s) differ from what the config implies (%s)", tally,
                    counts.byPart());
        }
        JsonObject tokenizer = tokenizerInfo();
        if (tokenizer.has("vocab_size") && tokenizer.get("vocab_size").getAsInt() > config.vocabSize()) {
            // a report shows the pair as it is; the commands that run it refuse it (ModelOptions.checkCompatible)
            Log.warn("the tokenizer has %,d tokens, more than the model's vocabulary of %,d: sample, score, fewshot "
                    + "and memorize-check refuse this pair (wrong --tokenizer?)", tokenizer.get("vocab_size").getAsInt(),
                    config.vocabSize());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("model", path.toString());
            o.addProperty("format", format == Models.Format.RELEASE ? "release" : "llama2c");
            o.addProperty("architecture", config.arch().modelType());
            o.add("config", config.toHfJson());
            JsonObject params = new JsonObject();
            params.addProperty("total", counts.total());
            counts.byPart().forEach(params::addProperty);
            params.addProperty("tied_embeddings", config.tiedEmbeddings());
            if (!stored.isEmpty()) {
                params.addProperty("stored_total", tally.values().stream().mapToLong(Long::longValue).sum());
            }
            o.add("parameters", params);
            JsonArray fs = new JsonArray();
            files.forEach((n, s) -> {
                JsonObject f = new JsonObject();
                f.addProperty("name", n);
                f.addProperty("bytes", s);
                fs.add(f);
            });
            o.add("files", fs);
            o.add("tokenizer", tokenizer);
            o.add("training", training);
            if (tensors) {
                JsonArray ts = new JsonArray();
                for (TensorInfo t : stored) {
                    JsonObject j = new JsonObject();
                    j.addProperty("name", t.name());
                    JsonArray shape = new JsonArray();
                    Arrays.stream(t.shape()).forEach(shape::add);
                    j.add("shape", shape);
                    j.addProperty("dtype", t.dtype());
                    j.addProperty("parameters", t.size());
                    String part = ParameterCount.partOf(t.name());
                    j.addProperty("part", part == null ? "other" : part);
                    ts.add(j);
                }
                o.add("tensors", ts);
            }
            out.println(new GsonBuilder().disableHtmlEscaping().serializeNulls().create().toJson(o));
            out.flush();
            return ExitCodes.OK;
        }
        out.printf("model          %s (%s)%n", path, format == Models.Format.RELEASE ? "release directory"
                : "llama2.c checkpoint");
        out.printf(Locale.ROOT, "architecture   %s: %d layers, width %d, %d heads%s (head size %d), feed-forward %d,"
                + " context %d, vocabulary %d%n", config.arch().modelType(), config.nLayer(), config.dModel(),
                config.nHead(), config.nKvHead() != config.nHead() ? ", " + config.nKvHead() + " kv heads" : "",
                config.headDim(), config.dFf(), config.ctx(), config.vocabSize());
        out.printf("               %s%n", config.features());
        out.printf(Locale.ROOT, "parameters     %,d%n", counts.total());
        for (Map.Entry<String, Long> e : counts.byPart().entrySet()) {
            String note = e.getKey().equals("head") && config.tiedEmbeddings() ? "  (tied to the token embeddings)"
                    : String.format(Locale.ROOT, "  %5.1f%%", 100.0 * e.getValue() / counts.total());
            out.printf(Locale.ROOT, "  %-12s %,14d%s%n", e.getKey(), e.getValue(), note);
        }
        if (!agrees) {
            out.printf(Locale.ROOT, "  stored tensors differ: %s%n", tally);
        }
        out.println("files");
        long totalBytes = 0;
        for (Map.Entry<String, Long> e : files.entrySet()) {
            out.printf(Locale.ROOT, "  %-28s %,15d bytes%n", e.getKey(), e.getValue());
            totalBytes += e.getValue();
        }
        if (files.size() > 1) {
            out.printf(Locale.ROOT, "  %-28s %,15d bytes%n", "(total)", totalBytes);
        }
        if (tokenizer.has("error")) {
            out.printf("tokenizer      (none: %s)%n", tokenizer.get("error").getAsString());
        } else {
            out.printf(Locale.ROOT, "tokenizer      %s%s%s%n", tokenizer.get("name").getAsString(),
                    special(tokenizer, "bos"), special(tokenizer, "eos"));
        }
        if (training.isJsonObject()) {
            out.println("training");
            for (Map.Entry<String, JsonElement> e : training.getAsJsonObject().entrySet()) {
                String v = e.getValue().isJsonPrimitive() ? plain(e.getValue().getAsJsonPrimitive())
                        : e.getValue().toString();
                out.printf("  %-20s %s%n", e.getKey(), v.length() > 200 ? v.substring(0, 200) + "…" : v);
            }
        } else {
            out.println("training       (" + (trainingProblem != null ? trainingProblem : "no training.json") + ")");
        }
        if (tensors) {
            out.println("tensors");
            int w = stored.stream().mapToInt(t -> t.name().length()).max().orElse(10);
            for (TensorInfo t : stored) {
                out.printf(Locale.ROOT, "  %-" + w + "s  %-16s %-5s %,12d%n", t.name(), Arrays.toString(t.shape()),
                        t.dtype(), t.size());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** A JSON value as a person reads it: 6 significant digits for fractions (1.37645, 1.77755e+11). */
    static String plain(JsonPrimitive v) {
        if (!v.isNumber()) {
            return v.getAsString();
        }
        double d = v.getAsDouble();
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        String g = String.format(Locale.ROOT, "%.6g", d);
        int e = g.indexOf('e');
        String mantissa = e < 0 ? g : g.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return e < 0 ? mantissa : mantissa + g.substring(e);
    }

    private static String special(JsonObject tok, String key) {
        if (!tok.has(key) || tok.get(key).isJsonNull()) {
            return "";
        }
        JsonObject s = tok.getAsJsonObject(key);
        return ", " + key + " " + s.get("id").getAsInt() + " " + new GsonBuilder().disableHtmlEscaping().create().toJson(s.get("piece"));
    }

    private JsonObject tokenizerInfo() {
        JsonObject o = new JsonObject();
        Tokenizer tok;
        try {
            tok = model.loadTokenizer();
        } catch (UserException e) {
            if (model.tokenizer != null) {
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

    private static void readSafetensorsHeaders(Path dir, List<TensorInfo> out) {
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
        for (Path p : shards) {
            try (Safetensors.Reader r = new Safetensors.Reader(p)) {
                for (Safetensors.Entry e : r.entries().values()) {
                    out.add(new TensorInfo(e.name(), e.shape(), e.dtype(), e.size()));
                }
            }
        }
    }

    /** Stored parameters by part; a head tensor of a tied model is the embedding again, counted once. */
    static Map<String, Long> tally(List<TensorInfo> stored, boolean tied) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (TensorInfo t : stored) {
            if (tied && "head".equals(ParameterCount.partOf(t.name()))) {
                continue;
            }
            sizes.put(t.name(), t.size());
        }
        return withOther(ParameterCount.tally(sizes));
    }

    private static Map<String, Long> withOther(Map<String, Long> m) {
        Map<String, Long> r = new LinkedHashMap<>(m);
        r.putIfAbsent("other", 0L);
        return r;
    }
}
