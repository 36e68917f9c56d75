package llm.data.wiki;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import llm.io.Inputs;
import llm.io.ParallelBzip2InputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * A multistream {@code .xml.bz2} dump cut into ranges of whole bzip2 streams that can be read apart (on different
 * machines): Wikimedia's {@code pages-articles-multistream} files hold the {@code <mediawiki><siteinfo>} header in
 * their first stream, 100 {@code <page>} elements in each stream after it and {@code </mediawiki>} in the last. A
 * range that does not start the file is read as the header's bytes, then its streams, then {@code </mediawiki>} when
 * it does not end the file: one well-formed dump, read by {@link Articles} like the whole file (same namespaces from
 * the same {@code <siteinfo>}, same page-to-article rules), so the ranges' articles, in range order, are the file's.
 *
 * <pre>{@code
 * MultistreamDump d = MultistreamDump.scan(Path.of("enwiki-multistream.xml.bz2"));  // null: not splittable
 * for (MultistreamDump.Range r : d.ranges(8)) {          // up to 8 ranges, each starting at a <page>
 *     try (Articles a = MultistreamDump.open(r)) { ... } // that range's articles, in dump order
 * }
 * }</pre>
 *
 * Memory is bounded: the scan holds one stream at a time ({@link ParallelBzip2InputStream#streamStarts}), the header
 * is at most {@link #MAX_HEADER} bytes, and a range is decompressed as it is read.
 */
public final class MultistreamDump {
    /** Decompressed bytes of the header (everything before the first {@code <page>}) at most. */
    static final int MAX_HEADER = 1 << 20;
    private static final byte[] FOOTER = "</mediawiki>\n".getBytes(StandardCharsets.UTF_8);

    /** Streams {@code [start, end)} (byte offsets) of {@code file}; {@code header} goes before them unless start is 0. */
    public record Range(String file, long start, long end, boolean last, byte[] header) implements Serializable {
        /** How messages name the range. */
        public String name() {
            return file + " (bytes " + start + "-" + end + ")";
        }
    }

    private final Path file;
    private final long[] starts;
    private final long size;
    private final byte[] header;

    private MultistreamDump(Path file, long[] starts, long size, byte[] header) {
        this.file = file;
        this.starts = starts;
        this.size = size;
        this.header = header;
    }

    /**
     * The dump {@code file} as streams that can be read apart, or null when it cannot be split: not bzip2, one stream
     * (or a stream longer than ParallelBzip2InputStream's MAX_PIECE), fewer than 3 streams, not a MediaWiki dump, or a
     * first stream that holds no whole header (the root element and siteinfo in UTF-8, before any page).
     */
    public static MultistreamDump scan(Path file) throws IOException {
        long[] starts;
        long size;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            InputStream raw = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
            byte[] magic = raw.readNBytes(3);
            if (!Arrays.equals(magic, "BZh".getBytes(StandardCharsets.US_ASCII))) {
                return null;
            }
            starts = ParallelBzip2InputStream.streamStarts(
                    new java.io.SequenceInputStream(new ByteArrayInputStream(magic), raw));
        }
        if (starts == null || starts.length < 3) {
            return null;
        }
        byte[] first;
        try (InputStream in = decoded(file, 0, starts[1])) {
            first = in.readNBytes(MAX_HEADER + 1);
        }
        if (first.length > MAX_HEADER || !DumpFormat.isDump(new BufferedInputStream(new ByteArrayInputStream(first)))) {
            return null;
        }
        int page = indexOfPage(first, 0);
        return new MultistreamDump(file, starts, size, page < 0 ? first : Arrays.copyOf(first, page));
    }

    /** bzip2 streams in the file. */
    public int streams() {
        return starts.length;
    }

    /**
     * The file cut into at most {@code parts} ranges of whole streams (about as many streams each; the last stream,
     * Wikimedia's footer, never alone), each range after the first starting with a {@code <page>}; null when a cut
     * would fall inside a page (streams cut at a byte count, as by pbzip2): then the file is only read whole.
     */
    public List<Range> ranges(int parts) throws IOException {
        int n = starts.length;
        int p = Math.max(1, Math.min(parts, n - 1));
        List<Range> out = new ArrayList<>(p);
        long from = 0;
        for (int i = 1; i <= p; i++) {
            int cut = i == p ? n : (int) ((long) i * n / p); // stream index where range i-1 ends
            long end = cut == n ? size : starts[cut];
            if (cut < n && !startsWithPage(end)) {
                return null;
            }
            out.add(new Range(file.toString(), from, end, cut == n, from == 0 ? new byte[0] : header));
            from = end;
        }
        return Collections.unmodifiableList(out);
    }

    /** The articles of one range, in dump order; errors name the range. */
    public static Articles open(Range r) throws IOException {
        InputStream body = decoded(Path.of(r.file()), r.start(), r.end());
        List<InputStream> parts = new ArrayList<>(List.of(new ByteArrayInputStream(r.header()), body));
        if (!r.last()) {
            parts.add(new ByteArrayInputStream(FOOTER));
        }
        InputStream all = new java.io.SequenceInputStream(Collections.enumeration(parts));
        return Articles.open(new BufferedInputStream(all, 1 << 16), r.name());
    }

    /** Does the stream at {@code offset} start (after white space) with a {@code <page>} element? */
    private boolean startsWithPage(long offset) throws IOException {
        byte[] head;
        try (InputStream in = decoded(file, offset, size)) {
            head = in.readNBytes(256);
        }
        int i = 0;
        while (i < head.length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\n' || head[i] == '\r')) {
            i++;
        }
        return indexOfPage(head, i) == i;
    }

    /** Where the first {@code <page>} or {@code <page ...>} tag at or after {@code from} starts, or -1. */
    static int indexOfPage(byte[] b, int from) {
        outer:
        for (int i = from; i + 6 <= b.length; i++) {
            for (int k = 0; k < 5; k++) {
                if (b[i + k] != "<page".charAt(k)) {
                    continue outer;
                }
            }
            byte c = b[i + 5];
            if (c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                return i;
            }
        }
        return -1;
    }

    /** The decompressed bytes of the streams in {@code [start, end)} of {@code file}, read as they are needed. */
    private static InputStream decoded(Path file, long start, long end) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ).position(start);
        InputStream raw = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
        InputStream bounded = new java.io.FilterInputStream(raw) { // the range's bytes only
            private long left = end - start;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
        try {
            return new BZip2CompressorInputStream(bounded, true);
        } catch (IOException e) {
            bounded.close();
            throw new IOException(Inputs.reason(e), e);
        }
    }
}
