package llm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each family against an independent reference: a small random release in the HuggingFace layout
 * ({@link HfReleaseFixture}: transformers' config keys and tensor names, F32/F16/BF16, sharded or not) is read back
 * and run three ways — the DJL full forward, the Java (CPU) decoder and the DJL KV-cache decoder, token by token —
 * and their per-token log-probabilities (within {@link #TOLERANCE}) and greedy continuations (identical) are compared
 * with those of {@code bench/hf_reference/reference.py}, a float64 numpy forward written from transformers' modeling
 * code. Its output for these releases is stored in {@code src/test/resources/llm/model/families/NAME.json} (made by
 * {@code bench/hf_reference/make_expected.sh}; the weights' SHA-256 is stored with it, so a change of the fixture
 * fails here rather than compare against stale numbers). Where python3 with numpy exists, the script is also run live
 * on the releases written by this test; elsewhere that part is skipped with a reason.
 */
class ModelFamiliesTest extends CpuRoot {
    static final double TOLERANCE = 2e-3;
    static final int[] IDS = {72, 101, 32, 261, 97, 270, 115, 10, 79, 258, 264, 46, 283, 33};
    static final int GREEDY = 8;
    static final Path OUT = Path.of("target", "model-families");

    record Case(String name, ModelConfig config, String dtype, int shards) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        int v = 300, ctx = 64;
        List<Case> c = new ArrayList<>();
        c.add(new Case("gpt_neox-parallel", new ModelConfig(Architecture.GPT_NEOX, v, ctx, 64, 2, 4, 4, 128, 1e-5f,
                10000f, false, null, 0, 4, null, true, false, true, List.of()), "F32", 1));
        c.add(new Case("gpt_neox-sequential", new ModelConfig(Architecture.GPT_NEOX, v, ctx, 64, 2, 4, 4, 96, 1e-5f,
                500f, false, null, 0, 8, null, false, false, true, List.of()), "F16", 2));
        c.add(new Case("gpt_neo-local4", new ModelConfig(Architecture.GPT_NEO, v, ctx, 32, 3, 4, 4, 128, 1e-5f,
                10000f, true, null, 0, 0, Activation.GELU_TANH, false, false, false, List.of(0, 4, 4)), "F32", 1));
        c.add(new Case("qwen2-tied", new ModelConfig(Architecture.QWEN2, v, ctx, 32, 2, 4, 2, 64, 1e-6f, 1e6f, true,
                null, 0, 0, null, false, true, true, List.of()), "BF16", 3));
        c.add(new Case("qwen2-sliding5", new ModelConfig(Architecture.QWEN2, v, ctx, 32, 2, 4, 2, 64, 1e-6f, 1e6f,
                false, null, 0, 0, null, false, true, true, List.of(0, 5)), "F32", 1));
        c.add(new Case("mistral-hd16-window5", new ModelConfig(Architecture.MISTRAL, v, ctx, 32, 2, 4, 2, 64, 1e-5f,
                10000f, false, null, 16, 0, null, false, false, true, List.of(5, 5)), "F32", 1));
        c.add(new Case("llama-hd12", new ModelConfig(Architecture.LLAMA, v, ctx, 32, 2, 4, 1, 64, 1e-5f, 10000f,
                false, null, 12, 0, null, false, false, true, List.of()), "F32", 1));
        return c.stream();
    }

    /** Writes the releases (for make_expected.sh) and checks their config round trip. */
    static Path release(Case k) throws IOException {
        Path dir = OUT.resolve(k.name());
        HfReleaseFixture.write(dir, k.config(), k.name().hashCode(), k.dtype(), k.shards());
        return dir;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesTheNumpyReferenceOnEveryPath(Case k) throws Exception {
        Path dir = release(k);
        assertEquals(k.config(), Release.readConfig(dir), "config.json round trip");
        JsonObject expected = stored(k.name());
        assertEquals(expected.get("weights_sha256").getAsString(), sha256(dir), k.name() + ": the fixture's weights"
                + " changed; regenerate the expected values with bench/hf_reference/make_expected.sh");
        check(k, dir, expected, "stored reference");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesTheNumpyReferenceRunLive(Case k) throws Exception {
        Assumptions.assumeTrue(pythonWithNumpy(), "python3 with numpy not found: the live reference run is skipped"
                + " (the stored reference values are checked by the other test)");
        Path dir = release(k);
        JsonObject live = runReference(dir);
        check(k, dir, live, "live reference");
    }

    private static void check(Case k, Path dir, JsonObject ref, String what) {
        double[] refLp = doubles(ref.getAsJsonArray("logprobs"));
        int[] refGreedy = ints(ref.getAsJsonArray("greedy"));
        double[] refGreedyLp = doubles(ref.getAsJsonArray("greedy_logprobs"));
        assertArrayEquals(IDS, ints(ref.getAsJsonArray("ids")));
        ModelArrays arrays = Models.loadArrays(dir);
        // 1. the DJL full forward (training / scoring path)
        try (NDManager s = root.newSubManager()) {
            LanguageModel model = arrays.toModel(s);
            float[] logits = model.forward(s.create(IDS, new Shape(1, IDS.length))).toFloatArray();
            int v = k.config().vocabSize();
            for (int i = 0; i + 1 < IDS.length; i++) {
                double lp = logProb(java.util.Arrays.copyOfRange(logits, i * v, (i + 1) * v), IDS[i + 1]);
                near(refLp[i], lp, k + " DJL forward, position " + i + " vs " + what);
            }
            // 2. the DJL decoder with its KV cache
            try (Decoder d = new Decoder(model, s, 1, IDS.length + GREEDY, Decoder.Impl.DJL, 1)) {
                decode(k, d, refLp, refGreedy, refGreedyLp, "DJL KV cache vs " + what);
            }
        }
        // 3. the Java decoder, from the arrays
        try (Decoder d = new Decoder(arrays, 1, IDS.length + GREEDY, 1)) {
            decode(k, d, refLp, refGreedy, refGreedyLp, "Java decoder vs " + what);
        }
    }

    /** Feeds IDS one token at a time, then continues greedily; compares every log-prob and token. */
    private static void decode(Case k, Decoder d, double[] refLp, int[] refGreedy, double[] refGreedyLp, String what) {
        float[] logits = null;
        for (int i = 0; i < IDS.length; i++) {
            if (i > 0) {
                near(refLp[i - 1], logProb(logits, IDS[i]), k + " " + what + ", position " + (i - 1));
            }
            logits = d.next(new int[] {IDS[i]})[0];
        }
        int[] got = new int[GREEDY];
        for (int g = 0; g < GREEDY; g++) {
            got[g] = argmax(logits);
            assertEquals(refGreedy[g], got[g], k + " " + what + ": greedy token " + g);
            near(refGreedyLp[g], logProb(logits, got[g]), k + " " + what + ", greedy step " + g);
            if (g + 1 < GREEDY) {
                logits = d.next(new int[] {got[g]})[0];
            }
        }
    }

    /** Largest |Δ| seen per case and path ("NAME PATH vs REFERENCE"), written to target/model-families/deviations.txt. */
    static final java.util.Map<String, Double> MAX_DEVIATION = new java.util.concurrent.ConcurrentSkipListMap<>();

    @org.junit.jupiter.api.AfterAll
    static void writeDeviations() throws IOException {
        StringBuilder b = new StringBuilder("# largest |log-prob difference| per case and path (ModelFamiliesTest)\n");
        MAX_DEVIATION.forEach((k, v) -> b.append(String.format(java.util.Locale.ROOT, "%-60s %.3e%n", k, v)));
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve("deviations.txt"), b);
    }

    static void near(double expected, double actual, String what) {
        String key = what.replaceAll(", (position|greedy step) \\d+", "");
        MAX_DEVIATION.merge(key, Math.abs(expected - actual), Math::max);
        assertTrue(Math.abs(expected - actual) <= TOLERANCE, what + ": " + actual + " vs " + expected + " (|Δ| "
                + Math.abs(expected - actual) + " > " + TOLERANCE + ")");
    }

    static double logProb(float[] logits, int id) {
        double max = Double.NEGATIVE_INFINITY;
        for (float f : logits) {
            max = Math.max(max, f);
        }
        double sum = 0;
        for (float f : logits) {
            sum += Math.exp(f - max);
        }
        return logits[id] - max - Math.log(sum);
    }

    static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }

    private static JsonObject stored(String name) throws IOException {
        try (InputStream in = ModelFamiliesTest.class.getResourceAsStream("families/" + name + ".json")) {
            if (in == null) {
                throw new AssertionError("no stored reference families/" + name + ".json: run"
                        + " bench/hf_reference/make_expected.sh");
            }
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    /** SHA-256 over the weight files in name order, as reference.py computes it. */
    static String sha256(Path dir) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        for (Path p : files) {
            md.update(Files.readAllBytes(p));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static JsonObject runReference(Path dir) throws Exception {
        StringBuilder ids = new StringBuilder();
        for (int id : IDS) {
            ids.append(ids.length() == 0 ? "" : ",").append(id);
        }
        Process p = new ProcessBuilder("python3", "bench/hf_reference/reference.py", dir.toString(), ids.toString(),
                String.valueOf(GREEDY)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, "reference.py failed: " + out);
        return JsonParser.parseString(out.trim()).getAsJsonObject();
    }

    private static double[] doubles(JsonArray a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsDouble();
        }
        return d;
    }

    private static int[] ints(JsonArray a) {
        int[] d = new int[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsInt();
        }
        return d;
    }

    /** The JIT warm-up runs real decode steps of each family's shape on made-up weights (named as the family's). */
    @ParameterizedTest
    @MethodSource("cases")
    void theDecoderWarmUpRunsEveryFamily(Case k) {
        assertTrue(CpuDecoder.warmUpSteps(k.config(), 1) >= 32, k.name());
    }

    /** Writes every case's release under target/model-families (what make_expected.sh runs the reference on). */
    @Test
    void writesTheReleasesForTheReference() throws IOException {
        for (Case k : cases().toList()) {
            Path dir = release(k);
            assertTrue(Files.isRegularFile(dir.resolve("config.json")), k.name());
            assertEquals(k.shards() > 1, Files.isRegularFile(dir.resolve(Release.WEIGHTS_INDEX)), k.name());
        }
    }
}
