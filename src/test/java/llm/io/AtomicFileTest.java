package llm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @Test
    void theFileGetsTheUmasksPermissionsNotPrivateOnes(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "not POSIX");
        Path plain = dir.resolve("plain.txt");
        Files.writeString(plain, "x"); // created as a shell redirect would create it
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        Assumptions.assumeTrue(expected.contains(PosixFilePermission.OTHERS_READ), "umask hides files from others");
        Path f = dir.resolve("tokenizer.json");
        AtomicFile.writeString(f, "{}");
        assertEquals("{}", Files.readString(f));
        assertEquals(expected, Files.getPosixFilePermissions(f));
    }

    @Test
    void closingWithoutCommitLeavesNothing(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("out.bin");
        try (AtomicFile a = new AtomicFile(f)) {
            a.stream().write(1);
        }
        assertFalse(Files.exists(f));
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }
}
