package llm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path tmp;

    @Test
    void theFileGetsTheSamePermissionsAsAnyNewFileAndNoTempFileStays() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "not POSIX");
        Path plain = Files.writeString(tmp.resolve("plain.txt"), "x"); // what the umask gives a new file
        Path atomic = tmp.resolve("atomic.txt");
        AtomicFile.writeString(atomic, "y");
        assertEquals("y", Files.readString(atomic));
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(atomic)));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("atomic.txt", "plain.txt"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }
}
