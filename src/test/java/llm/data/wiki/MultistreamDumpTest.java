package llm.data.wiki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import llm.io.Inputs;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared dump re-packed as multistream, cut into ranges: the ranges' articles, in order, are the file's. */
class MultistreamDumpTest {
    private static Path dump() {
        Assumptions.assumeTrue(Files.isRegularFile(SharedDumpTest.DUMP), "../shared not present");
        return SharedDumpTest.DUMP;
    }

    private static List<Article> whole(Path file) throws IOException {
        List<Article> out = new ArrayList<>();
        try (Articles a = Articles.open(new BufferedInputStream(Inputs.open(file.toString())), file.toString())) {
            a.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void rangesReadTheSameArticlesAsTheWholeFile(@TempDir Path tmp) throws IOException {
        Path multi = SharedDumpTest.multistream(tmp.resolve("multi.xml.bz2"));
        List<Article> want = whole(dump());
        MultistreamDump d = MultistreamDump.scan(multi);
        assertNotNull(d);
        int pages = 0;
        try (InputStream in = Inputs.open(multi.toString())) {
            pages = (int) new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("<page>", -1)
                    .length - 1;
        }
        assertEquals(2 + (pages + 99) / 100, d.streams()); // header, 100 pages each, footer
        List<MultistreamDump.Range> ranges = d.ranges(4);
        assertEquals(4, ranges.size());
        List<Article> got = new ArrayList<>();
        for (MultistreamDump.Range r : ranges) {
            try (Articles a = MultistreamDump.open(r)) {
                a.forEachRemaining(got::add);
            }
        }
        assertEquals(want, got);
        List<MultistreamDump.Range> all = d.ranges(1000); // one stream each, the footer with the last pages
        assertEquals(d.streams() - 1, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i == 0 ? 0 : all.get(i - 1).end(), all.get(i).start());
            assertEquals(i == all.size() - 1, all.get(i).last());
        }
        assertEquals(Files.size(multi), all.get(all.size() - 1).end());
    }

    @Test
    void aSingleStreamDumpIsNotSplit() throws IOException {
        assertNull(MultistreamDump.scan(dump()));
    }

    /** Streams cut at a byte count (as pbzip2 cuts), not between pages: read whole, never split mid-page. */
    @Test
    void streamsCutInsidePagesAreNotSplit(@TempDir Path tmp) throws IOException {
        byte[] xml;
        try (InputStream in = Inputs.open(dump().toString())) {
            xml = in.readAllBytes();
        }
        Path cut = tmp.resolve("pbzip2.xml.bz2");
        try (var out = Files.newOutputStream(cut)) {
            for (int at = 0; at < xml.length; at += 200_000) {
                var z = new BZip2CompressorOutputStream(new java.io.FilterOutputStream(out) {
                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                z.write(xml, at, Math.min(200_000, xml.length - at));
                z.close();
            }
        }
        MultistreamDump d = MultistreamDump.scan(cut);
        assertNotNull(d);
        assertNull(d.ranges(4));
    }
}
