package llm.run;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import llm.UserException;
import llm.compute.TrainingRun;
import llm.data.DataSpec;
import llm.io.AtomicFile;
import llm.io.Inputs;
import llm.io.JsonProblem;
import llm.io.Log;
import llm.model.Release;
import llm.model.Safetensors;
import llm.train.Checkpoint;

/**
 * A training run's output directory ({@code --out}): the release, the run's own files ({@value #RUN_FILE} with the
 * arguments for {@code --resume}, the checkpoint, metrics) and {@value #DATA_DIR}/ (token shards and the kept copies
 * of stdin and pipes, {@code data/input-N}). Also what a new run does to a directory an earlier run left
 * ({@code --overwrite}: set aside in {@value #PREVIOUS}, put back if the new run never starts).
 */
public final class RunDir {
    public static final String RUN_FILE = "run.json";
    /** Under --out: the tokenized training data (token shards), reused by --resume. */
    public static final String DATA_DIR = "data";
    /** The options --resume lets a user give again, as the help says them. */
    public static final String RESUME_FLAGS_TEXT = "--device, --devices, --threads, --steps, --tokens, --log-every,"
            + " --save-every, --eval-every, -q and -v";
    /** What --resume lets a user give again; everything else is the run's own (run.json). */
    private static final List<String> RESUME_FLAGS = List.of("--device", "--devices", "--threads", "--steps",
            "--tokens", "--log-every", "--save-every", "--eval-every", "-q", "--quiet", "-v", "--verbose", "--resume");
    /** Budget options: a new one given with --resume replaces whichever of them the run was started with. */
    private static final List<String> BUDGET_FLAGS = List.of("--steps", "--tokens");
    /** What a previous run leaves in --out ({@code --overwrite} sets these aside; data/ is reused or replaced). */
    private static final List<String> RUN_FILES = List.of(Release.CONFIG, Release.WEIGHTS, Release.WEIGHTS_INDEX,
            Release.TOKENIZER, TrainingRun.FILE, "metrics.jsonl", "loss.svg", Checkpoint.FILE, RUN_FILE);
    private static final String PREVIOUS = ".llm-previous-run";

    private final Path out;

    public RunDir(Path out) {
        this.out = out;
    }

    /** A new run's --out, checked as given (exit 2 when absent or empty). */
    public static RunDir of(Path out) {
        if (out == null) {
            throw UserException.usage("--out DIR is required (or --resume DIR)");
        }
        if (out.toString().isEmpty()) {
            throw UserException.usage("--out: empty path (give the directory to write the run and its release to)");
        }
        if (out.toString().equals(Inputs.STDIN)) { // '-' is stdout for every other output flag
            throw UserException.usage("--out -: a run is a directory of files, it cannot go to stdout (give a"
                    + " directory)");
        }
        return new RunDir(out);
    }

    public Path path() {
        return out;
    }

    Path resolve(String name) {
        return out.resolve(name);
    }

    /** A new run's arguments as they go into run.json: paths made absolute. */
    public static List<String> runArgs(List<String> given) {
        return RunArgs.absolutePaths(given);
    }

    /**
     * {@code --resume DIR}: the stored arguments merged with those given now.
     *
     * @param dir       the run's directory
     * @param stored    run.json's arguments, kept stdin copies located, the budget dropped when a new one is given
     * @param merged    the arguments to parse: {@code stored}, then those given now without --resume
     * @param now       the arguments given now
     * @param newBudget --steps or --tokens given again (run.json is rewritten with it)
     */
    public record Resume(RunDir dir, List<String> stored, List<String> merged, List<String> now, boolean newBudget) {
        /** What run.json keeps: the stored arguments and a new budget as parsed ({@code steps}, {@code tokens}). */
        public List<String> keptArgs(Long steps, String tokens) {
            List<String> kept = new ArrayList<>(stored);
            if (newBudget) { // run.json keeps the budget this resume asked for, so a plain --resume continues to it
                for (String flag : BUDGET_FLAGS) {
                    if (RunArgs.gives(now, List.of(flag))) {
                        kept.add(flag);
                        kept.add(flag.equals("--steps") ? String.valueOf(steps) : tokens);
                    }
                }
            }
            return kept;
        }
    }

    /** Reads {@code dir}'s run.json and merges it with {@code now}, the arguments given with --resume. */
    public static Resume resume(Path dir, List<String> now) throws IOException {
        if (dir.toString().isEmpty()) {
            throw UserException.usage("--resume: empty path (give the --out directory of the run to continue)");
        }
        Path runFile = dir.resolve(RUN_FILE);
        List<String> stored = readRunFile(runFile);
        for (String arg : now) {
            String name = RunArgs.optionName(arg);
            if (name.startsWith("-") && !RESUME_FLAGS.contains(name)) {
                throw UserException.usage(name + " cannot be changed with --resume (the run keeps its own"
                        + " settings; allowed: " + RESUME_FLAGS_TEXT + ")");
            }
        }
        stored = RunArgs.mapValues(stored, RunArgs.DATA_FLAGS, (flag, value) -> {
            if (value.equals(Inputs.STDIN) || value.startsWith(Inputs.STDIN + ":")) { // from before stdin was kept
                throw UserException.runtime(runFile + ": this run read its data from stdin, of which it kept no copy:"
                        + " it cannot be resumed (start a new run; stdin is now kept under --out/data)");
            }
            return keptCopyIn(dir, value); // a run moved elsewhere: its kept stdin copies moved with it
        });
        boolean newBudget = RunArgs.gives(now, BUDGET_FLAGS);
        if (newBudget) { // --tokens may replace a run's --steps and the other way round
            stored = RunArgs.without(stored, BUDGET_FLAGS);
        }
        List<String> merged = new ArrayList<>(stored);
        for (int i = 0; i < now.size(); i++) {
            if (now.get(i).equals("--resume")) {
                i++;
            } else if (!now.get(i).startsWith("--resume=")) {
                merged.add(now.get(i));
            }
        }
        return new Resume(new RunDir(dir), List.copyOf(stored), merged, now, newBudget);
    }

    private static List<String> readRunFile(Path runFile) throws IOException {
        if (!Files.isRegularFile(runFile)) {
            throw UserException.runtime(runFile + ": not found; --resume needs the --out directory of a run");
        }
        List<String> stored = new ArrayList<>();
        try {
            JsonArray args = JsonParser.parseString(Files.readString(runFile)).getAsJsonObject().getAsJsonArray("args");
            for (JsonElement arg : args) {
                stored.add(arg.getAsString());
            }
        } catch (RuntimeException e) {
            throw UserException.runtime(runFile + ": not a run.json written by llm train ("
                    + (e instanceof JsonParseException ? JsonProblem.describe(e) : "no \"args\" list of strings")
                    + ")");
        }
        return stored;
    }

    /**
     * A --data value naming a kept stdin copy ({@code .../data/input-N[:W]}) that is gone, when the run's directory
     * {@code dir} has that copy (the run was moved): the copy in {@code dir}; any other value as it is.
     */
    private static String keptCopyIn(Path dir, String value) {
        Matcher m = Pattern.compile("^(.*)[/\\\\]" + DATA_DIR + "[/\\\\](input-\\d+)(:[^/\\\\]*)?$").matcher(value);
        if (!m.matches() || Files.exists(Path.of(m.group(1), DATA_DIR, m.group(2)))) {
            return value;
        }
        Path here = dir.resolve(DATA_DIR).resolve(m.group(2));
        return Files.isRegularFile(here) ? here.toAbsolutePath().normalize() + (m.group(3) == null ? "" : m.group(3))
                : value;
    }

    /** run.json: the arguments --resume re-parses. */
    void writeRunFile(List<String> args) throws IOException {
        JsonArray list = new JsonArray();
        args.forEach(list::add);
        JsonObject run = new JsonObject();
        run.add("args", list);
        String json = new GsonBuilder().setPrettyPrinting().create().toJson(run);
        AtomicFile.writeString(out.resolve(RUN_FILE), json + "\n");
    }

    /**
     * Resuming: the checkpoint is there and has not gone past {@code totalSteps} (exit 1, or 2 for the budget).
     */
    void checkResumable(long totalSteps) {
        Path checkpoint = out.resolve(Checkpoint.FILE);
        if (!Files.isRegularFile(checkpoint)) {
            throw UserException.runtime(checkpoint
                    + ": no checkpoint here (the run stopped before its first one; start it again with --out)");
        }
        long done = checkpointStep(checkpoint);
        if (done > totalSteps) {
            throw UserException.usage("the run in " + out + " has done " + done + " steps already, more than the "
                    + totalSteps + " that --steps/--tokens ask for (they count from the run's start): give --steps "
                    + "above " + done + " to continue it");
        }
    }

    /** The optimizer steps a checkpoint has done, from its header alone; -1 when it cannot be told. */
    private static long checkpointStep(Path file) {
        try (Safetensors.Reader reader = new Safetensors.Reader(file)) {
            String state = reader.metadata().get("llm.train.state");
            return state == null ? -1 : JsonParser.parseString(state).getAsJsonObject().get("step").getAsLong();
        } catch (RuntimeException e) {
            return -1; // loading the checkpoint will say what is wrong with it
        }
    }

    /** --out is a directory or absent; a new run without --overwrite finds no checkpoint or release there (exit 2). */
    void checkWritable(boolean resuming, boolean overwrite) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw UserException.usage("--out " + out + ": exists and is not a directory");
        }
        if (resuming || overwrite) {
            return;
        }
        if (Files.exists(out.resolve(Checkpoint.FILE))) {
            throw UserException.usage("--out " + out + " holds a checkpoint already: continue it with --resume "
                    + out + ", choose another --out, or give --overwrite to start over");
        }
        for (String file : List.of(Release.CONFIG, Release.WEIGHTS)) {
            if (Files.exists(out.resolve(file))) {
                throw UserException.usage("--out " + out + " holds a release already (" + file + "): choose another"
                        + " --out, or give --overwrite to replace it");
            }
        }
    }

    /**
     * What a run that fails or is stopped before its first step removes again: for a new run, run.json, the tokenizer
     * and data/ where they did not exist, and a previous run set aside by --overwrite ({@link #setAsidePreviousRun})
     * comes back; it is deleted once the run starts. A resumed run's directory is the run's: nothing is removed.
     */
    Leftovers leftovers(boolean resuming, boolean overwrite) throws IOException {
        if (resuming) {
            return Leftovers.none();
        }
        Path previous = overwrite ? setAsidePreviousRun() : null;
        return Leftovers.of(out, RUN_FILE, Release.TOKENIZER, DATA_DIR)
                .onRemove(() -> restorePreviousRun(previous)).onClaim(() -> deletePrevious(previous));
    }

    /**
     * {@code --overwrite}: when --out holds a run (a release, a checkpoint or run.json), its files are moved into
     * {@code --out/.llm-previous-run}. Files of other names, and data/, are left where they are. Null when there is
     * nothing to move.
     */
    private Path setAsidePreviousRun() throws IOException {
        boolean aRun = Stream.of(Release.CONFIG, Release.WEIGHTS, Checkpoint.FILE, RUN_FILE)
                .anyMatch(file -> Files.exists(out.resolve(file)));
        if (!aRun) {
            return null;
        }
        Path aside = out.resolve(PREVIOUS);
        if (Files.exists(aside)) {
            throw UserException.runtime(aside + ": left by an earlier --overwrite that did not finish: move its files"
                    + " back into " + out + " or delete it");
        }
        Files.createDirectory(aside);
        List<String> moved = new ArrayList<>();
        for (String name : RUN_FILES) {
            if (Files.exists(out.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                Files.move(out.resolve(name), aside.resolve(name));
                moved.add(name);
            }
        }
        Log.info("--overwrite: set aside the previous run's %s (deleted once this run starts)",
                String.join(", ", moved));
        return aside;
    }

    private void restorePreviousRun(Path aside) {
        if (aside == null) {
            return;
        }
        for (String name : RUN_FILES) {
            try {
                if (Files.exists(aside.resolve(name))) {
                    Files.move(aside.resolve(name), out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                Log.warn("%s: cannot put it back into %s: %s", aside.resolve(name), out, Inputs.reason(e));
                return;
            }
        }
        try {
            Files.deleteIfExists(aside);
        } catch (IOException e) {
            // not empty: said above
        }
    }

    private static void deletePrevious(Path aside) {
        if (aside == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(aside)) {
            for (Path entry : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(entry);
            }
        } catch (IOException | UncheckedIOException e) {
            Log.warn("%s: cannot delete the previous run's files: %s", aside, Inputs.reason(e));
        }
    }

    /**
     * Stdin, pipes and process substitutions are read once: each is copied as it is (compressed or not) into
     * {@code --out/data/input-N} (a name not taken yet), which then stands for it — for the tokenizer's pass, the data
     * pass and, through run.json, for {@code --resume}. Replaces them in {@code data} and {@code valData}; returns
     * {@code args} with the n-th --data / --val-data value replaced by the n-th element of those lists.
     */
    List<String> keepStreams(List<String> args, List<String> data, List<String> valData, Leftovers leftovers)
            throws IOException {
        Path dir = Files.createDirectories(out.resolve(DATA_DIR));
        int[] next = {0};
        UnaryOperator<String> keep = spec -> {
            String name = DataSpec.parse(spec).path().toString();
            if (!Inputs.isStream(name)) {
                return spec;
            }
            Path copy;
            do {
                copy = dir.resolve("input-" + next[0]++);
            } while (Files.exists(copy, LinkOption.NOFOLLOW_LINKS));
            leftovers.alsoRemove(copy);
            try {
                Files.move(Inputs.replayable(name), copy);
            } catch (IOException e) {
                throw UserException.runtime(copy + ": cannot keep the contents of " + Inputs.displayName(name) + ": "
                        + Inputs.reason(e));
            }
            Log.info("data: %s kept as %s (read once; --resume reads the copy)", Inputs.displayName(name), copy);
            return copy.toAbsolutePath() + spec.substring(name.length()); // :WEIGHT stays
        };
        data.replaceAll(keep);
        valData.replaceAll(keep);
        int[] at = {0, 0}; // the n-th --data / --val-data value is the n-th element of data / valData
        return RunArgs.mapValues(args, RunArgs.DATA_FLAGS,
                (flag, value) -> flag.equals("--data") ? data.get(at[0]++) : valData.get(at[1]++));
    }
}
