package llm.run;

import ai.djl.Device;
import llm.engine.DeviceSpec;
import llm.engine.Engines;

/**
 * Where a command computes: {@code --device} resolved to one of the engine's devices, with the engine configured for
 * {@code --threads} (0 = all cores). Resolving starts the engine.
 */
public final class Placement {
    private final Device device;
    private final int threads;

    private Placement(Device device, int threads) {
        this.device = device;
        this.threads = threads;
    }

    /** Configure the engine (threads, offline) and resolve the device (exit 2 when it is absent). */
    public static Placement resolve(DeviceSpec spec, int threads) {
        Engines.configure(threads);
        return new Placement(Engines.device(spec), threads);
    }

    /** The CPU, with the engine offline and its threads as they are (for reading a checkpoint). */
    static Placement cpu() {
        Engines.configureOffline();
        return new Placement(Device.cpu(), 0);
    }

    /** The engine's device (for the training loop). */
    public Device device() {
        return device;
    }

    /** CPU threads for the Java decoder (0 = all cores). */
    public int threads() {
        return threads;
    }

    /** {@code cpu} or {@code gpu:N}, as the user writes it. */
    public String describe() {
        return Engines.describe(device);
    }
}
