package llm.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import llm.UserException;

/**
 * One {@code --data PATH[:WEIGHT]} source. PATH is a text, JSON Lines or token-shard file, a directory of them, or a
 * tar archive of them (any of these compressed). WEIGHT (default 1) is how many times the source is seen per pass of
 * the mixture: {@code wiki.txt:10} upsamples, {@code web.jsonl:0.5} sees half of its windows per pass.
 *
 * <p>A path that exists as given wins over the {@code :WEIGHT} reading, so {@code a:1.txt} is a file name when
 * such a file exists. PATH {@code -} is stdin.
 */
public record DataSpec(String spec, Path path, double weight) {
    /** The largest weight: a million passes of a source per pass of the mixture. */
    public static final double MAX_WEIGHT = 1e6;

    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    public DataSpec {
        if (!(weight > 0 && weight <= MAX_WEIGHT)) {
            throw UserException.usage("--data " + spec + ": " + WEIGHT_RANGE + ", not " + weight);
        }
    }

    private static final String WEIGHT_RANGE = String.format(Locale.ROOT, "the weight must be a number greater than 0"
            + " and at most %,d (passes of the source per pass of the mixture)", (long) MAX_WEIGHT);

    public static DataSpec parse(String spec) {
        return parse(spec, "--data");
    }

    /** Parse {@code PATH[:WEIGHT]}; {@code flag} names the option in errors (usage errors, exit 2). */
    public static DataSpec parse(String spec, String flag) {
        if (spec == null || spec.isBlank()) {
            throw UserException.usage(flag + ": empty data spec (expected PATH[:WEIGHT])");
        }
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || Files.exists(path(spec, flag))) {
            return new DataSpec(spec, path(spec, flag), 1);
        }
        String w = spec.substring(colon + 1);
        String p = spec.substring(0, colon);
        if (!NUMBER.matcher(w).matches()) {
            throw UserException.usage(flag + " " + spec + ": weight '" + w + "' is not a number (expected PATH[:WEIGHT], "
                    + "e.g. wiki.txt:10)");
        }
        double weight = Double.parseDouble(w);
        if (!(weight > 0 && weight <= MAX_WEIGHT)) {
            throw UserException.usage(flag + " " + spec + ": " + WEIGHT_RANGE + ", not " + w);
        }
        return new DataSpec(spec, path(p, flag), weight);
    }

    /** {@code p} as a path; a name the file system cannot hold (a NUL byte, e.g. from a run.json) is a usage error. */
    private static Path path(String p, String flag) {
        try {
            return Path.of(p);
        } catch (java.nio.file.InvalidPathException e) {
            throw UserException.usage(flag + " " + p + ": not a valid path (" + e.getReason() + ")");
        }
    }

    /** The name to show: the path as given. */
    public String name() {
        return path.toString();
    }

    @Override
    public String toString() {
        return weight == 1 ? path.toString() : path + ":" + (weight == Math.rint(weight)
                ? String.valueOf((long) weight) : String.format(Locale.ROOT, "%s", weight));
    }
}
