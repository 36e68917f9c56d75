package llm.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;
import llm.UserException;

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
    private final Path shown;
    private final Path temp;
    private final OutputStream stream;
    private boolean committed;

    public AtomicFile(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        this.shown = target;
        this.temp = createTemp(target);
        this.stream = Files.newOutputStream(temp);
    }

    /**
     * Creates an empty temporary file beside {@code target}, with the user's umask (not {@link
     * Files#createTempFile}'s private 0600, which the renamed file would keep). A target that cannot be written is a
     * one-line {@link UserException} naming it.
     */
    public static Path createTemp(Path target) {
        if (Files.isDirectory(target)) {
            throw UserException.runtime(target + ": is a directory");
        }
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            while (true) {
                Path t = dir.resolve("." + target.getFileName() + "."
                        + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
                try {
                    return Files.createFile(t);
                } catch (FileAlreadyExistsException e) {
                    // another writer's temp name: draw again
                }
            }
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
    }

    /** {@code target: cannot write (why)}, as a one-line runtime error. */
    public static UserException cannotWrite(Path target, IOException e) {
        String why = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileAlreadyExistsException f ? f.getFile() + " is not a directory" // createDirectories
                : e instanceof NoSuchFileException ? "cannot create a file in " + target.toAbsolutePath().getParent()
                : e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : String.valueOf(e.getMessage());
        return UserException.runtime(target + ": cannot write (" + why + ")", e);
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
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw cannotWrite(shown, e);
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
