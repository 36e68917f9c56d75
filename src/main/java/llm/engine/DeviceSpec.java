package llm.engine;

import java.util.Locale;
import llm.UserException;

/**
 * What the user asked for with {@code --device}: {@code auto}, {@code cpu}, {@code gpu} (= gpu:0) or {@code gpu:N};
 * {@code cuda} and {@code cuda:N} (PyTorch's names) are documented aliases of {@code gpu} and {@code gpu:N}.
 */
public record DeviceSpec(Kind kind, int index) {
    public enum Kind { AUTO, CPU, GPU }

    public static final DeviceSpec AUTO = new DeviceSpec(Kind.AUTO, -1);
    public static final DeviceSpec CPU = new DeviceSpec(Kind.CPU, -1);

    public static DeviceSpec parse(String text) {
        String s = text == null ? "auto" : text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "auto":
                return AUTO;
            case "cpu":
                return CPU;
            case "gpu":
            case "cuda":
                return new DeviceSpec(Kind.GPU, 0);
            default:
                break;
        }
        String[] parts = s.split(":", 2);
        if (parts.length == 2 && (parts[0].equals("gpu") || parts[0].equals("cuda"))) {
            try {
                int n = Integer.parseInt(parts[1]);
                if (n >= 0) {
                    return new DeviceSpec(Kind.GPU, n);
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error
            }
        }
        throw UserException.usage("--device: '" + text + "' is not one of auto, cpu, gpu, gpu:N (or cuda, cuda:N)");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "auto";
            case CPU -> "cpu";
            case GPU -> "gpu:" + index;
        };
    }
}
