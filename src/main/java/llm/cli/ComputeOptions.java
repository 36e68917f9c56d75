package llm.cli;

import ai.djl.Device;
import llm.UserException;
import llm.engine.DeviceSpec;
import llm.engine.Engines;
import picocli.CommandLine.Option;

/** The options every command that computes takes: {@code --device}, {@code --threads}, {@code --seed}. */
public final class ComputeOptions {
    @Option(names = "--device", paramLabel = "auto|cpu|gpu|gpu:N", defaultValue = "auto",
            description = "Where to compute: auto (first GPU if present, else CPU), cpu, gpu, gpu:N. Default: ${DEFAULT-VALUE}.")
    String device = "auto";

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU threads for libtorch (default: all cores).")
    Integer threads;

    @Option(names = "--seed", paramLabel = "N",
            description = "Random seed; when absent one is picked and printed to stderr.")
    Long seed;

    /** The parsed {@code --device} (exit 2 on a bad value). */
    public DeviceSpec deviceSpec() {
        return DeviceSpec.parse(device);
    }

    /** Configure the engine (threads, offline) and resolve {@code --device} to a DJL device. */
    public Device resolveDevice() {
        DeviceSpec spec = deviceSpec();
        if (threads != null && threads < 1) {
            throw UserException.usage("--threads must be at least 1, not " + threads);
        }
        Engines.configure(threads == null ? 0 : threads);
        return Engines.device(spec);
    }

    /** The given {@code --seed}, or null. */
    public Long seedOrNull() {
        return seed;
    }

    /** The seed to use: the given one or a fresh one, printed to stderr. */
    public long seed() {
        return Engines.resolveSeed(seed);
    }

    public Integer threads() {
        return threads;
    }
}
