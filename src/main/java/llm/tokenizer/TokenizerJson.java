package llm.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import llm.UserException;

/**
 * The parts of a HuggingFace {@code tokenizer.json} that Java code needs: the model type, vocabulary, merges, added
 * tokens and the pre-tokenizer/decoder kinds. Parsing errors become one-line {@link UserException}s.
 */
public record TokenizerJson(
        String source,
        String modelType,
        String[] idToToken,
        Map<String, Integer> vocab,
        List<String[]> merges,
        Map<String, Integer> addedTokens,
        Map<String, Boolean> addedSpecial,
        String preTokenizerType,
        boolean byteLevel,
        boolean addPrefixSpace,
        boolean useRegex,
        boolean hasNormalizer,
        String decoderJson,
        boolean byteFallback,
        boolean ignoreMerges,
        boolean plainBpe) {

    public static TokenizerJson load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw UserException.runtime(path + ": no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw UserException.runtime(path + ": not a tokenizer.json (not UTF-8 text)");
        } catch (IOException e) {
            throw UserException.runtime(path + ": cannot read: " + e.getMessage());
        }
        return parse(text, path.toString());
    }

    public static TokenizerJson parse(String text, String name) {
        JsonObject root;
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) {
                throw UserException.runtime(name + ": not a tokenizer.json (not a JSON object)");
            }
            root = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw UserException.runtime(name + ": malformed tokenizer.json: " + firstLine(e.getMessage()));
        }
        try {
            return fromJson(root, name);
        } catch (RuntimeException e) {
            if (e instanceof UserException u) {
                throw u;
            }
            throw UserException.runtime(name + ": malformed tokenizer.json: " + firstLine(String.valueOf(e.getMessage())));
        }
    }

    private static TokenizerJson fromJson(JsonObject root, String name) {
        JsonObject model = obj(root, "model");
        if (model == null) {
            throw UserException.runtime(name + ": not a tokenizer.json (no \"model\")");
        }
        String type = model.has("type") && !model.get("type").isJsonNull() ? model.get("type").getAsString()
                : (model.has("merges") ? "BPE" : "?");
        Map<String, Integer> vocab = new LinkedHashMap<>();
        JsonElement v = model.get("vocab");
        if (v != null && v.isJsonObject()) {
            for (Map.Entry<String, JsonElement> en : v.getAsJsonObject().entrySet()) {
                vocab.put(en.getKey(), en.getValue().getAsInt());
            }
        } else if (v != null && v.isJsonArray()) { // Unigram: [[piece, score], ...]
            JsonArray a = v.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                vocab.put(a.get(i).getAsJsonArray().get(0).getAsString(), i);
            }
        } else {
            throw UserException.runtime(name + ": malformed tokenizer.json (model has no vocab)");
        }
        List<String[]> merges = new ArrayList<>();
        JsonElement m = model.get("merges");
        if (m != null && m.isJsonArray()) {
            for (JsonElement e : m.getAsJsonArray()) {
                if (e.isJsonArray()) {
                    JsonArray pair = e.getAsJsonArray();
                    merges.add(new String[] {pair.get(0).getAsString(), pair.get(1).getAsString()});
                } else {
                    String s = e.getAsString();
                    int sp = s.indexOf(' ', 1);
                    if (sp < 0) {
                        throw UserException.runtime(name + ": malformed tokenizer.json: merge \"" + s + "\" has no space");
                    }
                    merges.add(new String[] {s.substring(0, sp), s.substring(sp + 1)});
                }
            }
        }
        Map<String, Integer> added = new LinkedHashMap<>();
        Map<String, Boolean> special = new LinkedHashMap<>();
        JsonElement at = root.get("added_tokens");
        if (at != null && at.isJsonArray()) {
            for (JsonElement e : at.getAsJsonArray()) {
                JsonObject o = e.getAsJsonObject();
                String content = o.get("content").getAsString();
                added.put(content, o.get("id").getAsInt());
                special.put(content, o.has("special") && o.get("special").getAsBoolean());
            }
        }
        int max = -1;
        for (int id : vocab.values()) {
            max = Math.max(max, id);
        }
        for (int id : added.values()) {
            max = Math.max(max, id);
        }
        String[] idToToken = new String[max + 1];
        vocab.forEach((k, id) -> idToToken[id] = k);
        added.forEach((k, id) -> idToToken[id] = k);

        JsonObject pre = obj(root, "pre_tokenizer");
        String preType = pre == null ? null : str(pre, "type");
        boolean byteLevel = "ByteLevel".equals(preType);
        boolean addPrefix = byteLevel && bool(pre, "add_prefix_space", false);
        boolean useRegex = byteLevel && bool(pre, "use_regex", true);
        JsonElement norm = root.get("normalizer");
        boolean hasNorm = norm != null && !norm.isJsonNull();
        JsonElement dec = root.get("decoder");
        String decJson = dec == null || dec.isJsonNull() ? "" : dec.toString();
        boolean byteFallback = bool(model, "byte_fallback", false);
        boolean ignoreMerges = bool(model, "ignore_merges", false);
        boolean plain = "BPE".equals(type)
                && (model.get("dropout") == null || model.get("dropout").isJsonNull())
                && emptyOrNull(model, "continuing_subword_prefix")
                && emptyOrNull(model, "end_of_word_suffix")
                && !byteFallback;
        return new TokenizerJson(name, type, idToToken, vocab, merges, added, special, preType, byteLevel, addPrefix,
                useRegex, hasNorm, decJson, byteFallback, ignoreMerges, plain);
    }

    /** True when the Java byte-level BPE ({@link ByteLevelBpeTokenizer}) reproduces this tokenizer exactly. */
    public boolean isGpt2StyleByteLevelBpe() {
        return plainBpe && byteLevel && useRegex && !addPrefixSpace && !hasNormalizer && !ignoreMerges;
    }

    public int size() {
        return idToToken.length;
    }

    private static JsonObject obj(JsonObject o, String k) {
        JsonElement e = o.get(k);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    private static String str(JsonObject o, String k) {
        JsonElement e = o.get(k);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    private static boolean bool(JsonObject o, String k, boolean dflt) {
        JsonElement e = o.get(k);
        return e == null || e.isJsonNull() ? dflt : e.getAsBoolean();
    }

    private static boolean emptyOrNull(JsonObject o, String k) {
        String s = str(o, k);
        return s == null || s.isEmpty();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
