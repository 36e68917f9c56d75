package llm.eval.memorize;

/** Where {@code --windows K} places its K prefix+target windows inside a document of a given token length. */
public final class Windows {
    private Windows() {}

    /**
     * Token offsets of up to {@code k} windows of {@code need} = P + S tokens, evenly spaced from the start to the end of a
     * {@code length}-token document (the first at 0, the last ending at the document's end). Fewer than k when the
     * document is too short for k distinct offsets; none when it is shorter than {@code need}.
     */
    public static int[] offsets(int length, int need, int k) {
        if (k < 1 || need < 1) {
            throw new IllegalArgumentException("k=" + k + ", need=" + need);
        }
        if (length < need) {
            return new int[0];
        }
        int room = length - need;
        if (k == 1 || room == 0) {
            return new int[] {0};
        }
        int n = Math.min(k, room + 1);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) Math.round((double) i * room / (n - 1));
        }
        return out;
    }
}
