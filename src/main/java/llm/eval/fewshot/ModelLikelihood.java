package llm.eval.fewshot;

import java.util.Arrays;
import java.util.List;
import llm.eval.LogProbs;

/**
 * {@link LogLikelihood} with a model ({@link LogProbs}): the endings of one item go through one full forward as a batch
 * (right-padded: causal attention keeps the padding from touching earlier positions), and the log-probability of
 * each continuation token is read at the position before it. BOS (when the tokenizer has one) starts every sequence;
 * a sequence longer than the model's context keeps its last tokens (as lm-evaluation-harness does).
 */
public final class ModelLikelihood implements LogLikelihood {
    private final LogProbs model;
    private final int bos;

    /** {@code bos} is the id to start sequences with, or -1 for none. */
    public ModelLikelihood(LogProbs model, int bos) {
        this.model = model;
        this.bos = bos;
    }

    @Override
    public double[] score(int[] context, List<int[]> continuations) {
        int b = continuations.size();
        int ctx = model.context();
        int[][] seqs = new int[b][];
        int[] contStart = new int[b];
        int t = 0;
        for (int j = 0; j < b; j++) {
            int[] cont = continuations.get(j);
            int pre = bos >= 0 ? 1 : 0;
            int[] seq = new int[pre + context.length + cont.length];
            if (pre == 1) {
                seq[0] = bos;
            }
            System.arraycopy(context, 0, seq, pre, context.length);
            System.arraycopy(cont, 0, seq, pre + context.length, cont.length);
            int start = pre + context.length;
            if (seq.length > ctx + 1) { // the last token is only a target: ctx + 1 tokens make ctx inputs
                int cut = seq.length - (ctx + 1);
                seq = Arrays.copyOfRange(seq, cut, seq.length);
                start = Math.max(1, start - cut);
            }
            seqs[j] = seq;
            contStart[j] = Math.max(1, start);
            t = Math.max(t, seq.length - 1);
        }
        int[] inputs = new int[b * t]; // (B, T) inputs: seq[0 .. n-2], right-padded with 0
        int[] targets = new int[b * t]; // (B, T) next tokens: seq[1 .. n-1]
        for (int j = 0; j < b; j++) {
            for (int p = 0; p < seqs[j].length - 1; p++) {
                inputs[j * t + p] = seqs[j][p];
                targets[j * t + p] = seqs[j][p + 1];
            }
        }
        float[] picked = model.ofTargets(inputs, targets, b, t); // (B, T)
        double[] out = new double[b];
        for (int j = 0; j < b; j++) {
            double sum = 0;
            // target index p predicts seq[p + 1]; the continuation's tokens are seq[contStart ..]
            for (int p = contStart[j] - 1; p < seqs[j].length - 1; p++) {
                sum += picked[j * t + p];
            }
            out[j] = sum;
        }
        return out;
    }
}
