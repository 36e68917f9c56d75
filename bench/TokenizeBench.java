// In-process tokenizer benchmark (run by bench/tokenize.sh): java -cp 'target/classes:target/lib/*' bench/TokenizeBench.java SHARED
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import llm.tokenizer.BpeTrainer;
import llm.tokenizer.HfTokenizer;
import llm.tokenizer.IntList;
import llm.tokenizer.StreamEncoder;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;

public class TokenizeBench {
    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared");
        Path gpt2 = shared.resolve("tokenizers/gpt2/tokenizer.json");
        Path wiki = shared.resolve("data/wikitext-2-raw/wiki.test.raw");
        Path shk = shared.resolve("data/tiny-shakespeare/input.txt");
        byte[] bytes = Files.readAllBytes(wiki);
        String text = new String(bytes, StandardCharsets.UTF_8);
        double mb = bytes.length / 1e6;
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf("corpus: %s (%.2f MB), tokenizer: %s, %d cores%n", wiki, mb, gpt2, threads);

        long t = System.nanoTime();
        Tokenizer tok = Tokenizers.load(gpt2);
        System.out.printf("load tokenizer.json (Java): %.2f s%n", secs(t));

        // 1. Java byte-level BPE, one thread: the first pass is cold (empty cache, JIT warming up)
        t = System.nanoTime();
        double c = cpu();
        int[] ids = tok.encode(text);
        System.out.printf("java 1 thread, first pass (cold): %s (%d tokens)%n", rate(mb, t, c), ids.length);
        for (int i = 0; i < 6; i++) {
            tok.encode(text);
        }
        t = System.nanoTime();
        c = cpu();
        for (int i = 0; i < 4; i++) {
            tok.encode(text);
        }
        System.out.printf("java 1 thread, warm (4 passes): %s%n", rate(4 * mb, t, c));

        // 2. the CLI's path: bytes -> incremental UTF-8 -> chunks -> all cores, ids in order
        int[] streamed = null;
        try (StreamEncoder enc = new StreamEncoder(tok, false, false, threads)) {
            for (int i = 0; i < 6; i++) { // the workers' caches and the JIT warm up
                enc.encode(new ByteArrayInputStream(bytes), "wiki", x -> {});
            }
            t = System.nanoTime();
            c = cpu();
            for (int i = 0; i < 4; i++) {
                IntList out = new IntList(ids.length);
                enc.encode(new ByteArrayInputStream(bytes), "wiki", out::addAll);
                streamed = out.toArray();
            }
        }
        System.out.printf("java %d threads, bytes in, warm (4 passes): %s%n", threads, rate(4 * mb, t, c));

        // 3. reference: DJL's binding of HF tokenizers, same file, same run
        try (HfTokenizer hf = Tokenizers.loadHf(gpt2)) {
            hf.encode(text.substring(0, 10_000));
            t = System.nanoTime();
            c = cpu();
            int[] hfIds = hf.encode(text);
            System.out.printf("djl hf, whole file: %s%n", rate(mb, t, c));
            List<String> lines = Arrays.asList(text.split("(?<=\n)"));
            t = System.nanoTime();
            c = cpu();
            hf.batchEncode(lines);
            System.out.printf("djl hf, batchEncode per line: %s%n", rate(mb, t, c));
            System.out.printf("ids identical to HF: %s (%d tokens)%n",
                    Arrays.equals(hfIds, ids) && Arrays.equals(hfIds, streamed), hfIds.length);
        }

        // 4. BPE training, vocab 4096 on tiny Shakespeare (1.1 MB)
        String s = Files.readString(shk);
        t = System.nanoTime();
        c = cpu();
        BpeTrainer tr = new BpeTrainer(4096);
        tr.add(s);
        byte[] json = tr.toJson();
        double trainS = secs(t);
        double trainCpu = cpu() - c;
        int n = tr.tokenizer().encode(s).length;
        System.out.printf("train 4096 on %s (%.2f MB): %.2f s wall, %.2f CPU-s; %d tokens = %.2f bytes/token%n",
                shk.getFileName(), Files.size(shk) / 1e6, trainS, trainCpu, n, Files.size(shk) / (double) n);
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** CPU seconds of the whole process (all threads, JIT and GC included). */
    static double cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** Throughput by wall clock and by CPU time: on a shared, overloaded machine the second is the steadier one. */
    static String rate(double mb, long t0, double c0) {
        double wall = secs(t0);
        double cpu = cpu() - c0;
        return String.format("%.1f MB/s wall, %.1f MB per CPU-second", mb / wall, mb / cpu);
    }
}
