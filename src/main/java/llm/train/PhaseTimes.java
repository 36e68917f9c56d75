package llm.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Wall time per phase of the training step (data, forward, backward, grad_norm, optimizer), summed. */
public final class PhaseTimes {
    private final Map<String, Long> nanos = new LinkedHashMap<>();

    public void add(String phase, long ns) {
        nanos.merge(phase, ns, Long::sum);
    }

    /** Seconds by phase, in the order first seen. */
    public Map<String, Double> seconds() {
        Map<String, Double> m = new LinkedHashMap<>();
        nanos.forEach((k, v) -> m.put(k, v / 1e9));
        return m;
    }

    /** "forward 31% · backward 58% · ..." */
    public String summary() {
        double total = nanos.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder b = new StringBuilder();
        nanos.forEach((k, v) -> b.append(b.length() == 0 ? "" : " · ")
                .append(String.format(Locale.ROOT, "%s %.1f%%", k, total > 0 ? 100 * v / total : 0)));
        return b.toString();
    }
}
