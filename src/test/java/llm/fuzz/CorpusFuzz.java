package llm.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import llm.data.CorpusOptions;
import llm.data.CorpusReader;
import llm.data.DocumentSink;
import llm.data.Utf8Reader;
import llm.eval.memorize.DocumentReader;
import llm.eval.memorize.Split;
import org.junit.jupiter.api.Tag;

/**
 * Training and evaluation text as the commands read it (CorpusReader for train/tokenize, DocumentSource for
 * memorize-check): JSON Lines, WikiText split into articles, and archives — tar, gz, bz2, xz, zst, nested.
 */
@Tag("fuzz")
class CorpusFuzz {
    /** File names the archive target gives its input: the name decides JSON Lines vs text, the content the codec. */
    private static final String[] NAMES = {"corpus", "a.txt", "a.jsonl", "a.json", "a.txt.gz", "a.jsonl.zst",
        "a.tar", "a.tar.gz", "a.tar.bz2", "a.tar.xz", "a.tgz", "a.bz2", "a.xz"};

    /** JSON Lines documents (the text field, blank lines, a byte-order mark, invalid UTF-8). */
    @FuzzTest
    void jsonl(byte[] data) throws Exception {
        CorpusOptions opts = CorpusOptions.DEFAULT.withChunkChars(256);
        Contract.holds(() -> read(new CorpusReader(opts), data, "docs.jsonl"));
        Contract.holds(() -> drain(DocumentReader.jsonl(reader(data), "docs.jsonl", "text", "id")));
    }

    /** WikiText's " = Title = " headings cut plain text into articles (train --split wikitext, memorize-check). */
    @FuzzTest
    void wikitext(byte[] data) throws Exception {
        CorpusOptions wiki = CorpusOptions.DEFAULT.withSplit(CorpusOptions.Split.WIKITEXT).withChunkChars(256);
        Contract.holds(() -> read(new CorpusReader(wiki), data, "wiki.train.raw"));
        Contract.holds(() -> drain(DocumentReader.text(reader(data), "wiki.train.raw", Split.WIKITEXT)));
    }

    /**
     * Any file given to --data, read from disk as the commands do: compressed or archived by content, under a name
     * picked by the input. Reading must not write: the folder holds exactly the input afterwards (nothing extracted
     * next to it or above it).
     */
    @FuzzTest
    void archive(FuzzedDataProvider in) throws Exception {
        String name = in.pickValue(NAMES);
        byte[] data = in.consumeRemainingAsBytes();
        Path dir = Scratch.dir().resolve("archive");
        Path inner = dir.resolve("data");
        if (!Files.isDirectory(inner)) {
            Files.createDirectories(inner);
        }
        Path f = Scratch.file(inner, name, data);
        try {
            Contract.holds(() -> new CorpusReader(CorpusOptions.DEFAULT.withChunkChars(256)).read(f, new Counting()));
            try (Stream<Path> s = Files.walk(dir)) {
                List<Path> all = s.toList();
                if (!all.equals(List.of(dir, inner, f))) {
                    throw new AssertionError("reading " + name + " wrote files: " + all);
                }
            }
        } finally {
            Files.delete(f);
        }
    }

    /** As CorpusReader.read does after opening a file: an I/O error (here: of a decompressor) becomes its message. */
    private static void read(CorpusReader r, byte[] data, String name) {
        try {
            r.readStream(new ByteArrayInputStream(data), name, new Counting());
        } catch (IOException | UncheckedIOException e) {
            // CorpusReader.readFile: UserException(name + ": cannot read: " + reason)
        }
    }

    private static BufferedReader reader(byte[] data) {
        return new BufferedReader(new Utf8Reader(new ByteArrayInputStream(data)));
    }

    private static void drain(DocumentReader r) throws IOException {
        try (r) {
            while (r.hasNext()) {
                r.next();
            }
        }
    }

    /** Keeps nothing: a corpus may be larger than the heap, the sink must not decide that. */
    private static final class Counting implements DocumentSink {
        long docs;
        long chars;

        @Override
        public void start(String name) {
            docs++;
        }

        @Override
        public void text(String chunk) {
            chars += chunk.length();
        }

        @Override
        public void end() {
        }
    }
}
