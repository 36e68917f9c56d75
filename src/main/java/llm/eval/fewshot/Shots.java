package llm.eval.fewshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import llm.UserException;

/**
 * Which examples go into the prompt. Without a seed: the file's order, so {@code --shots K} takes the first K. With a
 * seed: a permutation drawn from it (Fisher-Yates over {@link Random}), so K examples are drawn without replacement
 * and the same seed draws the same ones. A sweep takes prefixes of one order, so the 4 shots include the 2 shots.
 */
public final class Shots {
    private Shots() {}

    /** The examples in the order shots are taken from them. */
    public static List<Example> order(List<Example> examples, Long seed) {
        List<Example> order = new ArrayList<>(examples);
        if (seed != null) {
            Random rnd = new Random(seed);
            for (int i = order.size() - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                Example t = order.get(i);
                order.set(i, order.get(j));
                order.set(j, t);
            }
        }
        return order;
    }

    /** The first {@code k} of {@link #order}; a usage error when there are fewer examples. */
    public static List<Example> select(List<Example> examples, int k, Long seed) {
        check(k, examples.size());
        return List.copyOf(order(examples, seed).subList(0, k));
    }

    /** {@code --shots} must be within [0, number of examples]. */
    public static void check(int k, int available) {
        check("--shots", k, available);
    }

    /** A number of shots given with {@code flag} must be within [0, number of examples]. */
    public static void check(String flag, int k, int available) {
        if (k < 0) {
            throw UserException.usage(flag + " must be at least 0, not " + k);
        }
        if (k > available) {
            throw UserException.usage(flag + " " + k + " is more than the " + available + " examples given");
        }
    }

    /** Parse {@code --sweep-shots 0,1,2,4,8}: non-negative, strictly increasing. */
    public static int[] parseSweep(String spec) {
        String[] parts = spec.split(",", -1);
        int[] ks = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ks[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw UserException.usage("--sweep-shots takes comma-separated counts like 0,1,2,4,8, not '" + spec + "'");
            }
            if (ks[i] < 0) {
                throw UserException.usage("--sweep-shots counts must be at least 0, not " + ks[i]);
            }
            if (i > 0 && ks[i] <= ks[i - 1]) {
                throw UserException.usage("--sweep-shots counts must increase, as in 0,1,2,4,8, not '" + spec + "'");
            }
        }
        return ks;
    }
}
