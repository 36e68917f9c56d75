package llm.train;

import llm.UserException;

/**
 * The learning rate at each optimizer step, as in nanoGPT: (1) linear warmup from {@code maxLr / warmup} to
 * {@code maxLr} over {@code warmup} steps, (2) cosine decay from {@code maxLr} down to {@code minLr} at
 * {@code total}, (3) {@code minLr} after that. Steps count from 0.
 */
public record LrSchedule(double maxLr, double minLr, long warmup, long total) {
    public LrSchedule {
        if (!(maxLr > 0) || Double.isInfinite(maxLr)) {
            throw UserException.usage("--lr must be a positive number, not " + maxLr);
        }
        if (!(minLr >= 0) || minLr > maxLr) {
            throw UserException.usage("--min-lr must be within [0, --lr], not " + minLr);
        }
        if (warmup < 0) {
            throw UserException.usage("--warmup must be at least 0, not " + warmup);
        }
        if (total < 1) {
            throw UserException.usage("the number of steps must be at least 1, not " + total);
        }
    }

    /** The learning rate for optimizer step {@code step} (0-based). */
    public double lr(long step) {
        // (1) linear warmup: step 0 already gets a non-zero rate
        if (step < warmup) {
            return maxLr * (step + 1) / warmup;
        }
        // (3) past the end of the decay: the floor
        if (step >= total) {
            return minLr;
        }
        // (2) cosine decay from maxLr (at the end of warmup) to minLr (at total)
        long span = Math.max(1, total - warmup);
        double progress = (double) (step - warmup) / span;
        double coeff = 0.5 * (1.0 + Math.cos(Math.PI * progress)); // 1 -> 0
        return minLr + coeff * (maxLr - minLr);
    }
}
