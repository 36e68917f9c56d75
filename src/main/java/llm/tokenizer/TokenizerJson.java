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
        boolean plainBpe,
        boolean plainAddedTokens) {

    public static TokenizerJson load(Path path) {
        try (java.io.Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return parse(r, path.toString());
        } catch (NoSuchFileException e) {
            throw UserException.runtime(path + ": no such file");
        } catch (java.nio.charset.MalformedInputException | java.nio.charset.UnmappableCharacterException e) {
            throw UserException.runtime(path + ": not a tokenizer.json (not UTF-8 text)");
        } catch (IOException e) {
            throw UserException.runtime(path + ": cannot read: " + e.getMessage());
        }
    }

    /** Slack for ids past the entry count (real files leave small holes); beyond it an id is refused. */
    static final int ID_SLACK = 1 << 16;

    /**
     * Refuse a token id far past the number of entries: arrays are indexed by id, so one entry claiming id 290,000,000
     * would make the reader allocate gigabytes for a file of a few hundred bytes (found by fuzzing).
     */
    static void checkIdRange(int maxId, int entries, String name) {
        if ((long) maxId >= (long) entries + ID_SLACK) {
            throw UserException.runtime(name + ": token id " + maxId + " is out of range (the vocabulary has "
                    + entries + " entries)");
        }
    }

    public static TokenizerJson parse(String text, String name) {
        try {
            return parse(new java.io.StringReader(text), name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parse with a streaming reader: the vocabulary and merges (100k entries for GPT-2) are read straight into
     * their maps, the small sections into JSON trees.
     */
    public static TokenizerJson parse(java.io.Reader reader, String name) throws IOException {
        JsonObject root = new JsonObject();
        JsonObject model = new JsonObject();
        Map<String, Integer> vocab = null;
        List<String[]> merges = new ArrayList<>();
        try {
            com.google.gson.stream.JsonReader r = new com.google.gson.stream.JsonReader(reader);
            if (r.peek() != com.google.gson.stream.JsonToken.BEGIN_OBJECT) {
                throw UserException.runtime(name + ": not a tokenizer.json (not a JSON object)");
            }
            r.beginObject();
            boolean hasModel = false;
            while (r.hasNext()) {
                String key = r.nextName();
                if (!key.equals("model") || r.peek() != com.google.gson.stream.JsonToken.BEGIN_OBJECT) {
                    root.add(key, JsonParser.parseReader(r));
                    continue;
                }
                hasModel = true;
                r.beginObject();
                while (r.hasNext()) {
                    String mk = r.nextName();
                    if (mk.equals("vocab") && r.peek() == com.google.gson.stream.JsonToken.BEGIN_OBJECT) {
                        vocab = new LinkedHashMap<>(1 << 16);
                        r.beginObject();
                        while (r.hasNext()) {
                            String tok = r.nextName();
                            vocab.put(tok, r.nextInt());
                        }
                        r.endObject();
                    } else if (mk.equals("merges") && r.peek() == com.google.gson.stream.JsonToken.BEGIN_ARRAY) {
                        r.beginArray();
                        while (r.hasNext()) {
                            if (r.peek() == com.google.gson.stream.JsonToken.BEGIN_ARRAY) {
                                r.beginArray();
                                String x = r.nextString();
                                String y = r.nextString();
                                r.endArray();
                                merges.add(new String[] {x, y});
                            } else {
                                String m = r.nextString();
                                int sp = m.indexOf(' ', 1);
                                if (sp < 0) {
                                    throw UserException.runtime(name + ": malformed tokenizer.json: merge \""
                                            + m + "\" has no space");
                                }
                                merges.add(new String[] {m.substring(0, sp), m.substring(sp + 1)});
                            }
                        }
                        r.endArray();
                    } else {
                        model.add(mk, JsonParser.parseReader(r));
                    }
                }
                r.endObject();
            }
            r.endObject();
            if (!hasModel) {
                throw UserException.runtime(name + ": not a tokenizer.json (no \"model\")");
            }
        } catch (JsonParseException | java.io.EOFException | com.google.gson.stream.MalformedJsonException e) {
            throw UserException.runtime(name + ": malformed tokenizer.json: " + llm.io.JsonProblem.describe(e));
        } catch (IllegalStateException | NumberFormatException e) {
            throw UserException.runtime(name + ": malformed tokenizer.json: " + firstLine(String.valueOf(e.getMessage())));
        }
        try {
            return fromJson(root, model, vocab, merges, name);
        } catch (UserException e) {
            throw e;
        } catch (RuntimeException e) {
            throw UserException.runtime(name + ": malformed tokenizer.json: " + firstLine(String.valueOf(e.getMessage())));
        }
    }

    private static TokenizerJson fromJson(JsonObject root, JsonObject model, Map<String, Integer> streamedVocab,
            List<String[]> merges, String name) {
        String type = model.has("type") && !model.get("type").isJsonNull() ? model.get("type").getAsString()
                : (!merges.isEmpty() ? "BPE" : "?");
        Map<String, Integer> vocab = streamedVocab != null ? streamedVocab : new LinkedHashMap<>();
        JsonElement v = model.get("vocab");
        if (streamedVocab != null) {
            // read already
        } else if (v != null && v.isJsonArray()) { // Unigram: [[piece, score], ...]
            JsonArray a = v.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                vocab.put(a.get(i).getAsJsonArray().get(0).getAsString(), i);
            }
        } else {
            throw UserException.runtime(name + ": malformed tokenizer.json (model has no vocab)");
        }
        Map<String, Integer> added = new LinkedHashMap<>();
        Map<String, Boolean> special = new LinkedHashMap<>();
        boolean plainAdded = true;
        JsonElement at = root.get("added_tokens");
        if (at != null && at.isJsonArray()) {
            for (JsonElement e : at.getAsJsonArray()) {
                JsonObject o = e.getAsJsonObject();
                String content = o.get("content").getAsString();
                added.put(content, o.get("id").getAsInt());
                special.put(content, o.has("special") && o.get("special").getAsBoolean());
                for (String flag : new String[] {"single_word", "lstrip", "rstrip"}) {
                    if (o.has(flag) && o.get(flag).getAsBoolean()) {
                        plainAdded = false;
                    }
                }
            }
        }
        int max = -1;
        for (int id : vocab.values()) {
            max = Math.max(max, id);
        }
        for (int id : added.values()) {
            max = Math.max(max, id);
        }
        checkIdRange(max, vocab.size() + added.size(), name);
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
                useRegex, hasNorm, decJson, byteFallback, ignoreMerges, plain, plainAdded);
    }

    /** True when the Java byte-level BPE ({@link ByteLevelBpeTokenizer}) reproduces this tokenizer exactly. */
    public boolean isGpt2StyleByteLevelBpe() {
        return plainBpe && byteLevel && useRegex && !addPrefixSpace && !hasNormalizer && !ignoreMerges
                && plainAddedTokens;
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
