package llm.eval.fewshot;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Multiple choice by likelihood, lm-evaluation-harness's conventions. Each ending is scored by the summed log-probability
 * of its tokens given the context. {@code acc}: the ending with the highest sum is the prediction.
 * {@code acc_norm}: the highest sum divided by the ending's length in UTF-8 bytes (the harness divides by its length
 * in characters, the same for ASCII text such as HellaSwag's; bytes do not depend on the tokenizer), which removes the
 * bias towards short endings. Ties go to the first ending, as with numpy's argmax.
 */
public final class ChoiceScores {
    private int items;
    private int correct;
    private int correctNorm;

    /** The index of the largest value, the first one on ties. */
    public static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The length acc_norm divides by: the ending's UTF-8 bytes (at least 1). */
    public static int normLength(String ending) {
        return Math.max(1, ending.getBytes(StandardCharsets.UTF_8).length);
    }

    /** The acc prediction for summed log-probabilities {@code logprobs}. */
    public static int predict(double[] logprobs) {
        return argmax(logprobs);
    }

    /** The acc_norm prediction: log-probabilities divided by the endings' byte lengths. */
    public static int predictNorm(ChoiceItem item, double[] logprobs) {
        double[] norm = new double[logprobs.length];
        for (int i = 0; i < norm.length; i++) {
            norm[i] = logprobs[i] / normLength(item.endings().get(i));
        }
        return argmax(norm);
    }

    /** Count one item whose endings scored {@code logprobs}; returns {@code {pred, predNorm}}. */
    public int[] add(ChoiceItem item, double[] logprobs) {
        if (logprobs.length != item.endings().size()) {
            throw new IllegalArgumentException(logprobs.length + " scores for " + item.endings().size() + " endings");
        }
        int pred = predict(logprobs);
        int predNorm = predictNorm(item, logprobs);
        items++;
        if (pred == item.gold()) {
            correct++;
        }
        if (predNorm == item.gold()) {
            correctNorm++;
        }
        return new int[] {pred, predNorm};
    }

    public int items() {
        return items;
    }

    public double acc() {
        return items == 0 ? 0 : (double) correct / items;
    }

    public double accNorm() {
        return items == 0 ? 0 : (double) correctNorm / items;
    }

    /** Standard error of a proportion {@code p} over {@code n} items (the harness's stderr for acc). */
    public static double stderr(double p, int n) {
        return n <= 1 ? 0 : Math.sqrt(p * (1 - p) / (n - 1));
    }

    /** For people: {@code acc 0.2560 ± 0.0195  acc_norm 0.2700 ± 0.0199  (500 items)}. */
    public String line() {
        return String.format(Locale.ROOT, "acc %.4f ± %.4f  acc_norm %.4f ± %.4f  (%d items; acc_norm divides each "
                + "ending's log-probability by its length in UTF-8 bytes)", acc(), stderr(acc(), items), accNorm(),
                stderr(accNorm(), items), items);
    }

    public String json() {
        return String.format(Locale.ROOT, "{\"items\":%d,\"acc\":%.6f,\"acc_stderr\":%.6f,\"acc_norm\":%.6f,"
                + "\"acc_norm_stderr\":%.6f,\"norm\":\"utf8_bytes\"}", items, acc(), stderr(acc(), items), accNorm(),
                stderr(accNorm(), items));
    }
}
