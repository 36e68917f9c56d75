package llm.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import llm.UserException;
import llm.compute.TrainingRun;
import llm.data.TokenShard;
import llm.io.Inputs;
import llm.tokenizer.Tokenizer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Turns {@code --data PATH[:WEIGHT]} specs into one token stream. A source is read once, tokenized (documents
 * separated by the tokenizer's end-of-text id) and then repeated WEIGHT times (a fractional part adds that
 * fraction of one more pass). PATH: plain text (documents split at {@code <|endoftext|>} lines), JSON Lines (a
 * text field), a directory of such files, a {@code .tar} of them, any of these compressed, or a token shard.
 */
public final class TrainingData {
    /** One {@code --data} spec. */
    public record Source(String spec, Path path, double weight) {
        public static Source parse(String spec) {
            String path = spec;
            double weight = 1;
            int colon = spec.lastIndexOf(':');
            if (colon > 0 && colon < spec.length() - 1) {
                String w = spec.substring(colon + 1);
                if (w.matches("[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?")) {
                    path = spec.substring(0, colon);
                    weight = Double.parseDouble(w);
                }
            }
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw UserException.usage("--data " + spec + ": the weight must be a positive number");
            }
            return new Source(spec, Path.of(path), weight);
        }
    }

    /** The tokens of one source (one pass) and how many documents it had. */
    public record Tokens(Source source, int[] ids, long documents) {}

    /** The training stream, the validation stream (may be empty) and what went into each. */
    public record Loaded(int[] train, int[] val, List<TrainingRun.DataSource> sources) {}

    private TrainingData() {}

    /**
     * Read and tokenize every source. {@code valFraction} of each training source (its tail, before repetition)
     * is held out for validation when no {@code val} sources are given.
     */
    public static Loaded load(List<Source> train, List<Source> val, double valFraction, Tokenizer tok,
                              String textField) {
        List<TrainingRun.DataSource> recorded = new ArrayList<>();
        IntBuffer trainIds = new IntBuffer();
        IntBuffer valIds = new IntBuffer();
        for (Source s : train) {
            Tokens t = read(s, tok, textField);
            int[] ids = t.ids();
            int cut = ids.length;
            if (val.isEmpty() && valFraction > 0) {
                cut = (int) Math.round(ids.length * (1 - valFraction));
                valIds.add(ids, cut, ids.length);
            }
            int whole = (int) Math.floor(s.weight());
            for (int i = 0; i < whole; i++) {
                trainIds.add(ids, 0, cut);
            }
            trainIds.add(ids, 0, (int) Math.round(cut * (s.weight() - whole)));
            recorded.add(new TrainingRun.DataSource(s.spec(), s.path().toString(), s.weight(), t.documents(), cut,
                    "train"));
        }
        for (Source s : val) {
            Tokens t = read(s, tok, textField);
            valIds.add(t.ids(), 0, t.ids().length);
            recorded.add(new TrainingRun.DataSource(s.spec(), s.path().toString(), 1, t.documents(), t.ids().length,
                    "val"));
        }
        if (trainIds.size == 0) {
            throw UserException.runtime("the training data is empty (" + train.size() + " source(s))");
        }
        return new Loaded(trainIds.toArray(), valIds.toArray(), recorded);
    }

    /** One pass over a source: documents tokenized, each followed by end-of-text. */
    public static Tokens read(Source s, Tokenizer tok, String textField) {
        Path p = s.path();
        if (!Files.exists(p)) {
            throw UserException.runtime(p + ": no such file or directory");
        }
        IntBuffer ids = new IntBuffer();
        long[] docs = {0};
        int eot = tok.eos().orElse(-1);
        Consumer<String> doc = text -> {
            if (text.isBlank()) {
                return;
            }
            ids.add(tok.encode(text));
            if (eot >= 0) {
                ids.add(eot);
            }
            docs[0]++;
        };
        try {
            if (Files.isDirectory(p)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(p)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path f : files) {
                    readFile(f, f.toString(), tok, textField, doc, ids, docs);
                }
            } else {
                readFile(p, p.toString(), tok, textField, doc, ids, docs);
            }
        } catch (IOException e) {
            throw UserException.runtime(p + ": cannot read: " + e.getMessage(), e);
        }
        if (ids.size == 0) {
            throw UserException.runtime(p + ": no text in this source (empty corpus)");
        }
        return new Tokens(s, ids.toArray(), docs[0]);
    }

    /**
     * Every document of a source's text, in order (token shards, which hold no text, are skipped): for training a
     * tokenizer on the data.
     */
    public static void forEachDocument(Source s, String textField, Consumer<String> doc) {
        Path p = s.path();
        if (!Files.exists(p)) {
            throw UserException.runtime(p + ": no such file or directory");
        }
        try {
            List<Path> files;
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
            } else {
                files = List.of(p);
            }
            for (Path f : files) {
                if (!isShardFile(f)) {
                    try (InputStream in = Inputs.open(f.toString())) {
                        readStream(in, f.toString(), textField, doc);
                    }
                }
            }
        } catch (IOException e) {
            throw UserException.runtime(p + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static boolean isShardFile(Path f) {
        return TokenShard.isShard(f) || f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".bin");
    }

    private static void readFile(Path f, String name, Tokenizer tok, String field, Consumer<String> doc,
                                 IntBuffer ids, long[] docs) throws IOException {
        if (isShardFile(f)) {
            byte[] head;
            try (InputStream in = Files.newInputStream(f)) {
                head = in.readNBytes(TokenShard.HEADER_BYTES);
            }
            int version = TokenShard.parseHeader(head, f.toString())[1]; // a wrong magic fails here
            if (version == TokenShard.VERSION_U16 && tok.vocabSize() > 65536) {
                throw UserException.runtime(f + ": a uint16 token shard cannot hold the ids of a " + tok.vocabSize()
                        + "-token vocabulary; write it with 'llm tokenize --bin' using this tokenizer (uint32)");
            }
            int[] shard = TokenShard.read(f);
            for (int id : shard) {
                if (id < 0 || id >= tok.vocabSize()) {
                    throw UserException.runtime(f + ": token " + id + " is outside the tokenizer's vocabulary ("
                            + tok.vocabSize() + "): was the shard written with another tokenizer?");
                }
            }
            ids.add(shard);
            docs[0]++;
            return;
        }
        try (InputStream in = Inputs.open(f.toString())) {
            readStream(in, name, field, doc);
        }
    }

    private static void readStream(InputStream in, String name, String field, Consumer<String> doc) throws IOException {
        String lower = name.toLowerCase(Locale.ROOT).replaceAll("\\.(gz|bz2|xz|zst)$", "");
        if (lower.endsWith(".tar")) {
            TarArchiveInputStream tar = new TarArchiveInputStream(in);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile()) {
                    InputStream member = Inputs.decompressed(new java.io.BufferedInputStream(
                            org.apache.commons.io.input.CloseShieldInputStream.wrap(tar)), name + "!" + e.getName());
                    readStream(member, e.getName(), field, doc);
                }
            }
            return;
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        if (lower.endsWith(".jsonl") || lower.endsWith(".json") || lower.endsWith(".ndjson")) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonElement el = JsonParser.parseString(line);
                    JsonElement t = el.isJsonObject() ? ((JsonObject) el).get(field) : null;
                    if (t == null || !t.isJsonPrimitive()) {
                        throw UserException.runtime(name + ":" + lineNo + ": no string field '" + field
                                + "' (see --text-field)");
                    }
                    doc.accept(t.getAsString());
                } catch (JsonParseException e) {
                    throw UserException.runtime(name + ":" + lineNo + ": not JSON: " + e.getMessage());
                }
            }
            return;
        }
        StringBuilder cur = new StringBuilder();
        for (String line; (line = r.readLine()) != null; ) {
            if (line.strip().equals("<|endoftext|>")) {
                doc.accept(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(line).append('\n');
            }
        }
        doc.accept(cur.toString());
    }

    /** A growable int array. */
    static final class IntBuffer {
        int[] a = new int[1024];
        int size;

        void add(int v) {
            if (size == a.length) {
                a = java.util.Arrays.copyOf(a, a.length * 2);
            }
            a[size++] = v;
        }

        void add(int[] v) {
            add(v, 0, v.length);
        }

        void add(int[] v, int from, int to) {
            int n = to - from;
            if (size + n > a.length) {
                a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, size + n));
            }
            System.arraycopy(v, from, a, size, n);
            size += n;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }
}
