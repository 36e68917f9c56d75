package llm.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a decode step of the CPU decoder goes ({@code bench/decoder-ab.sh profile}; issue 20): greedy steps of one
 * decoder with {@code llm.decoder.profile=true}, then per kind of product and for the attention the milliseconds per
 * step, the share of the step, and the rate the weights were read at (GB/s: the matrix bytes of every call / their
 * time) — a matrix read far below the others' rate has a layout its kernel streams badly. Rounds of STEPS steps after
 * one round of JIT warm-up; the team runs every step (no TeamChoice trials in the figures).
 *
 * <p>usage: Profile MODEL.bin|RELEASE_DIR THREADS STEPS [ROUNDS] [BATCH]
 */
public final class Profile {
    public static void main(String[] a) {
        if (!StepProfile.ON) {
            throw new IllegalStateException("run with -Dllm.decoder.profile=true");
        }
        Path model = Path.of(a[0]);
        int threads = Integer.parseInt(a[1]), steps = Integer.parseInt(a[2]);
        int rounds = a.length > 3 ? Integer.parseInt(a[3]) : 3, batch = a.length > 4 ? Integer.parseInt(a[4]) : 1;
        ModelArrays arrays = Files.isDirectory(model) ? Release.readArrays(model) : Llama2c.readArrays(model);
        if (steps > arrays.config().ctx()) {
            throw new IllegalArgumentException("STEPS " + steps + " exceeds the model's context, "
                    + arrays.config().ctx());
        }
        CpuDecoder d = new CpuDecoder(arrays, batch, arrays.config().ctx(), threads);
        d.alwaysUseTeam();
        System.out.printf("%s, %d thread(s), batch %d, %d steps a round, load %s%n", model, threads, batch, steps,
                load());
        int[] tok = new int[batch];
        for (int r = 0; r <= rounds; r++) {
            d.reset();
            StepProfile.take();
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                float[][] logits = d.step(tok, null);
                for (int b = 0; b < batch; b++) {
                    tok[b] = (llm.generate.Sampler.argmax(logits[b]) + b) % logits[b].length;
                }
            }
            double stepMs = (System.nanoTime() - t0) / 1e6 / steps;
            Map<String, long[]> parts = StepProfile.take();
            if (r == 0) {
                continue; // JIT warm-up
            }
            System.out.printf("round %d: %.2f ms a step (%.1f steps/s)%n", r, stepMs, 1000 / stepMs);
            double timed = 0;
            for (Map.Entry<String, long[]> e : parts.entrySet()) {
                long[] p = e.getValue();
                double ms = p[0] / 1e6 / steps;
                timed += ms;
                System.out.printf("  %-44s %7.3f ms %5.1f%% %s%n", e.getKey(), ms, 100 * ms / stepMs,
                        p[1] == 0 ? "" : String.format("%5.1f GB/s", (double) p[1] / p[0]));
            }
            System.out.printf("  %-44s %7.3f ms %5.1f%%%n", "the rest (norms, RoPE, embedding, arg max)",
                    stepMs - timed, 100 * (stepMs - timed) / stepMs);
        }
        d.close();
        System.exit(0);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
