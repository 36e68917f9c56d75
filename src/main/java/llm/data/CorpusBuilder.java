package llm.data;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import llm.UserException;
import llm.io.AtomicFile;
import llm.io.Inputs;
import llm.io.Log;
import llm.tokenizer.Tokenizer;

/**
 * Reads and tokenizes {@code --data} sources into a {@link Corpus}: text through {@link CorpusReader} and the
 * tokenizer (every document followed by the separator, the tokenizer's end-of-text id, as GPT-2's training data and
 * {@code llm tokenize --eos} do),
 * token shards as they are (a compressed shard, or one on stdin or a pipe, is first copied out to the shard
 * directory). Memory stays bounded when a shard directory is given: tokens go to shards of
 * {@link TokenWriter#DEFAULT_SHARD_TOKENS} there, and are read back from disk. Each source is read once, so
 * {@code -} (stdin), pipes and process substitutions work, compressed or not.
 */
public final class CorpusBuilder {
    private final Tokenizer tokenizer;
    private final int separator;
    private final CorpusOptions options;
    private final ValSplit split;
    private final Path shardDir;
    private int shardTokens = TokenWriter.DEFAULT_SHARD_TOKENS;
    private String label = "data";
    private final List<Path> excluded = new ArrayList<>();

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

    /**
     * Leave the directory tree {@code dir} out when a {@code --data} directory is walked (compared by real path):
     * {@code llm train} excludes its {@code --out} directory, which may lie inside the data directory. The shard
     * directory is always left out. A {@code --data} directory inside {@code dir} is a usage error.
     */
    public CorpusBuilder excluding(Path dir) {
        if (dir != null) {
            excluded.add(dir);
        }
        return this;
    }

    private CorpusReader reader() {
        List<Path> dirs = new ArrayList<>(excluded);
        if (shardDir != null) {
            dirs.add(shardDir);
        }
        return new CorpusReader(options).excluding(dirs);
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
        CorpusReader.checkExists(path);
        CorpusReader reader = reader();
        Corpus.Source s;
        if (Files.isDirectory(path)) {
            List<Path> files = reader.files(path);
            s = shardDirectory(spec, files, index);
            if (s == null) {
                s = text(spec, index, reader, files, null);
            }
        } else if (!CorpusReader.isStdin(path) && Files.isRegularFile(path) && TokenShard.isShardFile(path)) {
            s = shards(spec, List.of(path), index);
        } else {
            // Opened once: stdin, a pipe or a process substitution cannot be read again, so the format is told from
            // the (decompressed) first bytes of this one stream.
            String name = path.toString();
            try (InputStream in = new BufferedInputStream(Inputs.open(name), 1 << 16)) {
                s = TokenShard.isShard(in) ? shardSource(spec, List.of(spill(in, name, index, 0)))
                        : text(spec, index, reader, List.of(path), in);
            } catch (IOException | UncheckedIOException e) {
                throw UserException.runtime(Inputs.displayName(name) + ": cannot read: " + Inputs.reason(e), e);
            }
        }
        Log.info("%s: %s: %s%,d tokens%s (%.1f s)", label, spec, s.documents() > 0 ? String.format(Locale.ROOT,
                "%,d document%s, ", s.documents(), s.documents() == 1 ? "" : "s") : "", s.tokens(),
                s.val().size() > 0 ? String.format(Locale.ROOT, ", %,d held out", s.val().size()) : "",
                (System.nanoTime() - t0) / 1e9);
        return s;
    }

    /** The shards of a directory that holds only shards (compressed or not); null when it holds none. */
    private Corpus.Source shardDirectory(DataSpec spec, List<Path> files, int index) {
        long n = files.stream().filter(TokenShard::isShardFile).count();
        if (n == 0) {
            return null;
        }
        if (n != files.size()) {
            Path shard = files.stream().filter(TokenShard::isShardFile).findFirst().orElseThrow();
            Path other = files.stream().filter(f -> !TokenShard.isShardFile(f)).findFirst().orElseThrow();
            throw UserException.runtime(spec.path() + ": mixes token shards (" + shard + ") and other files (" + other
                    + "); give shards and text as separate --data sources");
        }
        return shards(spec, files, index);
    }

    /** Token shard files: read in place, or — compressed — decompressed into the shard directory first. */
    private Corpus.Source shards(DataSpec spec, List<Path> files, int index) {
        List<Shard> parts = new ArrayList<>();
        int k = 0;
        for (Path f : files) {
            if (TokenShard.isShard(f) || !isCompressed(f)) {
                // read in place
                parts.add(new Shard(ShardTokens.open(f), f.toString()));
                continue;
            }
            try (InputStream in = Inputs.open(f.toString())) {
                parts.add(spill(in, f.toString(), index, k++));
            } catch (IOException | UncheckedIOException e) {
                throw UserException.runtime(f + ": cannot read: " + Inputs.reason(e), e);
            }
        }
        return shardSource(spec, parts);
    }

    private static boolean isCompressed(Path f) {
        try (BufferedInputStream in = new BufferedInputStream(Files.newInputStream(f), 64)) {
            return Inputs.isCompressed(in);
        } catch (IOException e) {
            return false; // then it fails where it is opened, with the reason
        }
    }

    /**
     * The shard that {@code in} holds (decompressed, at its start): copied to a file of the shard directory (a
     * temporary file without one, deleted at exit), as the batcher reads shards by position.
     */
    private Shard spill(InputStream in, String name, int index, int k) throws IOException {
        byte[] head = in.readNBytes(TokenShard.HEADER_BYTES);
        int[] h = TokenShard.parseHeader(head, Inputs.displayName(name));
        int width = h[1] == TokenShard.VERSION_U16 ? 2 : 4;
        long body = (long) h[2] * width;
        Path file;
        if (shardDir != null) {
            Files.createDirectories(shardDir);
            file = shardDir.resolve(String.format(Locale.ROOT, "src%02d_shard_%06d.bin", index, k));
        } else {
            file = Files.createTempFile("llm-shard-", ".bin");
            file.toFile().deleteOnExit();
        }
        long copied;
        try (AtomicFile out = new AtomicFile(file)) {
            out.stream().write(head);
            copied = copy(in, out.stream(), body);
            if (copied == body) {
                out.commit();
            }
        }
        if (copied < body) {
            throw UserException.runtime(Inputs.displayName(name) + ": truncated token shard: header says " + h[2]
                    + " tokens, found " + copied / width);
        }
        Log.debug("data: %s: decompressed the token shard into %s", Inputs.displayName(name), file);
        return new Shard(ShardTokens.open(file), Inputs.displayName(name));
    }

    private static long copy(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buf = new byte[1 << 16];
        long done = 0;
        while (done < limit) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, limit - done));
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            done += n;
        }
        return done;
    }

    /** An open shard and the name errors give it (the user's file, not the decompressed copy). */
    private record Shard(ShardTokens tokens, String name) {}

    private Corpus.Source shardSource(DataSpec spec, List<Shard> parts) {
        for (Shard p : parts) {
            ShardTokens t = p.tokens();
            if (t.width() == 2 && tokenizer.vocabSize() > 65536) {
                closeAll(parts);
                throw UserException.runtime(p.name() + ": a uint16 token shard cannot hold the ids of a "
                        + tokenizer.vocabSize() + "-token vocabulary (it was made with another tokenizer)");
            }
            int max = t.maxId();
            if (max >= tokenizer.vocabSize()) {
                closeAll(parts);
                throw UserException.runtime(p.name() + ": token id " + max + " is outside the tokenizer's vocabulary ("
                        + tokenizer.vocabSize() + " tokens): was it made with another tokenizer?");
            }
        }
        Tokens all = Tokens.concat(parts.stream().map(p -> (Tokens) p.tokens()).toList());
        if (all.size() == 0) {
            throw UserException.runtime(Inputs.displayName(spec.name()) + ": the token shards are empty");
        }
        long cut = split.cut(all.size());
        return new Corpus.Source(spec, all.range(0, cut), all.range(cut, all.size()), 0, 0, 0);
    }

    private static void closeAll(List<Shard> parts) {
        parts.forEach(p -> p.tokens().close());
    }

    /**
     * Text {@code files} (one of them, or a directory's), tokenized, or reused from the shard directory when an earlier
     * run tokenized the same inputs; {@code open}: the single file's stream, already open (stdin cannot be reopened).
     */
    private Corpus.Source text(DataSpec spec, int index, CorpusReader reader, List<Path> files, InputStream open) {
        String prefix = String.format(Locale.ROOT, "src%02d", index);
        Path dir = shardDir;
        String key = dir == null ? null : cacheKey(files);
        if (key != null) {
            Corpus.Source cached = cached(spec, dir.resolve(prefix + ".json"), key);
            if (cached != null) {
                return cached;
            }
            try {
                Files.deleteIfExists(dir.resolve(prefix + ".json")); // stale until the new shards are complete
            } catch (IOException e) {
                throw UserException.runtime(dir.resolve(prefix + ".json") + ": cannot remove: " + Inputs.reason(e));
            }
        }
        try (TokenWriter train = new TokenWriter(dir, prefix + "_train", tokenizer.vocabSize(), shardTokens);
                TokenWriter held = new TokenWriter(dir, prefix + "_val", tokenizer.vocabSize(), shardTokens)) {
            Sink sink = new Sink(train, held);
            if (open != null) {
                try {
                    reader.readStream(open, spec.path().toString(), sink);
                } catch (IOException e) {
                    throw UserException.runtime(Inputs.displayName(spec.path().toString()) + ": cannot read: "
                            + Inputs.reason(e), e);
                }
            } else {
                reader.read(files, sink);
            }
            if (sink.documents == 0) {
                throw UserException.runtime(Inputs.displayName(spec.path().toString())
                        + ": no documents (empty, or only blank lines)");
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

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .disableHtmlEscaping().setPrettyPrinting().create();

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }

    /**
     * The inputs' identity (null for stdin or a pipe, read afresh every time): each file's path, size and modification time, the tokenizer (name, vocabulary, separator
     * and the ids of a probe text), the reader options and the split.
     */
    private String cacheKey(List<Path> files) {
        StringBuilder k = new StringBuilder();
        try {
            for (Path f : files) {
                if (CorpusReader.isStdin(f) || !Files.isRegularFile(f)) {
                    return null; // stdin or a pipe: its content is known only by reading it
                }
                k.append(f.toAbsolutePath()).append(' ').append(Files.size(f)).append(' ')
                        .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
            }
        } catch (IOException e) {
            return null;
        }
        k.append(tokenizer.name()).append(' ').append(tokenizer.vocabSize()).append(' ').append(separator).append(' ')
                .append(Arrays.hashCode(tokenizer.encode(PROBE))).append('\n');
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
        } catch (IOException | RuntimeException e) {
            return null; // tokenize again
        }
    }

    private static void writeManifest(Path file, Manifest m) {
        try {
            AtomicFile.writeString(file, GSON.toJson(m) + "\n");
        } catch (IOException e) {
            Log.warn("%s: cannot write: %s", file, Inputs.reason(e));
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
