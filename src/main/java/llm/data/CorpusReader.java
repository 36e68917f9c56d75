package llm.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import llm.UserException;
import llm.data.wiki.Article;
import llm.data.wiki.Articles;
import llm.data.wiki.DumpFormat;
import llm.io.Inputs;
import llm.io.JsonProblem;
import llm.io.Log;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads text corpora into a {@link DocumentSink}, streaming: plain text (cut into documents per
 * {@link CorpusOptions.Split}), JSON Lines (one document per line, its {@code textField}), tar archives of such files,
 * directories of them (recursively, in name order, hidden files skipped) — each possibly compressed
 * (gz/bz2/xz/zst, detected by content), and MediaWiki XML dumps (told by their {@code <mediawiki} root; one document
 * per article, its plain text: {@link Articles}). JSON Lines are told by the name (.jsonl, .ndjson, .json) or, for a name
 * without an extension such as stdin's, by a first line that is a JSON object with the text field. {@code -} is stdin; stdin, pipes and process substitutions are read in one
 * pass, their format told from their first bytes without reading them again. Text is UTF-8; ill-formed bytes become
 * U+FFFD, with one warning per file or archive member that says how many.
 *
 * <p>Plain-text documents are trimmed of blank lines at their start and end and of their final line break.
 * Token shards are not text: {@link CorpusBuilder} opens them.
 */
public final class CorpusReader {
    private final CorpusOptions options;
    private final List<Path> excluded;
    private final boolean warnInvalidUtf8;

    public CorpusReader(CorpusOptions options) {
        this(options, List.of(), true);
    }

    private CorpusReader(CorpusOptions options, List<Path> excluded, boolean warnInvalidUtf8) {
        this.options = options;
        this.excluded = List.copyOf(excluded);
        this.warnInvalidUtf8 = warnInvalidUtf8;
    }

    /**
     * This reader, skipping the directory trees {@code dirs} (null entries ignored) when it walks a directory: a run's
     * own output directory inside its data directory. A directory given to read that lies inside one of them is a
     * usage error.
     */
    public CorpusReader excluding(Collection<Path> dirs) {
        List<Path> all = new ArrayList<>(excluded);
        for (Path d : dirs) {
            if (d != null) {
                all.add(d);
            }
        }
        return new CorpusReader(options, all, warnInvalidUtf8);
    }

    /** This reader without the warnings about invalid UTF-8 (for a second pass over text already warned about). */
    CorpusReader quiet() {
        return new CorpusReader(options, excluded, false);
    }

    /** Is {@code path} standard input ({@code -})? */
    static boolean isStdin(Path path) {
        return Inputs.STDIN.equals(path.toString());
    }

    /** Fail unless {@code path} can be read: stdin, or something that exists (a broken link says so). */
    public static void checkExists(Path path) {
        if (isStdin(path) || Files.exists(path)) {
            return;
        }
        throw UserException.runtime(path + ": " + (Files.isSymbolicLink(path)
                ? "broken symbolic link (its target does not exist)" : "no such file or directory"));
    }

    /** Read a file, directory or archive ({@code -}: stdin) into {@code sink}. */
    public void read(Path path, DocumentSink sink) {
        checkExists(path);
        read(Files.isDirectory(path) ? files(path) : List.of(path), sink);
    }

    /** Read files (each possibly an archive; {@code -}: stdin) into {@code sink}, in order. */
    void read(List<Path> files, DocumentSink sink) {
        for (Path f : files) {
            readFile(f, sink, false);
        }
    }

    /**
     * The text of {@code path}'s documents, piece by piece, skipping token shards (which hold no text): for training a
     * tokenizer on the training data (without warnings about invalid UTF-8: the data pass gives them). Stdin or a
     * pipe is consumed: to read it again later, call {@link Inputs#replayable} first.
     */
    public void readText(Path path, Consumer<String> text) {
        checkExists(path);
        DocumentSink sink = new DocumentSink() {
            @Override
            public void start(String name) {
            }

            @Override
            public void text(String chunk) {
                text.accept(chunk);
            }

            @Override
            public void end() {
            }
        };
        CorpusReader quiet = quiet(); // the data pass that follows warns about invalid UTF-8
        for (Path f : Files.isDirectory(path) ? files(path) : List.of(path)) {
            if (!TokenShard.isShardFile(f)) {
                quiet.readFile(f, sink, true);
            }
        }
    }

    /** All documents of {@code path} as strings (for small inputs: tests, recipes that pick articles). */
    public static List<String> documents(Path path, CorpusOptions options) {
        List<String> docs = new ArrayList<>();
        new CorpusReader(options).read(path, new DocumentSink() {
            private StringBuilder cur;

            @Override
            public void start(String name) {
                cur = new StringBuilder();
            }

            @Override
            public void text(String chunk) {
                cur.append(chunk);
            }

            @Override
            public void end() {
                docs.add(cur.toString());
            }
        });
        return docs;
    }

    /** The regular, non-hidden files under {@code dir}, recursively, sorted by path. */
    public static List<Path> listFiles(Path dir) {
        return listFiles(dir, List.of());
    }

    /** The files of directory {@code dir} this reader reads ({@link #listFiles(Path, java.util.Collection)}). */
    List<Path> files(Path dir) {
        return listFiles(dir, excluded);
    }

    /**
     * The regular, non-hidden files under {@code dir}, recursively, sorted by path, leaving out the directory trees
     * {@code excluded} (compared by real path). A broken symbolic link is skipped with a warning that names it; a
     * {@code dir} inside an excluded tree is a usage error.
     */
    public static List<Path> listFiles(Path dir, Collection<Path> excluded) {
        List<Path> skip = excluded.stream().filter(Objects::nonNull).map(CorpusReader::real).toList();
        Path root = real(dir);
        for (Path x : skip) {
            if (root.startsWith(x)) {
                throw UserException.usage(dir + ": is " + (root.equals(x) ? "the --out directory" : "inside the --out"
                        + " directory " + x) + ", so the run's own files would be read as training data: choose an"
                        + " --out elsewhere (a new directory inside " + dir + " is fine)");
            }
        }
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (!d.equals(dir) && (hidden(dir.relativize(d)) || !skip.isEmpty() && skip.contains(real(d)))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (hidden(dir.relativize(f))) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (Files.isRegularFile(f)) { // follows a link to a file
                        files.add(f);
                    } else if (attrs.isSymbolicLink() && !Files.exists(f) && BROKEN_LINKS_TOLD.add(f.toAbsolutePath())) {
                        Log.warn("%s: broken symbolic link (its target does not exist): skipped", f);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    throw e;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw UserException.runtime(dir + ": cannot list directory: " + Inputs.reason(e));
        }
        files.sort(null);
        return files;
    }

    /** Broken links warned about already: a directory is walked more than once (tokenizer training, data). */
    private static final Set<Path> BROKEN_LINKS_TOLD = ConcurrentHashMap.newKeySet();

    /**
     * The first token shard that {@code path} holds: itself (told by its first bytes, decompressed), or a file of a
     * directory (hidden files and {@code excluded} trees left out, as when it is read); null when none. Stdin and
     * pipes are not looked at (that would consume them): null.
     */
    public static Path firstShard(Path path, Collection<Path> excluded) {
        if (isStdin(path) || !Files.exists(path)) {
            return null;
        }
        if (Files.isDirectory(path)) {
            for (Path f : listFiles(path, excluded)) {
                Path s = firstShard(f, List.of());
                if (s != null) {
                    return s;
                }
            }
            return null;
        }
        return TokenShard.isShardFile(path) ? path : null;
    }

    /** The real path when it exists, else the absolute, normalized one. */
    static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Read one file, once (stdin and pipes cannot be read twice); {@code skipShards}: pass over token shards. */
    private void readFile(Path file, DocumentSink sink, boolean skipShards) {
        String name = file.toString();
        try (InputStream in = new BufferedInputStream(Inputs.open(name), 1 << 16)) {
            if (skipShards && TokenShard.isShard(in)) {
                return;
            }
            readStream(in, name, sink);
        } catch (IOException | UncheckedIOException e) {
            throw UserException.runtime(Inputs.displayName(name) + ": cannot read: " + Inputs.reason(e), e);
        }
    }

    /** Read one (already decompressed or not) stream; {@code name} decides JSON Lines vs text and names errors. */
    public void readStream(InputStream raw, String name, DocumentSink sink) throws IOException {
        BufferedInputStream in = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, 1 << 16);
        in.mark(1024);
        byte[] head = in.readNBytes(512);
        in.reset();
        if (head.length >= 512 && TarArchiveInputStream.matches(head, head.length)) {
            readTar(in, name, sink);
            return;
        }
        if (TokenShard.isShard(in)) {
            throw UserException.runtime(name + ": is a token shard; give shards as their own --data source (a file or"
                    + " a directory of shards, compressed or not), not inside an archive or among text files");
        }
        if (DumpFormat.isDump(in)) {
            readDump(in, name, sink);
            return;
        }
        String base = baseName(name);
        if (base.endsWith(".jsonl") || base.endsWith(".ndjson") || base.endsWith(".json")
                || !hasExtension(base) && firstLineIsAJsonDocument(in)) {
            readJsonl(in, name, sink);
            return;
        }
        for (byte b : head) {
            if (b == 0) {
                throw UserException.runtime(name + ": looks binary: not text, JSON Lines or tar, and not a token shard"
                        + " (magic " + Integer.toUnsignedString(TokenShard.firstInt(head)) + ", expected "
                        + TokenShard.MAGIC + ")");
            }
        }
        readText(in, name, sink);
    }

    /** Whether the last part of {@code name} has an extension ({@code a.txt}, not {@code -} or {@code /dev/fd/63}). */
    private static boolean hasExtension(String name) {
        String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        return last.lastIndexOf('.') > 0;
    }

    /**
     * For a name that does not say (stdin, a pipe): is the first line (within the first 64 KiB) a JSON object with
     * the text field as a string? Then it is JSON Lines. {@code in} is not consumed.
     */
    private boolean firstLineIsAJsonDocument(BufferedInputStream in) throws IOException {
        in.mark(1 << 16);
        byte[] head = in.readNBytes(1 << 16);
        in.reset();
        int start = head.length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB
                && (head[2] & 0xFF) == 0xBF ? 3 : 0;
        while (start < head.length && (head[start] == ' ' || head[start] == '\t')) {
            start++;
        }
        if (start >= head.length || head[start] != '{') {
            return false;
        }
        int end = start;
        while (end < head.length && head[end] != '\n') {
            end++;
        }
        if (end == head.length && head.length == 1 << 16) {
            return false; // a first line longer than that: not told
        }
        try {
            JsonElement e = JsonParser.parseString(new String(head, start, end - start,
                    StandardCharsets.UTF_8));
            JsonElement f = e.isJsonObject() ? e.getAsJsonObject().get(options.textField()) : null;
            return f != null && f.isJsonPrimitive() && f.getAsJsonPrimitive().isString();
        } catch (JsonParseException ex) {
            return false;
        }
    }

    /** The lower-case name without compression suffixes: {@code a.jsonl.zst} → {@code a.jsonl}. */
    static String baseName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (boolean again = true; again; ) {
            again = false;
            for (String s : new String[] {".gz", ".bz2", ".xz", ".zst", ".zstd", ".lzma", ".z"}) {
                if (n.endsWith(s)) {
                    n = n.substring(0, n.length() - s.length());
                    again = true;
                }
            }
        }
        return n;
    }

    private void readTar(InputStream in, String name, DocumentSink sink) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry e;
        int members = 0;
        while (true) {
            try {
                e = tar.getNextEntry();
            } catch (IOException ex) {
                throw UserException.runtime(name + ": unreadable tar archive: " + Inputs.reason(ex), ex);
            }
            if (e == null) {
                break;
            }
            String member = e.getName();
            String last = member.substring(member.lastIndexOf('/') + 1);
            if (!e.isFile() || last.startsWith(".") || hiddenMember(member)) {
                continue;
            }
            members++;
            String memberName = name + "!" + member;
            InputStream body = new FilterInputStream(tar) {
                @Override
                public void close() {
                    // the archive stays open for the next member
                }
            };
            try {
                readStream(Inputs.decompressed(new BufferedInputStream(body, 1 << 16), memberName), memberName, sink);
            } catch (UserException ex) {
                throw ex;
            } catch (IOException | UncheckedIOException ex) {
                throw UserException.runtime(memberName + ": unreadable archive member: " + Inputs.reason(ex), ex);
            }
        }
        if (members == 0) {
            throw UserException.runtime(name + ": the tar archive holds no files");
        }
    }

    /** A MediaWiki dump: one document per article (its plain text), named {@code name:title}; empty ones left out. */
    private void readDump(BufferedInputStream in, String name, DocumentSink sink) throws IOException {
        try (Articles articles = Articles.open(in, name)) {
            while (articles.hasNext()) {
                Article a = articles.next();
                if (!a.text().isEmpty()) {
                    sink.start(name + ":" + a.title());
                    emitChunked(a.text(), sink);
                    sink.end();
                }
            }
        }
    }

    private static boolean hiddenMember(String member) {
        for (String part : member.split("/")) {
            if (part.startsWith(".") && !part.equals(".") && !part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** Say how many ill-formed UTF-8 sequences of {@code name} became U+FFFD (as {@code llm tokenize} does). */
    private void warnMalformed(String name, Utf8Reader r) {
        long n = r.malformed();
        if (n > 0 && warnInvalidUtf8) {
            Log.warn("%s: %d invalid UTF-8 sequence%s replaced with U+FFFD", Inputs.displayName(name), n,
                    n == 1 ? "" : "s");
        }
    }

    private void readJsonl(InputStream in, String name, DocumentSink sink) throws IOException {
        Utf8Reader utf8 = new Utf8Reader(in);
        BufferedReader r = new BufferedReader(utf8, 1 << 16);
        long lineNo = 0;
        for (String line; (line = readLine(r, name)) != null; ) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte-order mark
            }
            if (line.isBlank()) {
                continue;
            }
            JsonElement field;
            try {
                JsonElement e = JsonParser.parseString(line);
                if (!e.isJsonObject()) {
                    throw UserException.runtime(name + ":" + lineNo + ": not a JSON object");
                }
                field = e.getAsJsonObject().get(options.textField());
            } catch (JsonParseException ex) {
                throw UserException.runtime(name + ":" + lineNo + ": not valid JSON ("
                        + JsonProblem.describe(ex) + ")");
            }
            if (field == null) {
                throw UserException.runtime(name + ":" + lineNo + ": no \"" + options.textField()
                        + "\" field (choose the field with --text-field)");
            }
            if (field.isJsonNull()) {
                throw UserException.runtime(name + ":" + lineNo + ": field \"" + options.textField() + "\" is null, not"
                        + " a string");
            }
            if (!field.isJsonPrimitive() || !field.getAsJsonPrimitive().isString()) {
                throw UserException.runtime(name + ":" + lineNo + ": field \"" + options.textField() + "\" is not a string");
            }
            String text = field.getAsString();
            if (text.isEmpty()) {
                continue;
            }
            sink.start(name + ":" + lineNo);
            emitChunked(text, sink);
            sink.end();
        }
        warnMalformed(name, utf8);
    }

    private static String readLine(BufferedReader r, String name) throws IOException {
        try {
            return r.readLine();
        } catch (IOException e) {
            throw UserException.runtime(Inputs.displayName(name) + ": cannot read: " + Inputs.reason(e), e);
        }
    }

    /** Send {@code text} in pieces of about chunkChars, cut after a line break where there is one. */
    private void emitChunked(String text, DocumentSink sink) {
        int n = options.chunkChars();
        int at = 0;
        while (text.length() - at > n) {
            int cut = text.lastIndexOf('\n', at + n - 1);
            int end = cut >= at ? cut + 1 : at + n;
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end++;
            }
            sink.text(text.substring(at, end));
            at = end;
        }
        if (at < text.length()) {
            sink.text(text.substring(at));
        }
    }

    private void readText(InputStream in, String name, DocumentSink sink) throws IOException {
        TextDocs docs = new TextDocs(name, sink, options);
        Utf8Reader r = new Utf8Reader(in);
        char[] buf = new char[1 << 15];
        StringBuilder line = new StringBuilder();
        boolean first = true;
        for (int n; (n = read(r, buf, name)) > 0; ) {
            int from = 0;
            if (first && buf[0] == '\uFEFF') {
                from = 1; // a byte-order mark
            }
            first = false;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    line.append(buf, from, i - from);
                    from = i + 1;
                    if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
                        line.setLength(line.length() - 1);
                        docs.line(line, "\r\n");
                    } else {
                        docs.line(line, "\n");
                    }
                    line.setLength(0);
                }
            }
            line.append(buf, from, n - from);
            if (line.length() >= options.chunkChars()) { // a very long line: pass it on in pieces
                int keep = Character.isHighSurrogate(line.charAt(line.length() - 1)) ? 1 : 0;
                docs.partialLine(line.substring(0, line.length() - keep));
                line.delete(0, line.length() - keep);
            }
        }
        if (line.length() > 0) {
            docs.line(line, "");
        }
        docs.finish();
        warnMalformed(name, r);
    }

    private static int read(Reader r, char[] buf, String name) {
        try {
            return r.read(buf);
        } catch (IOException e) {
            throw UserException.runtime(Inputs.displayName(name) + ": cannot read: " + Inputs.reason(e), e);
        }
    }

    /** Cuts a stream of lines into trimmed documents. */
    private static final class TextDocs {
        private final String name;
        private final DocumentSink sink;
        private final CorpusOptions options;
        private final StringBuilder chunk = new StringBuilder();
        private final StringBuilder pending = new StringBuilder(); // blank lines and the last line break
        private boolean inDoc;
        private boolean midLine;
        private long lineNo;

        TextDocs(String name, DocumentSink sink, CorpusOptions options) {
            this.name = name;
            this.sink = sink;
            this.options = options;
        }

        void partialLine(CharSequence content) {
            if (!midLine) {
                lineNo++;
            }
            midLine = true;
            content(content, "");
        }

        void line(CharSequence content, String terminator) {
            boolean continued = midLine;
            midLine = false;
            if (!continued) {
                lineNo++;
                if (options.split() != CorpusOptions.Split.FILE && CorpusOptions.EOT_LINE.contentEquals(
                        content.toString().strip())) {
                    endDoc();
                    return;
                }
                if (options.split() == CorpusOptions.Split.WIKITEXT
                        && CorpusOptions.WIKITEXT_TITLE.matcher(content).matches()) {
                    endDoc();
                }
                if (isBlank(content)) {
                    if (inDoc) {
                        pending.append(content).append(terminator);
                    }
                    return;
                }
            }
            content(content, terminator);
        }

        private void content(CharSequence content, String terminator) {
            if (!inDoc) {
                inDoc = true;
                pending.setLength(0);
                sink.start(options.split() == CorpusOptions.Split.FILE ? name : name + ":" + lineNo);
            }
            chunk.append(pending).append(content);
            pending.setLength(0);
            pending.append(terminator);
            if (chunk.length() >= options.chunkChars()) {
                sink.text(chunk.toString());
                chunk.setLength(0);
            }
        }

        private void endDoc() {
            if (inDoc) {
                if (chunk.length() > 0) {
                    sink.text(chunk.toString());
                }
                sink.end();
            }
            inDoc = false;
            chunk.setLength(0);
            pending.setLength(0);
        }

        void finish() {
            endDoc();
        }

        private static boolean isBlank(CharSequence s) {
            for (int i = 0; i < s.length(); i++) {
                if (!Character.isWhitespace(s.charAt(i))) {
                    return false;
                }
            }
            return true;
        }
    }
}
