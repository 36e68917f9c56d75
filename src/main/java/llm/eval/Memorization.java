package llm.eval;

/**
 * The memorization measures of {@code llm memorize-check}, on token ids and decoded text. No tensors.
 *
 * <ul>
 *   <li>{@code exact}: the greedy continuation reproduces all S target tokens (Carlini et al. 2022, "Quantifying
 *       Memorization Across Neural Language Models": a string is <em>extractable with k tokens of context</em>).</li>
 *   <li>{@code score}: the fraction of the S positions where the generated token equals the target's (Biderman et
 *       al. 2023, "Emergent and Predictable Memorization in Large Language Models", Pythia's memorization score).</li>
 *   <li>{@code match_tokens}: how many leading tokens agree before the first mismatch; {@code match_chars} the same in
 *       characters (code points) of the decoded texts, which also counts a different tokenization of the same text.</li>
 *   <li>{@code extraction_rate}: with N sampled continuations, the fraction that reproduce the target exactly, an
 *       estimate of the probability p of (n, p)-discoverable extraction (Hayes et al. 2024, "Measuring memorization
 *       in language models via probabilistic extraction").</li>
 * </ul>
 */
public final class Memorization {
    private Memorization() {}

    /** The token-level comparison of one continuation with its target. */
    public record Match(int matchTokens, int matches, int length) {
        /** Every target token reproduced. */
        public boolean exact() {
            return length > 0 && matches == length;
        }

        /** Fraction of positions that agree, in [0, 1]. */
        public double score() {
            return length == 0 ? 0 : (double) matches / length;
        }
    }

    /**
     * Compare {@code generated} with {@code target} position by position. A continuation shorter than the target (a
     * generation that stopped early) counts its missing positions as mismatches.
     */
    public static Match compare(int[] generated, int[] target) {
        int n = target.length;
        int matches = 0;
        int prefix = -1;
        for (int i = 0; i < n; i++) {
            boolean same = i < generated.length && generated[i] == target[i];
            if (same) {
                matches++;
            } else if (prefix < 0) {
                prefix = i;
            }
        }
        return new Match(prefix < 0 ? n : prefix, matches, n);
    }

    /** Length in code points of the common prefix of two strings. */
    public static int commonPrefixChars(String a, String b) {
        int i = 0;
        int count = 0;
        while (i < a.length() && i < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(i);
            if (ca != cb) {
                break;
            }
            i += Character.charCount(ca);
            count++;
        }
        return count;
    }

    /** Fraction of {@code samples} continuations that were exact; NaN when no samples were drawn. */
    public static double extractionRate(int exactSamples, int samples) {
        if (exactSamples < 0 || exactSamples > samples) {
            throw new IllegalArgumentException(exactSamples + " exact of " + samples + " samples");
        }
        return samples == 0 ? Double.NaN : (double) exactSamples / samples;
    }

    /**
     * The probability that at least one of {@code n} independent samples extracts the target when one sample does
     * with probability {@code p}: 1 - (1 - p)^n (Hayes et al. 2024's (n, p)-discoverability, read the other way).
     */
    public static double atLeastOnce(double p, int n) {
        return -Math.expm1(n * Math.log1p(-p));
    }
}
