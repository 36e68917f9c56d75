package llm.cli;

import llm.UserException;
import llm.engine.DeviceSpec;
import llm.engine.Engines;
import llm.run.Placement;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every command that computes takes: {@code --device}, {@code --threads}, {@code --seed}.
 * They may also be given before the command ({@code llm --device cpu sample ...}); a value given after the
 * command wins.
 */
public final class ComputeOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu|gpu:N",
            description = "Where to compute: auto (first GPU if present, else CPU), cpu, gpu, gpu:N (cuda and cuda:N, "
                    + "as PyTorch writes them, are the same as gpu and gpu:N). Default: auto.")
    String device;

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU threads to compute with (default: all cores).")
    Integer threads;

    @Option(names = "--seed", paramLabel = "N",
            description = "Random seed; when absent one is picked and printed to stderr.")
    Long seed;

    /** The same options given on the root command, if any. */
    private ComputeOptions inherited() {
        if (mixee == null) {
            return null;
        }
        for (CommandSpec p = mixee.parent(); p != null; p = p.parent()) {
            if (p.userObject() instanceof Llm root && root.compute != null && root.compute != this) {
                return root.compute;
            }
        }
        return null;
    }

    /** The parsed {@code --device} (exit 2 on a bad value). */
    public DeviceSpec deviceSpec() {
        String d = device;
        if (d == null) {
            ComputeOptions up = inherited();
            d = up == null ? null : up.device;
        }
        return DeviceSpec.parse(d == null ? "auto" : d);
    }

    /** The given {@code --threads}, or null for all cores (exit 2 if below 1). */
    public Integer threads() {
        ComputeOptions up = inherited();
        Integer t = threads != null ? threads : up == null ? null : up.threads;
        if (t != null && t < 1) {
            throw UserException.usage("--threads must be at least 1, not " + t);
        }
        return t;
    }

    /** The given {@code --seed}, or null. */
    public Long seedOrNull() {
        if (seed != null) {
            return seed;
        }
        ComputeOptions up = inherited();
        return up == null ? null : up.seed;
    }

    /** {@link #threads()} with 0 for all cores. */
    public int threadCount() {
        Integer t = threads();
        return t == null ? 0 : t;
    }

    /** Configure the engine (threads, offline) and resolve {@code --device} (exit 2 if absent). */
    public Placement placement() {
        DeviceSpec spec = deviceSpec();
        return Placement.resolve(spec, threadCount());
    }

    /** The seed to use: the given one, or a fresh one that is printed to stderr. */
    public long seed() {
        return Engines.resolveSeed(seedOrNull());
    }
}
