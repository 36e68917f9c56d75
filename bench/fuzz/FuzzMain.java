package llm.fuzz;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Fuzzes one target for bench/fuzz.sh: {@code FuzzMain CLASS#METHOD SECONDS [LIBFUZZER_FLAG...]} with JAZZER_FUZZ
 * set. Jazzer fuzzes one @FuzzTest per JVM, and a JVM per target started through the JUnit launcher is seconds
 * cheaper than Maven's. The libFuzzer flags go to Jazzer as the {@code jazzer.internal.arg.N} configuration
 * parameters, which it appends after the annotation's, so {@code -max_total_time} here wins over maxDuration.
 * Exit status 0 when the target held, 1 on a finding.
 */
public final class FuzzMain {
    private FuzzMain() {}

    public static void main(String[] args) {
        if (args.length < 2 || !args[0].contains("#")) {
            System.err.println("usage: FuzzMain CLASS#METHOD SECONDS [LIBFUZZER_FLAG...]");
            System.exit(2);
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("jazzer.internal.arg.0", "fuzz");
        params.put("jazzer.internal.arg.1", "-max_total_time=" + Integer.parseInt(args[1]));
        for (int i = 2; i < args.length; i++) {
            params.put("jazzer.internal.arg." + i, args[i]);
        }
        String fqcn = FuzzMain.class.getPackageName() + "." + args[0];
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(fqcn.substring(0, fqcn.indexOf('#')) + "#" + method(fqcn)))
                .configurationParameters(params)
                .build();
        boolean all = args[0].equals("AllTargetsFuzz#all");
        if (all) {
            seedAll();
        }
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary);
        TestExecutionSummary s = summary.getSummary();
        s.getFailures().forEach(f -> System.err.println("fuzz: finding in " + args[0] + ": " + f.getException()));
        if (all) { // per target, in the form bench/fuzz.sh sums
            for (int i = 0; i < AllTargetsFuzz.TARGETS.size(); i++) {
                long runs = AllTargetsFuzz.RUNS.get(i);
                System.err.printf("Done %d runs of %s (%.2f ms each)%n", runs, AllTargetsFuzz.TARGETS.get(i).name(),
                        AllTargetsFuzz.NANOS.get(i) / 1e6 / Math.max(1, runs));
            }
        }
        if (s.getTestsFoundCount() == 0) {
            System.err.println("fuzz: no such fuzz test: " + args[0]);
            System.exit(2);
        }
        System.exit(s.getTotalFailureCount() == 0 ? 0 : 1);
    }

    /**
     * The combined target's corpus starts from every target's seeds and regression inputs, each with its selector
     * byte appended (AllTargetsFuzz reads the selector from the end). Written into Jazzer's generated-corpus folder.
     */
    private static void seedAll() {
        Path res = Path.of("src/test/resources/llm/fuzz");
        Path corpus = Path.of(".cifuzz-corpus", AllTargetsFuzz.class.getName(), "all");
        try {
            Files.createDirectories(corpus);
            for (int i = 0; i < AllTargetsFuzz.TARGETS.size(); i++) {
                String[] cm = AllTargetsFuzz.TARGETS.get(i).name().split("#");
                Path dir = res.resolve(cm[0] + "Inputs").resolve(cm[1]);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        byte[] data = Files.readAllBytes(f);
                        byte[] seed = Arrays.copyOf(data, data.length + 1);
                        seed[data.length] = (byte) i;
                        Files.write(corpus.resolve("seed-" + cm[1] + "-" + f.getFileName()), seed);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The method name with its parameter types, as the selector needs for an overloadable @FuzzTest. */
    private static String method(String fqcn) {
        String name = fqcn.substring(fqcn.indexOf('#') + 1);
        try {
            for (var m : Class.forName(fqcn.substring(0, fqcn.indexOf('#'))).getDeclaredMethods()) {
                if (m.getName().equals(name)) {
                    StringBuilder b = new StringBuilder(name).append('(');
                    for (int i = 0; i < m.getParameterCount(); i++) {
                        b.append(i > 0 ? "," : "").append(m.getParameterTypes()[i].getName());
                    }
                    return b.append(')').toString();
                }
            }
        } catch (ClassNotFoundException e) {
            // the launcher then finds no test, said above
        }
        return name;
    }
}
