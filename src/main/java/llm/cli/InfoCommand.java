package llm.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import llm.UserException;
import llm.io.Log;
import llm.model.ModelConfig;
import llm.model.Models;
import llm.model.ParameterCount;
import llm.run.ModelFacts;
import llm.run.ModelRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE_NO_DEVICE},
        footer = {
            "  llm info --model ../shared/models/stories260K/stories260K.bin",
            "  llm info --model my-model --tensors",
            "  llm info --model my-model --json | jq .parameters"
        })
public final class InfoCommand extends LlmCommand {
    @Mixin
    ModelOptions model;

    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "The same as --model (llm info DIR).")
    Path positionalModel;

    @Option(names = "--tensors", description = "List every tensor: name, shape, dtype, parameters.")
    boolean tensors;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

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
        ModelFacts f = ModelFacts.read(model.ref());
        ParameterCount counts = f.counts();
        if (!f.agrees()) {
            Log.warn("the tensors in the files (%s) differ from what the config implies (%s)", f.tally(),
                    counts.byPart());
        }
        JsonObject tokenizer = ModelFacts.tokenizerJson(f.ref(), model.tokenizer != null);
        if (tokenizer.has("vocab_size") && tokenizer.get("vocab_size").getAsInt() > f.config().vocabSize()) {
            // a report shows the pair as it is; the commands that run it refuse it (ModelRef.checkCompatible)
            Log.warn("the tokenizer has %,d tokens, more than the model's vocabulary of %,d: sample, score, fewshot "
                    + "and memorize-check refuse this pair (wrong --tokenizer?)",
                    tokenizer.get("vocab_size").getAsInt(), f.config().vocabSize());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new GsonBuilder().disableHtmlEscaping().serializeNulls().create().toJson(toJson(f, tokenizer)));
        } else {
            printText(f, tokenizer, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private JsonObject toJson(ModelFacts f, JsonObject tokenizer) {
        ModelConfig config = f.config();
        JsonObject o = new JsonObject();
        o.addProperty("model", f.ref().path().toString());
        o.addProperty("format", f.ref().format() == Models.Format.RELEASE ? "release" : "llama2c");
        o.addProperty("architecture", config.arch().modelType());
        o.add("config", config.toHfJson());
        JsonObject params = new JsonObject();
        params.addProperty("total", f.counts().total());
        f.counts().byPart().forEach(params::addProperty);
        params.addProperty("tied_embeddings", config.tiedEmbeddings());
        if (!f.stored().isEmpty()) {
            params.addProperty("stored_total", f.tally().values().stream().mapToLong(Long::longValue).sum());
        }
        o.add("parameters", params);
        JsonArray fs = new JsonArray();
        f.files().forEach((n, size) -> {
            JsonObject file = new JsonObject();
            file.addProperty("name", n);
            file.addProperty("bytes", size);
            fs.add(file);
        });
        o.add("files", fs);
        o.add("tokenizer", tokenizer);
        o.add("training", f.training());
        if (tensors) {
            o.add("tensors", tensorsJson(f.stored()));
        }
        return o;
    }

    private static JsonArray tensorsJson(List<ModelFacts.Tensor> stored) {
        JsonArray ts = new JsonArray();
        for (ModelFacts.Tensor t : stored) {
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
        return ts;
    }

    private void printText(ModelFacts f, JsonObject tokenizer, PrintWriter out) {
        ModelConfig config = f.config();
        out.printf("model          %s (%s)%n", f.ref().path(), f.ref().format() == Models.Format.RELEASE
                ? "release directory" : "llama2.c checkpoint");
        out.printf(Locale.ROOT, "architecture   %s: %d layers, width %d, %d heads%s (head size %d), feed-forward %d,"
                + " context %d, vocabulary %d%n", config.arch().modelType(), config.nLayer(), config.dModel(),
                config.nHead(), config.nKvHead() != config.nHead() ? ", " + config.nKvHead() + " kv heads" : "",
                config.headDim(), config.dFf(), config.ctx(), config.vocabSize());
        out.printf("               %s%n", config.features());
        printParameters(f, out);
        printFiles(f.files(), out);
        if (tokenizer.has("error")) {
            out.printf("tokenizer      (none: %s)%n", tokenizer.get("error").getAsString());
        } else {
            out.printf(Locale.ROOT, "tokenizer      %s%s%s%n", tokenizer.get("name").getAsString(),
                    special(tokenizer, "bos"), special(tokenizer, "eos"));
        }
        printTraining(f, out);
        if (tensors) {
            out.println("tensors");
            int w = f.stored().stream().mapToInt(t -> t.name().length()).max().orElse(10);
            for (ModelFacts.Tensor t : f.stored()) {
                out.printf(Locale.ROOT, "  %-" + w + "s  %-16s %-5s %,12d%n", t.name(), Arrays.toString(t.shape()),
                        t.dtype(), t.size());
            }
        }
    }

    private static void printParameters(ModelFacts f, PrintWriter out) {
        ParameterCount counts = f.counts();
        out.printf(Locale.ROOT, "parameters     %,d%n", counts.total());
        for (Map.Entry<String, Long> e : counts.byPart().entrySet()) {
            String note = e.getKey().equals("head") && f.config().tiedEmbeddings() ? "  (tied to the token embeddings)"
                    : String.format(Locale.ROOT, "  %5.1f%%", 100.0 * e.getValue() / counts.total());
            out.printf(Locale.ROOT, "  %-12s %,14d%s%n", e.getKey(), e.getValue(), note);
        }
        if (!f.agrees()) {
            out.printf(Locale.ROOT, "  stored tensors differ: %s%n", f.tally());
        }
    }

    private static void printFiles(Map<String, Long> files, PrintWriter out) {
        out.println("files");
        long totalBytes = 0;
        for (Map.Entry<String, Long> e : files.entrySet()) {
            out.printf(Locale.ROOT, "  %-28s %,15d bytes%n", e.getKey(), e.getValue());
            totalBytes += e.getValue();
        }
        if (files.size() > 1) {
            out.printf(Locale.ROOT, "  %-28s %,15d bytes%n", "(total)", totalBytes);
        }
    }

    private static void printTraining(ModelFacts f, PrintWriter out) {
        if (!f.training().isJsonObject()) {
            out.println("training       (" + (f.trainingProblem() != null ? f.trainingProblem() : "no training.json")
                    + ")");
            return;
        }
        out.println("training");
        for (Map.Entry<String, JsonElement> e : f.training().getAsJsonObject().entrySet()) {
            String v = e.getValue().isJsonPrimitive() ? plain(e.getValue().getAsJsonPrimitive())
                    : e.getValue().toString();
            out.printf("  %-20s %s%n", e.getKey(), v.length() > 200 ? v.substring(0, 200) + "…" : v);
        }
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
        return ", " + key + " " + s.get("token_id").getAsInt() + " " + new GsonBuilder().disableHtmlEscaping().create().toJson(s.get("piece"));
    }
}
