package llm.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import llm.UserException;
import llm.io.Inputs;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads text corpora into a {@link DocumentSink}, streaming: plain text (cut into documents per
 * {@link CorpusOptions.Split}), JSON Lines (one document per line, its {@code textField}), tar archives of such files,
 * directories of them (recursively, in name order, hidden files skipped) — each possibly compressed
 * (gz/bz2/xz/zst, detected by content). Text is UTF-8; malformed bytes become U+FFFD.
 *
 * <p>Plain-text documents are trimmed of blank lines at their start and end and of their final line break.
 * Token shards are not text: {@link CorpusBuilder} opens them.
 */
public final class CorpusReader {
    private final CorpusOptions options;

    public CorpusReader(CorpusOptions options) {
        this.options = options;
    }

    /** Read a file, directory or archive into {@code sink}. */
    public void read(Path path, DocumentSink sink) {
        if (Files.isDirectory(path)) {
            for (Path f : listFiles(path)) {
                readFile(f, sink);
            }
        } else if (Files.exists(path)) {
            readFile(path, sink);
        } else {
            throw UserException.runtime(path + ": no such file or directory");
        }
    }

    /**
     * The text of {@code path}'s documents, piece by piece, skipping token shards (which hold no text): for training a
     * tokenizer on the training data.
     */
    public void readText(Path path, java.util.function.Consumer<String> text) {
        if (!Files.exists(path)) {
            throw UserException.runtime(path + ": no such file or directory");
        }
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
        for (Path f : Files.isDirectory(path) ? listFiles(path) : List.of(path)) {
            if (!TokenShard.isShardFile(f)) {
                readFile(f, sink);
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
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> files = new ArrayList<>(s.filter(Files::isRegularFile)
                    .filter(p -> !hidden(dir.relativize(p)))
                    .sorted()
                    .toList());
            return files;
        } catch (IOException | UncheckedIOException e) {
            throw UserException.runtime(dir + ": cannot list directory: " + e.getMessage());
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

    private void readFile(Path file, DocumentSink sink) {
        String name = file.toString();
        try (InputStream in = Inputs.open(name)) {
            readStream(in, name, sink);
        } catch (IOException e) {
            throw UserException.runtime(name + ": cannot read: " + e.getMessage(), e);
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
        if (head.length >= 4 && (head[0] & 0xFF | (head[1] & 0xFF) << 8 | (head[2] & 0xFF) << 16
                | (head[3] & 0xFF) << 24) == TokenShard.MAGIC) {
            throw UserException.runtime(name + ": is a token shard; give shards as their own --data source, not "
                    + "inside an archive or among text files");
        }
        String base = baseName(name);
        if (base.endsWith(".jsonl") || base.endsWith(".ndjson") || base.endsWith(".json")) {
            readJsonl(in, name, sink);
            return;
        }
        for (byte b : head) {
            if (b == 0) {
                throw UserException.runtime(name + ": looks binary (not text, JSON Lines, tar or a token shard)");
            }
        }
        readText(in, name, sink);
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
                throw UserException.runtime(name + ": unreadable tar archive: " + ex.getMessage(), ex);
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
                throw UserException.runtime(memberName + ": unreadable archive member: " + ex.getMessage(), ex);
            }
        }
        if (members == 0) {
            throw UserException.runtime(name + ": the tar archive holds no files");
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

    private static Reader utf8(InputStream in) {
        return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
    }

    private void readJsonl(InputStream in, String name, DocumentSink sink) throws IOException {
        BufferedReader r = new BufferedReader(utf8(in), 1 << 16);
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
                        + llm.io.JsonProblem.describe(ex) + ")");
            }
            if (field == null || field.isJsonNull()) {
                throw UserException.runtime(name + ":" + lineNo + ": no \"" + options.textField()
                        + "\" field (choose the field with --text-field)");
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
    }

    private static String readLine(BufferedReader r, String name) throws IOException {
        try {
            return r.readLine();
        } catch (IOException e) {
            throw UserException.runtime(name + ": cannot read: " + e.getMessage(), e);
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
        Reader r = utf8(in);
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
    }

    private static int read(Reader r, char[] buf, String name) {
        try {
            return r.read(buf);
        } catch (IOException e) {
            throw UserException.runtime(name + ": cannot read: " + e.getMessage(), e);
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
