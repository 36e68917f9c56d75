package llm.model;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import llm.tokenizer.BpeTrainer;

/**
 * Writes a small random release in the HuggingFace layout, as {@code save_pretrained} would: config.json with
 * transformers' keys ({@link ModelConfig#toHfJson}), the tensors under transformers' names ({@link Init#specs}, Conv1D
 * weights transposed on disk) in F32, F16 or BF16, in one model.safetensors or sharded with a
 * model.safetensors.index.json, and a byte-level BPE tokenizer.json. Weights are drawn from a seed, so the same call
 * writes the same bytes (the expected values of {@code ModelFamiliesTest} depend on it). Written here by hand rather
 * than with {@link Safetensors#write}, which writes F32 into one file only.
 */
public final class HfReleaseFixture {
    private HfReleaseFixture() {}

    /** Sample text the tokenizer is trained on (deterministic merges). */
    public static final String TEXT = "Once upon a time, there was a little girl named Lily. She liked to play outside in"
            + " the sun with her dog. One day, the dog ran after a ball and the girl ran after the dog.";

    /**
     * @param dtype  "F32", "F16" or "BF16"
     * @param shards 1: model.safetensors; more: model-0000i-of-0000n.safetensors and the index
     */
    public static void write(Path dir, ModelConfig c, long seed, String dtype, int shards) throws IOException {
        Files.createDirectories(dir);
        JsonObject cfg = c.toHfJson();
        cfg.addProperty("torch_dtype", switch (dtype) {
            case "F16" -> "float16";
            case "BF16" -> "bfloat16";
            default -> "float32";
        });
        cfg.addProperty("bos_token_id", c.vocabSize() - 1);
        cfg.addProperty("eos_token_id", c.vocabSize() - 1);
        Files.writeString(dir.resolve("config.json"), new GsonBuilder().setPrettyPrinting().serializeNulls().create()
                .toJson(cfg) + "\n");
        Files.write(dir.resolve("tokenizer.json"), BpeTrainer.train(List.of(TEXT), c.vocabSize()));
        SplittableRandom rng = new SplittableRandom(seed);
        List<Init.Spec> specs = Init.specs(c);
        Map<String, float[]> data = new LinkedHashMap<>();
        for (Init.Spec s : specs) {
            data.put(s.name(), values(s, rng));
        }
        int per = (specs.size() + shards - 1) / shards;
        JsonObject map = new JsonObject();
        long total = 0;
        for (int i = 0; i < shards; i++) {
            List<Init.Spec> part = specs.subList(Math.min(specs.size(), i * per), Math.min(specs.size(), (i + 1) * per));
            String file = shards == 1 ? "model.safetensors"
                    : String.format("model-%05d-of-%05d.safetensors", i + 1, shards);
            total += writeFile(dir.resolve(file), part, data, dtype);
            for (Init.Spec s : part) {
                map.addProperty(s.name(), file);
            }
        }
        if (shards > 1) {
            JsonObject index = new JsonObject();
            JsonObject meta = new JsonObject();
            meta.addProperty("total_size", total);
            index.add("metadata", meta);
            index.add("weight_map", map);
            Files.writeString(dir.resolve("model.safetensors.index.json"), index + "\n");
        }
    }

    /**
     * Values that make the logits of a tiny model clearly peaked: matrices N(0, 1/in), embeddings N(0, 0.5²), norm
     * gains 1 + N(0, 0.1²), biases N(0, 0.1²). The in-memory layout (out, in).
     */
    private static float[] values(Init.Spec s, SplittableRandom rng) {
        float[] a = new float[(int) s.size()];
        boolean embedding = s.name().contains("wte") || s.name().contains("wpe") || s.name().contains("embed_in")
                || s.name().contains("embed_tokens");
        double std = switch (s.kind()) {
            case NORMAL -> embedding ? 0.5 : 1 / Math.sqrt(s.shape()[1]);
            default -> 0.1;
        };
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((s.kind() == Init.Kind.ONES ? 1 : 0) + rng.nextGaussian() * std);
        }
        return a;
    }

    /** One safetensors file; returns the bytes of its tensor data. */
    private static long writeFile(Path file, List<Init.Spec> specs, Map<String, float[]> data, String dtype)
            throws IOException {
        int es = dtype.equals("F32") ? 4 : 2;
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("format", "pt");
        header.add("__metadata__", meta);
        long offset = 0;
        List<byte[]> blobs = new ArrayList<>();
        for (Init.Spec s : specs) {
            long[] shape = s.conv1d() ? new long[] {s.shape()[1], s.shape()[0]} : s.shape();
            float[] v = data.get(s.name());
            if (s.conv1d()) {
                v = Release.transpose(v, (int) s.shape()[0], (int) s.shape()[1]);
            }
            ByteBuffer bb = ByteBuffer.allocate(v.length * es).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : v) {
                switch (dtype) {
                    case "F32" -> bb.putFloat(f);
                    case "F16" -> bb.putShort(toHalf(f));
                    case "BF16" -> bb.putShort(toBfloat16(f));
                    default -> throw new IllegalArgumentException(dtype);
                }
            }
            blobs.add(bb.array());
            JsonObject e = new JsonObject();
            e.addProperty("dtype", dtype);
            com.google.gson.JsonArray sh = new com.google.gson.JsonArray();
            Arrays.stream(shape).forEach(sh::add);
            e.add("shape", sh);
            com.google.gson.JsonArray off = new com.google.gson.JsonArray();
            off.add(offset);
            off.add(offset + bb.capacity());
            e.add("data_offsets", off);
            header.add(s.name(), e);
            offset += bb.capacity();
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(json);
            for (int i = json.length; i < padded; i++) {
                out.write(' ');
            }
            for (byte[] b : blobs) {
                out.write(b);
            }
        }
        return offset;
    }

    /** bfloat16: the top 16 bits, rounded to nearest even. */
    static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** IEEE half precision, rounded to nearest (ties away), subnormals kept; the values here are far from overflow. */
    static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int val = (bits & 0x7fffffff) + 0x1000;
        if (val >= 0x47800000) {
            throw new IllegalArgumentException("out of half range: " + f);
        }
        if (val >= 0x38800000) {
            return (short) (sign | (val - 0x38000000) >>> 13);
        }
        if (val < 0x33000000) {
            return (short) sign;
        }
        int exp = (bits & 0x7fffffff) >>> 23;
        return (short) (sign | ((bits & 0x7fffff | 0x800000) + (0x800000 >>> (exp - 102))) >>> (126 - exp));
    }
}
