package llm.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import llm.UserException;
import llm.data.Titles;
import llm.data.wiki.MultistreamDump;
import llm.eval.memorize.Document;
import llm.eval.memorize.DocumentReader;
import llm.io.Inputs;
import llm.io.Log;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * MediaWiki multistream dumps read by the executors: the driver finds the bzip2 streams of each dump (a scan of the
 * compressed bytes, nothing decompressed but each range's first block) and makes one partition per range of whole
 * streams ({@link MultistreamDump}); each task decompresses its range and reads its articles as llm reads the whole
 * dump. The dump must be at the same path on every executor (shared storage, or shipped with --files).
 *
 * <p>Not split, read by the driver as llm reads them (and said so): a dump of one bzip2 stream, streams cut inside
 * pages, stdin or a URL, and {@code --limit} (the first N articles of the dump need its order).
 */
final class DumpParts {
    /** Streams per partition at most by default: 100 pages each, so about 10,000 pages a task. */
    static final int STREAMS_PER_PART = 100;

    private DumpParts() {}

    /**
     * The ranges of the inputs when every input is a multistream dump that can be split, else null (then the driver
     * reads them); {@code parts}: ranges per dump, or null for the default (at least {@code minParts}).
     */
    static List<MultistreamDump.Range> plan(List<String> inputs, Long limit, String textField, Integer parts,
            int minParts) {
        if (textField != null) {
            return null;
        }
        List<MultistreamDump.Range> ranges = new ArrayList<>();
        for (String name : inputs) {
            if (name.equals("-") || name.contains("://") || !isBzip2(Path.of(name))) {
                return null;
            }
            MultistreamDump dump;
            try {
                dump = MultistreamDump.scan(Path.of(name));
            } catch (IOException e) {
                throw UserException.runtime(Inputs.displayName(name) + ": cannot read: " + Inputs.reason(e), e);
            }
            if (dump == null) {
                Log.info("llm-spark: %s: not a multistream MediaWiki dump (bzip2 streams of whole pages): read on the "
                        + "driver", name);
                return null;
            }
            if (limit != null) {
                Log.info("llm-spark: %s: --limit takes the dump's first articles: read on the driver", name);
                return null;
            }
            int n = parts != null ? parts : Math.max(minParts, (dump.streams() + STREAMS_PER_PART - 1) / STREAMS_PER_PART);
            List<MultistreamDump.Range> r;
            try {
                r = dump.ranges(n);
            } catch (IOException e) {
                throw UserException.runtime(Inputs.displayName(name) + ": cannot read: " + Inputs.reason(e), e);
            }
            if (r == null) {
                Log.info("llm-spark: %s: its bzip2 streams are not cut between pages: read on the driver", name);
                return null;
            }
            Log.info("llm-spark: %s: %,d bzip2 streams in %d partitions, read by the executors", name,
                    dump.streams(), r.size());
            ranges.addAll(r);
        }
        return ranges.isEmpty() ? null : ranges;
    }

    private static boolean isBzip2(Path p) {
        if (!Files.isRegularFile(p)) {
            return false;
        }
        try (var in = Files.newInputStream(p)) {
            return java.util.Arrays.equals(in.readNBytes(3), new byte[] {'B', 'Z', 'h'});
        } catch (IOException e) {
            return false; // the driver's read says why
        }
    }

    /** The documents of the ranges, one partition per range, in dump order ({@code titles}: only those, or null). */
    static JavaRDD<Document> documents(JavaSparkContext jsc, List<MultistreamDump.Range> ranges, Titles titles) {
        List<String> selected = titles == null ? null : new ArrayList<>(titles.titles());
        return jsc.parallelize(ranges, ranges.size()).flatMap(new Read(selected));
    }

    /** One range's articles as documents (title the id, plain text the text), as llm's DocumentReader gives them. */
    private record Read(List<String> titles) implements FlatMapFunction<MultistreamDump.Range, Document> {
        @Override
        public Iterator<Document> call(MultistreamDump.Range range) throws IOException {
            DocumentReader r = DocumentReader.articles(MultistreamDump.open(range));
            if (titles != null) {
                r.selecting(new Titles(Set.copyOf(titles)));
            }
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((TaskContext t) -> closeQuietly(r));
            }
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    boolean more = r.hasNext();
                    if (!more) {
                        closeQuietly(r);
                    }
                    return more;
                }

                @Override
                public Document next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return r.next();
                }
            };
        }

        private static void closeQuietly(DocumentReader r) {
            try {
                r.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
