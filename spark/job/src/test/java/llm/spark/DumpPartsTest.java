package llm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import llm.data.wiki.MultistreamDump;
import org.junit.jupiter.api.Test;

/** Which inputs the executors read as ranges of bzip2 streams, and which the driver reads whole. */
class DumpPartsTest {
    @Test
    void aMultistreamDumpIsSplitOtherInputsAreNot() throws IOException {
        Path multi = llm.cli.SparkJobTestAccess.multistream();
        Path single = Path.of(System.getProperty("llm.shared", "../shared"), "data/wikipedia-dumps/"
                + "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2");
        List<MultistreamDump.Range> r = DumpParts.plan(List.of(multi.toString()), null, null, null, 4);
        assertNotNull(r);
        assertEquals(4, r.size()); // fewer than 400 streams: the minimum
        assertEquals(Files.size(multi), r.get(3).end());
        assertEquals(3, DumpParts.plan(List.of(multi.toString()), null, null, 3, 4).size()); // --partitions
        assertNull(DumpParts.plan(List.of(single.toString()), null, null, null, 4)); // one stream
        assertNull(DumpParts.plan(List.of(multi.toString()), 5L, null, null, 4)); // --limit: in order, on the driver
        assertNull(DumpParts.plan(List.of(multi.toString()), null, "text", null, 4)); // JSON Lines
        assertNull(DumpParts.plan(List.of("-"), null, null, null, 4));
    }
}
