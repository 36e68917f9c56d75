package llm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manual probes in {@code bench/probes} (run by {@code bench/probe.sh}) and the decoder harnesses in
 * {@code bench/decoder-ab} (run by {@code bench/decoder-ab.sh}) are not built by Maven: compile them here against the
 * main classes, so that a change to the code they look into cannot leave them broken unnoticed.
 */
class ProbesCompileTest {
    @Test
    void probesCompileAgainstTheMainClasses(@TempDir Path out) throws IOException {
        compile(Path.of("bench/probes"), out);
    }

    @Test
    void decoderHarnessesCompileAgainstTheMainClasses(@TempDir Path out) throws IOException {
        compile(Path.of("bench/decoder-ab"), out);
    }

    private static void compile(Path probes, Path out) throws IOException {
        List<String> sources;
        try (Stream<Path> s = Files.walk(probes)) {
            sources = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).sorted().toList();
        }
        assertFalse(sources.isEmpty(), "no probes under " + probes.toAbsolutePath());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK is needed to run the tests");
        List<String> args = new ArrayList<>(List.of("-nowarn", "-proc:none", "-d", out.toString(),
                "-cp", System.getProperty("java.class.path")));
        args.addAll(sources);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, err, err, args.toArray(String[]::new));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
    }
}
