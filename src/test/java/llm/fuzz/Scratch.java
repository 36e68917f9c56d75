package llm.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One temporary folder per JVM for the files that targets hand to path-based parsers (the commands read files, not
 * byte arrays); each input overwrites the last. Deleted at exit. In /dev/shm where there is one: writing and reading
 * back a small file there took 0.06 ms here against 2.8 ms in /tmp (on the container's disk), which set the pace of
 * the file-based targets.
 */
final class Scratch {
    private static Path root;

    private Scratch() {}

    static synchronized Path dir() {
        if (root == null) {
            try {
                Path shm = Path.of("/dev/shm");
                root = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "llm-fuzz-")
                        : Files.createTempDirectory("llm-fuzz-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path r = root;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(r)));
        }
        return root;
    }

    /** A fresh, empty folder {@code name} under the scratch root (emptied when it exists). */
    static Path emptyDir(String name) throws IOException {
        Path d = dir().resolve(name);
        deleteTree(d);
        return Files.createDirectories(d);
    }

    /**
     * {@code data} as the file {@code dir/name}: written beside it, then renamed over it. Not written in place: a
     * reader that memory-maps the file (llama2.c checkpoints) leaves its mappings to the garbage collector, and
     * truncating a file that thousands of mappings still hold took the kernel milliseconds per input (it set the
     * pace of that target); a rename leaves the old file to its mappings.
     */
    static Path file(Path dir, String name, byte[] data) throws IOException {
        Path f = dir.resolve(name);
        Path tmp = Files.write(dir.resolve(name + ".next"), data);
        return Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
