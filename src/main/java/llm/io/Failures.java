package llm.io;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

/** An unexpected failure said in words for the one line on stderr, without Java class names where it can be. */
public final class Failures {
    private Failures() {}

    /**
     * A file-system failure that no command turned into a {@link llm.UserException}, said as {@code FILE: what} (e.g.
     * {@code out: not a directory}) instead of a Java class name; null when {@code ex} is not one.
     */
    public static String fileProblem(Throwable ex) {
        for (Throwable c = ex; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof FileSystemException f && f.getFile() != null) {
                String what;
                if (c instanceof NoSuchFileException) {
                    what = "no such file or directory";
                } else if (c instanceof FileAlreadyExistsException) {
                    what = "already exists (and is not what was expected there)";
                } else if (c instanceof AccessDeniedException) {
                    what = "permission denied";
                } else if (c instanceof NotDirectoryException) {
                    what = "not a directory";
                } else if (c instanceof DirectoryNotEmptyException) {
                    what = "directory not empty";
                } else {
                    what = f.getReason() != null ? f.getReason().toLowerCase(Locale.ROOT) : "cannot access";
                }
                return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + what;
            }
        }
        return null;
    }

    /**
     * An unexpected failure in words: its message, without the Java class name ("unexpected end of compressed data",
     * not "EOFException: unexpected end of compressed data"); a wrapper whose message is only its cause's
     * {@code Class: message} says the cause's. The class name only when there is no message at all.
     */
    public static String describe(Throwable ex) {
        Throwable t = ex;
        while (t.getCause() != null && t.getCause() != t
                && (t.getMessage() == null || t.getMessage().isBlank() || t.getMessage().equals(t.getCause().toString())
                        || t instanceof UncheckedIOException
                        || t instanceof ExecutionException)) {
            t = t.getCause();
        }
        return Inputs.reason(t);
    }
}
