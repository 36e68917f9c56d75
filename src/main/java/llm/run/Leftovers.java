package llm.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a command is about to create in an output directory, so that a failure before the real work starts
 * ({@link #remove}) leaves the directory as it found it: the named entries that did not exist yet are deleted, and the
 * directory itself when this command created it and it is empty again. Entries that existed before are never touched.
 * After {@link #keep} nothing is removed (the output then belongs to the run, e.g. its checkpoints).
 */
final class Leftovers {
    /** Nothing to remove (a resumed run's directory is the run's); still tells whether {@link #keep} was called. */
    static Leftovers none() {
        return new Leftovers(null, List.of(), false);
    }

    private final Path dir;
    private final List<Path> fresh;
    private final boolean freshDir;
    private boolean kept;
    private boolean removedByHook;
    private Runnable onRemove = () -> {};
    private Runnable onClaim = () -> {};
    private final List<Path> also = new ArrayList<>();

    private Leftovers(Path dir, List<Path> fresh, boolean freshDir) {
        this.dir = dir;
        this.fresh = fresh;
        this.freshDir = freshDir;
    }

    /** Notes which of {@code names} (files or directories in {@code dir}) do not exist yet. Call before writing. */
    static Leftovers of(Path dir, String... names) {
        List<Path> fresh = new ArrayList<>();
        for (String n : names) {
            Path p = dir.resolve(n);
            if (!Files.exists(p)) {
                fresh.add(p);
            }
        }
        return new Leftovers(dir, fresh, !Files.exists(dir));
    }

    /** Runs after {@link #remove} has removed what the command wrote (e.g. to put back what it had set aside). */
    Leftovers onRemove(Runnable r) {
        this.onRemove = r;
        return this;
    }

    /** Runs when {@link #claim} succeeds. */
    Leftovers onClaim(Runnable r) {
        this.onClaim = r;
        return this;
    }

    /** One more entry created after {@link #of} (inside a directory that existed), removed with the rest. */
    synchronized void alsoRemove(Path p) {
        also.add(p);
    }

    /** From now on the output stays, whatever happens. */
    synchronized void keep() {
        kept = true;
    }

    /**
     * Like {@link #keep}, unless a shutdown hook has already removed the output ({@link #removeUnlessKept}).
     *
     * @return whether the output is now the command's (false: a signal's hook cleaned up first; stop)
     */
    synchronized boolean claim() {
        if (removedByHook) {
            return false;
        }
        if (!kept) {
            kept = true;
            onClaim.run();
        }
        return true;
    }

    /**
     * For a shutdown hook: {@link #remove} unless {@link #keep} was called; from then on nothing is kept.
     *
     * @return whether it was not kept (the command had not started its real work)
     */
    synchronized boolean removeUnlessKept() {
        if (kept) {
            return false;
        }
        remove();
        kept = true; // the hook and a failing main thread must not both report
        removedByHook = true;
        return true;
    }

    /** Deletes what was created since {@link #of} (best effort: a failure to delete is not reported). */
    synchronized void remove() {
        if (kept || dir == null) {
            return;
        }
        for (Path p : also) {
            deleteTree(p);
        }
        for (Path p : fresh) {
            deleteTree(p);
        }
        onRemove.run();
        if (freshDir) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isEmpty()) {
                    Files.delete(dir);
                }
            } catch (IOException | UncheckedIOException e) {
                // leave it
            }
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.deleteIfExists(q);
                } catch (IOException e) {
                    // leave it
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // leave it
        }
    }
}
