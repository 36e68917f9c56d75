package llm.io;

import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import llm.UserException;

/**
 * Writes a file so that readers see either the old file or the complete new one, never a half-written one:
 * the bytes go to a temporary file in the same directory, which is renamed over the target on {@link #commit()}.
 * Closing without commit deletes the temporary file; so does the end of the JVM (Ctrl-C, SIGTERM): one shutdown hook
 * deletes the temporary files still open.
 *
 * <p>Only a regular file, or a name that does not exist yet, is replaced that way. A symbolic link is followed: its
 * target is replaced (the temporary file goes beside the target), the link stays. Anything else that exists — a
 * device ({@code /dev/null}), a named pipe, a process substitution or descriptor ({@code /dev/fd/N},
 * {@code /proc/self/fd/N}, {@code /dev/stdout}) — is written through directly, as a shell's {@code >} would: no
 * temporary file, no rename. The directory the file goes in must exist: a mistyped one is an error, not created.
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
    /** Where the temporary file is renamed to: the target with its symbolic links resolved; null when written through. */
    private final Path dest;
    /** The temporary file: beside {@link #dest}, or (a seekable file written through) in java.io.tmpdir; or null. */
    private final Path temp;
    private final FileChannel channel;
    /** Written through: the target itself, opened (for a seekable file, copied to from the temporary on commit). */
    private final OutputStream through;
    private final OutputStream stream;
    private boolean committed;

    public AtomicFile(Path target) throws IOException {
        this(target, false);
    }

    /**
     * An atomic file whose bytes can also be written at any position through {@link #channel()} (a header filled in
     * at the end). A target written through (a device, a pipe) gets them at commit, from a temporary file.
     */
    public static AtomicFile seekable(Path target) throws IOException {
        return new AtomicFile(target, true);
    }

    private AtomicFile(Path target, boolean seekable) throws IOException {
        this.target = target.toAbsolutePath();
        this.shown = target;
        Plan plan = plan(target);
        if (plan.dest != null) {
            this.dest = plan.dest;
            this.through = null;
            this.temp = register(createTempBeside(plan.dest, target));
        } else {
            this.dest = null;
            this.through = openThrough(target, plan.append);
            if (seekable) {
                Path t;
                try {
                    t = register(Files.createTempFile("llm-out-", ".tmp"));
                } catch (IOException e) {
                    closeQuietly(through);
                    throw UserException.runtime(target + ": cannot create a temporary file in "
                            + System.getProperty("java.io.tmpdir") + " (" + Inputs.reason(e) + ")", e);
                }
                this.temp = t;
            } else {
                this.temp = null;
            }
        }
        if (temp != null) {
            FileChannel ch;
            try {
                ch = FileChannel.open(temp, StandardOpenOption.WRITE);
            } catch (IOException e) {
                forget(temp);
                Files.deleteIfExists(temp);
                closeQuietly(through);
                throw cannotWrite(target, e);
            }
            this.channel = ch;
            this.stream = named(Channels.newOutputStream(ch));
        } else {
            this.channel = null;
            this.stream = named(through);
        }
    }

    /** How a target is written: renamed over {@code dest}, or (dest null) written through, appending or not. */
    private record Plan(Path dest, boolean append) {}

    private static Plan plan(Path target) {
        Path p = target.toAbsolutePath();
        try {
            for (int hops = 0; ; hops++) {
                if (isDescriptor(p)) { // /dev/stdout, /dev/fd/N: the descriptor's open file, whatever it is
                    if (Files.isDirectory(p)) {
                        throw UserException.runtime(target + ": is a directory");
                    }
                    return new Plan(null, Files.isRegularFile(p)); // a file the shell opened: after what is there
                }
                if (!Files.isSymbolicLink(p)) {
                    break;
                }
                if (hops >= 40) {
                    throw UserException.runtime(target + ": cannot write (too many levels of symbolic links)");
                }
                p = p.resolveSibling(Files.readSymbolicLink(p));
            }
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                a = null;
            } catch (FileSystemException e) {
                if (p.getParent() == null || Files.isDirectory(p.getParent())) {
                    throw e;
                }
                a = null; // "Not a directory": said below
            }
            if (a != null && a.isDirectory()) {
                throw UserException.runtime(target + ": is a directory");
            }
            if (a != null && !a.isRegularFile()) {
                return new Plan(null, false); // a device, a named pipe, a socket: written through
            }
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
        Path dir = p.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Path dirShown = p.equals(target.toAbsolutePath()) && target.getParent() != null ? target.getParent() : dir;
            throw UserException.runtime(target + (Files.exists(dir) ? ": cannot write (" + dirShown
                    + " is not a directory)" : ": no such directory (" + dirShown + ")"));
        }
        return new Plan(p, false);
    }

    /** Is {@code p} an entry of a process's descriptor directory ({@code /proc/PID/fd}, which /dev/fd links to)? */
    private static boolean isDescriptor(Path p) {
        Path dir = p.getParent();
        if (dir == null || !dir.isAbsolute() || !p.getFileSystem().equals(java.nio.file.FileSystems.getDefault())) {
            return false;
        }
        String d = dir.toString();
        if (!d.startsWith("/proc/") && !d.startsWith("/dev/")) {
            return false;
        }
        try {
            return dir.toRealPath().toString().matches("/proc/[^/]+(/task/[^/]+)?/fd");
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static OutputStream openThrough(Path target, boolean append) {
        try {
            return new FileOutputStream(target.toFile(), append);
        } catch (FileNotFoundException e) {
            throw cannotWrite(target, e);
        }
    }

    /**
     * Creates an empty temporary file beside {@code target} (beside the file a symbolic link points to), with the
     * user's umask (not {@link Files#createTempFile}'s private 0600, which the renamed file would keep). A target that
     * cannot be written, or whose directory does not exist, is a one-line {@link UserException} naming it. The
     * caller renames or deletes it; it is not deleted at exit (an {@code AtomicFile}'s own temporary file is).
     */
    public static Path createTemp(Path target) {
        Plan plan = plan(target);
        if (plan.dest == null) {
            throw UserException.runtime(target + ": cannot write (not a regular file: it is written through, not "
                    + "replaced)");
        }
        return createTempBeside(plan.dest, target);
    }

    private static Path createTempBeside(Path dest, Path shown) {
        Path dir = dest.getParent();
        try {
            while (true) {
                Path t = dir.resolve("." + dest.getFileName() + "."
                        + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
                try {
                    return Files.createFile(t);
                } catch (FileAlreadyExistsException e) {
                    // another writer's temp name: draw again
                }
            }
        } catch (IOException e) {
            throw cannotWrite(shown, e);
        }
    }

    /** {@code target: cannot write (why)}, as a one-line runtime error. */
    public static UserException cannotWrite(Path target, IOException e) {
        String why = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileAlreadyExistsException f ? f.getFile() + " is not a directory"
                : e instanceof NoSuchFileException ? "cannot create a file in " + target.toAbsolutePath().getParent()
                : e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : e instanceof FileNotFoundException && e.getMessage() != null && e.getMessage().endsWith(")")
                        && e.getMessage().contains(" (") // "/dev/x (Permission denied)"
                        ? e.getMessage().substring(e.getMessage().lastIndexOf(" (") + 2, e.getMessage().length() - 1)
                : Inputs.reason(e);
        return UserException.runtime(target + ": cannot write (" + why + ")", e);
    }

    /** Where the bytes go until {@link #commit()}. */
    public OutputStream stream() {
        return stream;
    }

    /**
     * The temporary file's channel, to write at a position (the stream writes at the channel's position). Only for a
     * file made by {@link #seekable} or one that is not written through.
     */
    public FileChannel channel() {
        if (channel == null) {
            throw new IllegalStateException(shown + " is written through: no channel (open it with seekable)");
        }
        return channel;
    }

    public Path target() {
        return target;
    }

    public void commit() throws IOException {
        if (committed) {
            return;
        }
        stream.close();
        if (dest != null) {
            try {
                try {
                    Files.move(temp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw cannotWrite(shown, e);
            }
            forget(temp);
        } else if (temp != null) { // seekable, written through: now the bytes go to the target
            try (InputStream in = Files.newInputStream(temp)) {
                in.transferTo(through);
                through.close();
            } catch (IOException e) {
                throw cannotWrite(shown, e);
            } finally {
                Files.deleteIfExists(temp);
                forget(temp);
            }
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
            committed = true; // (a second close does nothing)
            try {
                stream.close();
            } finally {
                if (through != null && temp != null) {
                    closeQuietly(through);
                }
                if (temp != null) {
                    Files.deleteIfExists(temp);
                    forget(temp);
                }
            }
        }
    }

    /** The stream's errors name the file ({@code out.bin: No space left on device}), still as IOExceptions. */
    private OutputStream named(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                naming(() -> out.write(b));
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                naming(() -> out.write(b, off, len));
            }

            @Override
            public void flush() throws IOException {
                naming(out::flush);
            }

            @Override
            public void close() throws IOException {
                naming(out::close);
            }
        };
    }

    /** One call on the file's stream. */
    private interface IoCall {
        void run() throws IOException;
    }

    /** Run {@code call}; its IOException, if any, is rethrown naming the file. */
    private void naming(IoCall call) throws IOException {
        try {
            call.run();
        } catch (IOException e) {
            throw named(e);
        }
    }

    private IOException named(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return e;
        }
        FileSystemException x = new FileSystemException(shown.toString(), null, Inputs.reason(e));
        x.initCause(e);
        return x;
    }

    private static void closeQuietly(OutputStream out) {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // an abandoned output: what it says no longer matters
        }
    }

    // ---- temporary files deleted at exit ---------------------------------------------------------------------------

    /** The temporary files of open AtomicFiles, deleted by the shutdown hook. */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
    private static final Object LOCK = new Object();
    private static boolean hooked; // guarded by LOCK
    private static int deferrals; // guarded by LOCK
    /** How long the hook waits for a {@link #deferCleanup} holder to finish its writes. */
    private static final long DEFER_LIMIT_MS = 150_000;

    private static Path register(Path temp) {
        synchronized (LOCK) {
            if (!hooked) {
                hooked = true;
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(new Cleanup(), "llm-temp-cleanup"));
                } catch (IllegalStateException exiting) {
                    // the JVM is already exiting: the owner deletes its file
                }
            }
        }
        OPEN.add(temp);
        return temp;
    }

    private static void forget(Path temp) {
        OPEN.remove(temp);
    }

    /** The temporary files open now (tests). */
    static Set<Path> openTemps() {
        return Set.copyOf(OPEN);
    }

    /**
     * For code that finishes its writes when the JVM is asked to exit (train saves a checkpoint on Ctrl-C from its own
     * shutdown hook): until the returned handle is closed, the shutdown hook waits (up to 150 s) before deleting
     * temporary files, instead of deleting the checkpoint being written.
     */
    public static Deferral deferCleanup() {
        synchronized (LOCK) {
            deferrals++;
        }
        return new Deferral();
    }

    /** See {@link #deferCleanup}; closing it twice is harmless. */
    public static final class Deferral implements AutoCloseable {
        private boolean closed;

        private Deferral() {}

        @Override
        public void close() {
            synchronized (LOCK) {
                if (!closed) {
                    closed = true;
                    deferrals--;
                    LOCK.notifyAll();
                }
            }
        }
    }

    /** Delete the temporary files still open (after any {@link #deferCleanup} holders finished). */
    static void deleteOpenTemps() {
        long until = System.currentTimeMillis() + DEFER_LIMIT_MS;
        synchronized (LOCK) {
            for (long left = DEFER_LIMIT_MS; deferrals > 0 && left > 0; left = until - System.currentTimeMillis()) {
                try {
                    LOCK.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (Path t : Set.copyOf(OPEN)) {
            try {
                Files.deleteIfExists(t);
            } catch (IOException ignored) {
                // exiting: nothing more to do
            }
            OPEN.remove(t);
        }
    }

    /** The shutdown hook (a class, not a lambda: no lambda bootstrap at start-up). */
    private static final class Cleanup implements Runnable {
        @Override
        public void run() {
            deleteOpenTemps();
        }
    }
}
