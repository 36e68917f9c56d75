package llm.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import llm.UserException;
import llm.io.Log;
import llm.tokenizer.Tokenizer;

/**
 * Reads and tokenizes {@code --data} sources into a {@link Corpus}: text through {@link CorpusReader} and the
 * tokenizer (every document followed by the separator, the tokenizer's end-of-text id, as GPT-2's training data and
 * {@code llm tokenize --eos} do),
 * token shards as they are. Memory stays bounded when a shard directory is given: tokens go to shards of
 * {@link TokenWriter#DEFAULT_SHARD_TOKENS} there, and are read back from disk.
 */
public final class CorpusBuilder {
    private final Tokenizer tokenizer;
    private final int separator;
    private final CorpusOptions options;
    private final ValSplit split;
    private final Path shardDir;
    private int shardTokens = TokenWriter.DEFAULT_SHARD_TOKENS;
    private String label = "data";

    /**
     * @param separator the id put after every document (usually {@link #endOfText(Tokenizer)})
     * @param shardDir  where token shards go (null: keep tokens in memory)
     */
    public CorpusBuilder(Tokenizer tokenizer, int separator, CorpusOptions options, ValSplit split, Path shardDir) {
        this.tokenizer = tokenizer;
        this.separator = separator;
        this.options = options;
        this.split = split;
        this.shardDir = shardDir;
    }

    /** The tokenizer's end-of-text id (its EOS; else its BOS), or a runtime error naming it. */
    public static int endOfText(Tokenizer t) {
        if (t.eos().isPresent()) {
            return t.eos().getAsInt();
        }
        if (t.bos().isPresent()) {
            return t.bos().getAsInt();
        }
        throw UserException.runtime(t.name() + ": the tokenizer has no end-of-text token to separate documents");
    }

    /** Shard size when writing to a shard directory (tests use small ones). */
    public CorpusBuilder shardTokens(int n) {
        this.shardTokens = n;
        return this;
    }

    /** The first word of each source's log line: "data" (default), "val data" for validation sources. */
    public CorpusBuilder label(String label) {
        this.label = label;
        return this;
    }

    public Corpus build(List<DataSpec> specs) {
        if (specs.isEmpty()) {
            throw UserException.usage("no training data: give --data PATH[:WEIGHT]");
        }
        List<Corpus.Source> sources = new ArrayList<>();
        List<Tokens> val = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Corpus.Source s = source(specs.get(i), i);
            sources.add(s);
            val.add(s.val());
        }
        return new Corpus(sources, Tokens.concat(val), separator);
    }

    private Corpus.Source source(DataSpec spec, int index) {
        long t0 = System.nanoTime();
        Path path = spec.path();
        if (!Files.exists(path)) {
            throw UserException.runtime(path + ": no such file or directory");
        }
        Corpus.Source s = shards(spec);
        if (s == null) {
            s = text(spec, index);
        }
        Log.info("%s: %s: %s%,d tokens%s (%.1f s)", label, spec, s.documents() > 0 ? String.format(Locale.ROOT,
                "%,d document%s, ", s.documents(), s.documents() == 1 ? "" : "s") : "", s.tokens(),
                s.val().size() > 0 ? String.format(Locale.ROOT, ", %,d held out", s.val().size()) : "",
                (System.nanoTime() - t0) / 1e9);
        return s;
    }

    /** A token shard, or a directory holding only shards; null when the source is text. */
    private Corpus.Source shards(DataSpec spec) {
        Path path = spec.path();
        List<Path> files;
        if (Files.isDirectory(path)) {
            files = CorpusReader.listFiles(path);
            long n = files.stream().filter(TokenShard::isShardFile).count();
            if (n == 0) {
                return null;
            }
            if (n != files.size()) {
                throw UserException.runtime(path + ": mixes token shards and other files; give shards and text as "
                        + "separate --data sources");
            }
        } else if (TokenShard.isShardFile(path)) {
            files = List.of(path);
        } else {
            return null;
        }
        List<Tokens> parts = new ArrayList<>();
        for (Path f : files) {
            ShardTokens t = ShardTokens.open(f);
            if (t.width() == 2 && tokenizer.vocabSize() > 65536) {
                t.close();
                throw UserException.runtime(f + ": a uint16 token shard cannot hold the ids of a "
                        + tokenizer.vocabSize() + "-token vocabulary (it was made with another tokenizer)");
            }
            int max = t.maxId();
            if (max >= tokenizer.vocabSize()) {
                t.close();
                throw UserException.runtime(f + ": token id " + max + " is outside the tokenizer's vocabulary ("
                        + tokenizer.vocabSize() + " tokens): was it made with another tokenizer?");
            }
            parts.add(t);
        }
        Tokens all = Tokens.concat(parts);
        if (all.size() == 0) {
            throw UserException.runtime(path + ": the token shards are empty");
        }
        long cut = split.cut(all.size());
        return new Corpus.Source(spec, all.range(0, cut), all.range(cut, all.size()), 0, 0, 0);
    }

    private Corpus.Source text(DataSpec spec, int index) {
        String prefix = String.format(Locale.ROOT, "src%02d", index);
        Path dir = shardDir;
        String key = dir == null ? null : cacheKey(spec);
        if (key != null) {
            Corpus.Source cached = cached(spec, dir.resolve(prefix + ".json"), key);
            if (cached != null) {
                return cached;
            }
            try {
                Files.deleteIfExists(dir.resolve(prefix + ".json")); // stale until the new shards are complete
            } catch (java.io.IOException e) {
                throw UserException.runtime(dir.resolve(prefix + ".json") + ": cannot remove: " + e.getMessage());
            }
        }
        try (TokenWriter train = new TokenWriter(dir, prefix + "_train", tokenizer.vocabSize(), shardTokens);
                TokenWriter held = new TokenWriter(dir, prefix + "_val", tokenizer.vocabSize(), shardTokens)) {
            Sink sink = new Sink(train, held);
            new CorpusReader(options).read(spec.path(), sink);
            if (sink.documents == 0) {
                throw UserException.runtime(spec.path() + ": no documents (empty, or only blank lines)");
            }
            Tokens t = train.finish();
            Tokens v = held.finish();
            if (key != null) {
                writeManifest(dir.resolve(prefix + ".json"), new Manifest(key, names(train.files()),
                        names(held.files()), sink.documents, sink.heldOut, sink.bytes));
            }
            return assemble(spec, t, v, sink.documents, sink.heldOut, sink.bytes);
        }
    }

    private Corpus.Source assemble(DataSpec spec, Tokens t, Tokens v, long docs, long heldOut, long bytes) {
        if (split.kind() == ValSplit.Kind.TAIL) {
            long cut = split.cut(t.size());
            return new Corpus.Source(spec, t.range(0, cut), t.range(cut, t.size()), docs, 0, bytes);
        }
        return new Corpus.Source(spec, t, v, docs, heldOut, bytes);
    }

    // ---- reuse of shards tokenized by an earlier run (same inputs, tokenizer and options) ----

    /** What a source's shards were made from, and which files hold them ({@code srcNN.json} in the shard dir). */
    record Manifest(String key, List<String> train, List<String> val, long documents, long heldOut, long bytes) {}

    private static final com.google.gson.Gson GSON = new com.google.gson.GsonBuilder()
            .setFieldNamingPolicy(com.google.gson.FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .disableHtmlEscaping().setPrettyPrinting().create();

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }

    /**
     * The inputs' identity: each file's path, size and modification time, the tokenizer (name, vocabulary, separator
     * and the ids of a probe text), the reader options and the split.
     */
    private String cacheKey(DataSpec spec) {
        StringBuilder k = new StringBuilder();
        List<Path> files = Files.isDirectory(spec.path()) ? CorpusReader.listFiles(spec.path()) : List.of(spec.path());
        try {
            for (Path f : files) {
                k.append(f.toAbsolutePath()).append(' ').append(Files.size(f)).append(' ')
                        .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
            }
        } catch (java.io.IOException e) {
            return null;
        }
        k.append(tokenizer.name()).append(' ').append(tokenizer.vocabSize()).append(' ').append(separator).append(' ')
                .append(java.util.Arrays.hashCode(tokenizer.encode(PROBE))).append('\n');
        k.append(options).append(' ').append(split);
        return k.toString();
    }

    private static final String PROBE = "The quick brown fox, 1234 times: \"déjà vu\" 😀\n\n  def f(x):\treturn x";

    private Corpus.Source cached(DataSpec spec, Path manifestFile, String key) {
        if (!Files.isRegularFile(manifestFile)) {
            return null;
        }
        try {
            Manifest m = GSON.fromJson(Files.readString(manifestFile), Manifest.class);
            if (m == null || !key.equals(m.key()) || m.train() == null || m.val() == null) {
                return null;
            }
            List<Tokens> t = new ArrayList<>();
            for (String f : m.train()) {
                t.add(ShardTokens.open(shardDir.resolve(f)));
            }
            List<Tokens> v = new ArrayList<>();
            for (String f : m.val()) {
                v.add(ShardTokens.open(shardDir.resolve(f)));
            }
            Log.debug("data: %s: reusing the token shards in %s", spec, shardDir);
            return assemble(spec, t.isEmpty() ? Tokens.of() : Tokens.concat(t), v.isEmpty() ? Tokens.of()
                    : Tokens.concat(v), m.documents(), m.heldOut(), m.bytes());
        } catch (java.io.IOException | RuntimeException e) {
            return null; // tokenize again
        }
    }

    private static void writeManifest(Path file, Manifest m) {
        try {
            llm.io.AtomicFile.writeString(file, GSON.toJson(m) + "\n");
        } catch (java.io.IOException e) {
            Log.warn("%s: cannot write: %s", file, e.getMessage());
        }
    }

    /** Tokenizes documents as the reader produces them. */
    private final class Sink implements DocumentSink {
        private final TokenWriter train;
        private final TokenWriter held;
        private TokenWriter target;
        long documents;
        long heldOut;
        long bytes;

        Sink(TokenWriter train, TokenWriter held) {
            this.train = train;
            this.held = held;
        }

        @Override
        public void start(String name) {
            boolean out = split.holdsOut(documents);
            documents++;
            if (out) {
                heldOut++;
            }
            target = out ? held : train;
        }

        @Override
        public void text(String chunk) {
            bytes += utf8Length(chunk);
            target.add(tokenizer.encode(chunk));
        }

        @Override
        public void end() {
            target.add(separator);
            target = null;
        }
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
