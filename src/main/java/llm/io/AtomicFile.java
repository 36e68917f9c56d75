package llm.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old file or the complete new one, never a half-written one:
 * the bytes go to a temporary file in the same directory, which is renamed over the target on {@link #commit()}.
 * Closing without commit deletes the temporary file.
 *
 * <pre>{@code
 * try (AtomicFile f = new AtomicFile(path)) {
 *     write(f.stream());
 *     f.commit();
 * }
 * }</pre>
 */
public final class AtomicFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final OutputStream stream;
    private boolean committed;

    public AtomicFile(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        Path dir = this.target.getParent();
        Files.createDirectories(dir);
        // not Files.createTempFile: it makes the file private (0600), and the renamed file would stay so; a file
        // created plainly gets the user's umask, as a shell redirect or cp would give it
        Path t;
        OutputStream s;
        while (true) {
            t = dir.resolve("." + this.target.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                    + ".tmp");
            try {
                s = Files.newOutputStream(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                break;
            } catch (FileAlreadyExistsException e) {
                // another writer's temp name: draw again
            }
        }
        this.temp = t;
        this.stream = s;
    }

    public OutputStream stream() {
        return stream;
    }

    public Path target() {
        return target;
    }

    public void commit() throws IOException {
        stream.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    /** Write {@code bytes} to {@code target} atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        try (AtomicFile f = new AtomicFile(target)) {
            f.stream().write(bytes);
            f.commit();
        }
    }

    /** Write {@code text} as UTF-8 to {@code target} atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                stream.close();
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }
}
