package llm.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import llm.engine.Engines;
import llm.model.LanguageModel;
import llm.model.Release;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;

/**
 * Manual probe (not a test): bench/probe.sh MemorizationProbe RELEASE wiki.test.raw P S [titles...]: per WikiText
 * article, greedy-continue its first P tokens for S tokens; print the fraction of matching positions.
 */
public final class MemorizationProbe {
    public static void main(String[] a) throws Exception {
        Path release = Path.of(a[0]);
        List<String> lines = Files.readAllLines(Path.of(a[1]));
        int p = Integer.parseInt(a[2]);
        int s = Integer.parseInt(a[3]);
        List<String> titles = new ArrayList<>();
        List<StringBuilder> bodies = new ArrayList<>();
        for (String l : lines) {
            if (l.matches("^ = [^=].* = $")) {
                titles.add(l.substring(3, l.length() - 3));
                bodies.add(new StringBuilder());
            }
            if (!bodies.isEmpty()) {
                bodies.get(bodies.size() - 1).append(l).append('\n');
            }
        }
        List<String> want = Arrays.asList(a).subList(4, a.length);
        Engines.configure(1);
        Tokenizer tok = Tokenizers.load(release);
        try (NDManager m = Engines.newRoot(Device.cpu())) {
            LanguageModel model = Release.read(release, m);
            double up = 0, held = 0;
            int nu = 0, nh = 0;
            for (int i = 0; i < titles.size(); i++) {
                boolean isUp = want.contains(titles.get(i));
                if (!isUp && nh >= 10) {
                    continue;
                }
                int[] ids = tok.encode(bodies.get(i).toString());
                if (ids.length < p + s) {
                    continue;
                }
                int[] seq = Arrays.copyOf(ids, p + s);
                int match = 0;
                for (int k = 0; k < s; k++) {
                    try (NDManager sm = m.newSubManager()) {
                        NDArray x = sm.create(Arrays.copyOfRange(seq, 0, p + k), new Shape(1, p + k));
                        int next = (int) model.forward(x).get(new NDIndex("0, -1, :")).argMax().getLong();
                        if (next == ids[p + k]) {
                            match++;
                        }
                        seq[p + k] = next;
                    }
                }
                double score = (double) match / s;
                System.out.printf("%-8s %.3f  %s | %s%n", isUp ? "UPSAMP" : "heldout", score, titles.get(i),
                        tok.decode(Arrays.copyOfRange(seq, p, p + s)).replace("\n", "\\n"));
                if (isUp) {
                    up += score;
                    nu++;
                } else {
                    held += score;
                    nh++;
                }
            }
            System.out.printf("mean score: upsampled %.3f (%d), held out %.3f (%d)%n", up / nu, nu, held / nh, nh);
        }
    }
}
