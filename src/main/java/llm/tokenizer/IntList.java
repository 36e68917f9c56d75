package llm.tokenizer;

import java.util.Arrays;

/** A growable int array (no boxing). */
public final class IntList {
    private int[] a;
    private int n;

    public IntList() {
        this(16);
    }

    public IntList(int capacity) {
        a = new int[Math.max(4, capacity)];
    }

    public void add(int v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        a[n++] = v;
    }

    public void addAll(int[] vs) {
        addAll(vs, 0, vs.length);
    }

    public void addAll(int[] vs, int from, int to) {
        int k = to - from;
        if (n + k > a.length) {
            a = Arrays.copyOf(a, Math.max(a.length * 2, n + k));
        }
        System.arraycopy(vs, from, a, n, k);
        n += k;
    }

    public int get(int i) {
        return a[i];
    }

    public int size() {
        return n;
    }

    public void clear() {
        n = 0;
    }

    public int[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
