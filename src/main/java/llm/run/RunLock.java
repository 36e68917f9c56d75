package llm.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import llm.UserException;
import llm.io.Inputs;

/**
 * One writer per run directory: an OS file lock ({@code fcntl} through {@link FileChannel#tryLock}) on
 * {@value #FILE} inside {@code --out}, held while {@code llm train} writes there. The kernel drops the lock when the
 * process dies however it dies, so a lock file left behind (after {@code kill -9}) holds nothing and is simply locked
 * again: no stale-lock cleanup. The file says who holds it (PID and start time) for the refusal message. Readers
 * ({@code sample --model}) never look at it.
 *
 * <p>On {@link #close} the file is deleted while still locked, so a finished release has no lock file. A process
 * that opened the old file just before may then lock that deleted file; so after locking, each checks that the path
 * still names the file it opened (device and inode, as a stat right after the open saw them), and starts again
 * otherwise (the usual delete-safe lock-file pattern).
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name inside the run directory. */
    public static final String FILE = ".llm-lock";

    private final Path dir;
    private final Path file;
    private final FileChannel channel;
    private final boolean createdDir;
    private boolean closed;

    private RunLock(Path dir, FileChannel channel, boolean createdDir) {
        this.dir = dir;
        this.file = dir.resolve(FILE);
        this.channel = channel;
        this.createdDir = createdDir;
    }

    /**
     * Locks {@code dir} (created when absent) for this process, or fails at once with one line naming the holder.
     *
     * @param flag the option that named {@code dir} ({@code --out} or {@code --resume}), for the messages
     * @throws UserException exit 2 when another process (or another run in this one) holds the lock; exit 1 when the
     *                       lock file cannot be written
     * @throws IOException   when the directory cannot be created
     */
    public static RunLock acquire(Path dir, String flag) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw UserException.usage(flag + " " + dir + ": exists and is not a directory");
        }
        boolean created = !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
        Files.createDirectories(dir); // (a failure is reported as any file error: exit 1, the path and why)
        Path file = dir.resolve(FILE);
        for (int attempt = 0; ; attempt++) {
            FileChannel channel = open(file, flag, dir);
            Object opened = fileKey(file); // the file just opened (a stat right after the open)
            try {
                FileLock lock = tryLock(channel);
                if (lock == null) {
                    String holder = holder(file);
                    channel.close();
                    removeDirIfEmpty(dir, created);
                    throw UserException.usage(flag + " " + dir + ": another llm train is writing to it (" + holder
                            + "): wait for it to finish, or choose another directory");
                }
                Object locked = fileKey(file);
                // the path still names the file locked (no holder deleted it meanwhile); after 10 tries, a file
                // system without file keys: trust the lock
                if (locked != null && locked.equals(opened) || attempt >= 10) {
                    writeHolder(channel);
                    return new RunLock(dir, channel, created);
                }
                channel.close(); // locked a file its holder had deleted on release: lock the new one
            } catch (IOException e) {
                closeQuietly(channel);
                throw UserException.runtime(file + ": cannot lock the run directory: " + Inputs.reason(e));
            }
        }
    }

    private static FileChannel open(Path file, String flag, Path dir) {
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw UserException.runtime(flag + " " + dir + ": cannot write the lock file " + FILE + ": "
                    + Inputs.reason(e));
        }
    }

    /** The lock, or null when another process holds it (or this one, for another run: the JVM keeps one table). */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            return null;
        }
    }

    /** The file's identity (device and inode), or null when it is gone or cannot be told. */
    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** "PID 1234, started 2026-12-07T04:52:10Z", as the holder wrote it; what is known when it has not yet. */
    static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "a process that is just starting" : text;
        } catch (IOException e) {
            return "PID unknown";
        }
    }

    private static void writeHolder(FileChannel channel) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        String started = self.info().startInstant().map(t -> t.truncatedTo(ChronoUnit.SECONDS).toString())
                .orElse(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " or earlier");
        byte[] line = ("PID " + self.pid() + ", started " + started + "\n").getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(line), 0);
        channel.force(false);
    }

    /** The locked directory. */
    public Path dir() {
        return dir;
    }

    /**
     * Deletes the lock file and lets go of the lock; the directory too when this lock created it and nothing else
     * was written there (a run refused by its checks leaves nothing behind). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Files.deleteIfExists(file); // while still locked: see the class comment
        } catch (IOException e) {
            // left behind: it holds nothing once the channel is closed
        }
        closeQuietly(channel);
        removeDirIfEmpty(dir, createdDir);
    }

    private static void removeDirIfEmpty(Path dir, boolean created) {
        if (!created) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException | RuntimeException e) {
            // not empty, or gone: leave it
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the kernel drops the lock with the descriptor anyway
        }
    }
}
