import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.*;
import java.util.*;

/**
 * Several builds of the CPU decoder in one JVM, each from its own classes directory through its own class loader,
 * decoding greedily in alternating blocks of steps (A B C, C B A, ...), so that the load of a shared machine, which
 * drifts over seconds, hits all of them alike: the per-block ratios to the first decoder are what to read
 * ({@code bench/decoder-ab.sh steps}; issue 20). The first fifth of the blocks (JIT warm-up) is not counted. A
 * decoder: {@code label:classesDir:threads[:kernels=java][:weights=bf16][:memory=heap|map]} — the system properties
 * llm.kernels, llm.weights and llm.weights.memory are set while it is made (memory=: the weights read into the heap
 * or mapped; without it, mapped), so one JVM with the Vector API module can hold the heap-rows
 * and the Vector API kernels side by side. Old builds work as long as they have {@code Llama2c.readArrays} and the
 * {@code CpuDecoder(ModelArrays, batch, capacity, threads)} constructor (since 2026-11-29).
 *
 * <p>usage: Interleave MODEL.bin|RELEASE_DIR BLOCK_STEPS BLOCKS decoder...
 */
public class Interleave {
    public static void main(String[] a) throws Exception {
        Path model = Path.of(a[0]);
        int block = Integer.parseInt(a[1]), blocks = Integer.parseInt(a[2]);
        int n = a.length - 3;
        String[] labels = new String[n];
        Object[] decs = new Object[n];
        Method[] step = new Method[n], length = new Method[n], reset = new Method[n];
        int[] cap = new int[n];
        List<URL> libs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] f = a[3 + i].split(":");
            labels[i] = f[0];
            Path classes = Path.of(f[1]);
            List<URL> urls = new ArrayList<>(List.of(classes.toUri().toURL()));
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(classes.getParent().resolve("lib"), "*.jar")) {
                for (Path p : ds) urls.add(p.toUri().toURL());
            }
            if (Arrays.asList(f).contains("kernels=java")) System.setProperty("llm.kernels", "java"); else System.clearProperty("llm.kernels");
            if (Arrays.asList(f).contains("weights=bf16")) System.setProperty("llm.weights", "bf16"); else System.clearProperty("llm.weights");
            ClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            // a llama2.c file, or a release directory (config.json + model.safetensors)
            Class<?> l2c = Class.forName(Files.isDirectory(model) ? "llm.model.Release" : "llm.model.Llama2c", true, cl);
            String memory = Arrays.stream(f).filter(x -> x.startsWith("memory=")).map(x -> x.substring(7)).findFirst().orElse(null);
            if (memory != null) System.setProperty("llm.weights.memory", memory); else System.clearProperty("llm.weights.memory");
            Object arrays = memory == null ? l2c.getMethod("readArrays", Path.class).invoke(null, model)
                    : l2c.getMethod("readArrays", Path.class, boolean.class).invoke(null, model, memory.equals("heap"));
            Class<?> ma = Class.forName("llm.model.ModelArrays", true, cl);
            Object config = ma.getMethod("config").invoke(arrays);
            cap[i] = (int) config.getClass().getMethod("ctx").invoke(config);
            Class<?> cd = Class.forName("llm.model.CpuDecoder", true, cl);
            Constructor<?> c = cd.getDeclaredConstructor(ma, int.class, int.class, int.class);
            c.setAccessible(true);
            decs[i] = c.newInstance(arrays, 1, cap[i], Integer.parseInt(f[2]));
            step[i] = cd.getDeclaredMethod("step", int[].class, boolean[].class);
            length[i] = cd.getDeclaredMethod("length", int.class);
            reset[i] = cd.getDeclaredMethod("reset");
            step[i].setAccessible(true); length[i].setAccessible(true); reset[i].setAccessible(true);
        }
        double[][] rate = new double[n][blocks];
        int[][] tok = new int[n][1];
        for (int i = 0; i < n; i++) tok[i][0] = 1;
        String load0 = Files.readString(Path.of("/proc/loadavg")).trim();
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < n; k++) {
                int i = (b % 2 == 0) ? k : n - 1 - k; // ABBA order
                long t0 = System.nanoTime();
                for (int s = 0; s < block; s++) {
                    if ((int) length[i].invoke(decs[i], 0) == cap[i]) reset[i].invoke(decs[i]);
                    float[] lg = ((float[][]) step[i].invoke(decs[i], tok[i], null))[0];
                    int best = 0;
                    for (int j = 1; j < lg.length; j++) if (lg[j] > lg[best]) best = j;
                    tok[i][0] = best;
                }
                rate[i][b] = block / ((System.nanoTime() - t0) / 1e9);
            }
        }
        String load1 = Files.readString(Path.of("/proc/loadavg")).trim();
        System.out.printf("%s, %d blocks of %d steps, ABBA; load %s -> %s%n", model, blocks, block, load0, load1);
        int skip = blocks / 5; // the first fifth: JIT warm-up, not counted
        for (int i = 0; i < n; i++) {
            double[] r = Arrays.copyOfRange(rate[i], skip, blocks);
            double[] q = new double[r.length];
            for (int b = 0; b < r.length; b++) q[b] = r[b] / rate[0][b + skip];
            System.out.printf("  %-8s median %7.1f tok/s (first blocks %s), median ratio to %s %.3f%n", labels[i], median(r),
                    Arrays.toString(Arrays.stream(Arrays.copyOf(rate[i], Math.min(skip, 6))).mapToLong(Math::round).toArray()), labels[0], median(q));
        }
        System.exit(0);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
