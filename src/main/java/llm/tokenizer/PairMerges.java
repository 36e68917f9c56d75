package llm.tokenizer;

import java.util.PriorityQueue;

/**
 * The merge loop of a BPE tokenizer that merges by priority: adjacent pairs, the best first, leftmost on ties, until
 * no pair merges — in O(n log n) with a queue of (priority, position) whose stale entries (a side already merged
 * away) are skipped, and the symbols as a linked list. Both tokenizers use it: {@link ByteLevelBpeTokenizer}
 * (priority: the merge's rank) and {@link Llama2cTokenizer} (its vocabulary scores, highest first).
 */
final class PairMerges {
    private PairMerges() {}

    /** What a tokenizer knows of its merges. */
    interface Rule {
        /** The priority of merging the pair (left, right), the smallest first; {@link #NEVER} when it does not. */
        long priority(int left, int right);

        /** The token the pair (left, right) merges into (asked only of pairs with a priority). */
        int merged(int left, int right);
    }

    /** {@link Rule#priority} of a pair that does not merge. */
    static final long NEVER = Long.MAX_VALUE;

    /** A priority for a score where higher scores merge first (as {@link Float#compare} orders them). */
    static long highestFirst(float score) {
        int bits = Float.floatToIntBits(score);
        return -(long) (bits >= 0 ? bits : bits ^ 0x7fffffff);
    }

    /** The tokens of {@code sym} after every merge; {@code sym} is overwritten. */
    static int[] apply(int[] sym, Rule rule) {
        int n = sym.length;
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        // entries {priority, position, left, right}
        PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0])
                : Long.compare(x[1], y[1]));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, rule, i, sym[i], sym[i + 1]);
        }
        while (!queue.isEmpty()) {
            long[] e = queue.poll();
            int pos = (int) e[1];
            int left = (int) e[2];
            int right = (int) e[3];
            int r = next[pos];
            if (sym[pos] != left || r < 0 || sym[r] != right) {
                continue; // stale
            }
            sym[pos] = rule.merged(left, right);
            int rn = next[r]; // unlink r
            next[pos] = rn;
            if (rn >= 0) {
                prev[rn] = pos;
            }
            sym[r] = -1;
            if (prev[pos] >= 0) {
                offer(queue, rule, prev[pos], sym[prev[pos]], sym[pos]);
            }
            if (rn >= 0) {
                offer(queue, rule, pos, sym[pos], sym[rn]);
            }
        }
        IntList out = new IntList(n);
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(sym[i]);
        }
        return out.toArray();
    }

    private static void offer(PriorityQueue<long[]> queue, Rule rule, int pos, int left, int right) {
        long p = rule.priority(left, right);
        if (p != NEVER) {
            queue.add(new long[] {p, pos, left, right});
        }
    }
}
