package llm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import llm.UserException;
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

    @Test
    void aSymbolicLinkIsFollowedAndKept(@TempDir Path dir) throws Exception {
        Path real = Files.writeString(dir.resolve("real.bin"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.bin"), Path.of("real.bin"));
        AtomicFile.writeString(link, "new");
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertEquals("new", Files.readString(real));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.bin"), Path.of("made.bin"));
        AtomicFile.writeString(dangling, "made");
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals("made", Files.readString(dir.resolve("made.bin")));
        try (var s = Files.list(dir)) {
            assertEquals(4, s.count(), "no temporary file left");
        }
    }

    /** A named pipe, read by another thread; null when mkfifo is not there. */
    private static Path fifo(Path dir) throws Exception {
        Path f = dir.resolve("ff");
        try {
            Process p = new ProcessBuilder("mkfifo", f.toString()).redirectErrorStream(true).start();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return f;
            }
        } catch (java.io.IOException e) {
            // no mkfifo
        }
        return null;
    }

    private static CompletableFuture<byte[]> readAll(Path f) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(f)) {
                return in.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void aNamedPipeIsWrittenThroughNotReplaced(@TempDir Path dir) throws Exception {
        Path f = fifo(dir);
        Assumptions.assumeTrue(f != null, "no mkfifo");
        CompletableFuture<byte[]> got = readAll(f);
        AtomicFile.writeString(f, "through the pipe");
        assertEquals("through the pipe", new String(got.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        assertTrue(Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther(), "still a named pipe");
        // seekable (a shard's header written last): the bytes reach the pipe at commit, in order
        got = readAll(f);
        try (AtomicFile a = AtomicFile.seekable(f)) {
            a.channel().write(ByteBuffer.wrap("....".getBytes(StandardCharsets.UTF_8)));
            a.stream().write("body".getBytes(StandardCharsets.UTF_8));
            a.channel().write(ByteBuffer.wrap("HEAD".getBytes(StandardCharsets.UTF_8)), 0);
            a.commit();
        }
        assertEquals("HEADbody", new String(got.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file beside the pipe");
        }
    }

    @Test
    void aDescriptorIsWrittenThroughAfterWhatIsThere(@TempDir Path dir) throws Exception {
        Path procFd = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(procFd), "no /proc/self/fd");
        Path file = dir.resolve("stdout.txt");
        try (FileOutputStream out = new FileOutputStream(file.toFile())) {
            out.write("first\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Path fd = null;
            try (var s = Files.list(procFd)) {
                for (Path p : s.toList()) {
                    try {
                        if (Files.readSymbolicLink(p).equals(file.toRealPath())) {
                            fd = p;
                        }
                    } catch (java.io.IOException e) {
                        // closed meanwhile
                    }
                }
            }
            Assumptions.assumeTrue(fd != null, "the file's descriptor is not listed");
            AtomicFile.writeString(Path.of("/dev/fd").resolve(fd.getFileName()), "second\n"); // as >(...) names it
        }
        assertEquals("first\nsecond\n", Files.readString(file));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void aMissingDirectoryIsAnErrorNotCreated(@TempDir Path dir) {
        Path out = dir.resolve("nosuchdir").resolve("x.bin");
        UserException e = assertThrows(UserException.class, () -> AtomicFile.writeString(out, "x"));
        assertEquals(out + ": no such directory (" + out.getParent() + ")", e.getMessage());
        assertEquals(1, e.exitCode());
        assertFalse(Files.exists(out.getParent()));
        assertThrows(UserException.class, () -> AtomicFile.createTemp(out));
        assertFalse(Files.exists(out.getParent()));
    }

    @Test
    void openTemporaryFilesAreDeletedAtExitAndForgottenWhenDone(@TempDir Path dir) throws Exception {
        AtomicFile kept = new AtomicFile(dir.resolve("done.bin"));
        kept.stream().write(1);
        kept.commit();
        AtomicFile dropped = new AtomicFile(dir.resolve("dropped.bin"));
        dropped.close();
        AtomicFile open = new AtomicFile(dir.resolve("open.bin"));
        open.stream().write(2);
        Set<Path> temps = AtomicFile.openTemps();
        try (var s = Files.list(dir)) {
            assertEquals(Set.of("done.bin", "open.bin"), Set.copyOf(s.map(p -> p.getFileName().toString()
                    .replaceFirst("^\\.(.*)\\.[0-9a-z]+\\.tmp$", "$1")).toList()));
        }
        assertTrue(temps.stream().anyMatch(t -> t.getParent().equals(dir.toAbsolutePath())
                && t.getFileName().toString().startsWith(".open.bin.")), temps.toString());
        assertFalse(temps.stream().anyMatch(t -> t.getFileName().toString().startsWith(".done.bin.")
                || t.getFileName().toString().startsWith(".dropped.bin.")), temps.toString());
        AtomicFile.deleteOpenTemps(); // what the shutdown hook does on Ctrl-C
        try (var s = Files.list(dir)) {
            assertEquals(List.of("done.bin"), s.map(p -> p.getFileName().toString()).toList());
        }
        open.close();
    }

    @Test
    void theCleanupWaitsForWritesThatFinishOnShutdown(@TempDir Path dir) throws Exception {
        AtomicFile saving = new AtomicFile(dir.resolve("checkpoint.bin"));
        Thread hook;
        try (AtomicFile.Deferral d = AtomicFile.deferCleanup()) {
            hook = new Thread(AtomicFile::deleteOpenTemps);
            hook.start();
            hook.join(300);
            assertTrue(hook.isAlive(), "the cleanup waits while a deferral is held");
            saving.stream().write(new byte[] {1, 2, 3});
            saving.commit(); // the temporary file it writes is still there to be renamed
        }
        hook.join(30_000);
        assertFalse(hook.isAlive());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("checkpoint.bin")));
    }
}
