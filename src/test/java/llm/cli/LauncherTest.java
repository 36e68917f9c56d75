package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/llm} itself, run as a user runs it: a copy of the launcher in a project of its own whose
 * {@code target/llm.jar} is this build's classes (a manifest Class-Path to this JVM's class path), so no Maven build
 * runs. The environment is the test's subject: here the C/POSIX locale, under which the launcher must still pass
 * arguments, file names and stdin/stdout through as UTF-8.
 */
class LauncherTest {
    @TempDir
    static Path tmp;
    static Path launcher;
    static Path model = Path.of("models/default").toAbsolutePath();

    @BeforeAll
    static void aProjectWithAFreshJar() throws IOException, InterruptedException {
        Path source = Path.of("bin/llm");
        assumeTrue(Files.isRegularFile(source), "run from the project root");
        assumeTrue(utf8LocaleInstalled(), "no C.UTF-8 locale on this machine (locale -a)");
        Path root = tmp.resolve("project");
        launcher = Files.createDirectories(root.resolve("bin")).resolve("llm");
        Files.copy(source, launcher);
        launcher.toFile().setExecutable(true);
        Files.createDirectories(root.resolve("src/main"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Files.createDirectories(root.resolve("target/lib"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString())
                        .collect(Collectors.joining(" ")));
        Path jar = root.resolve("target/llm.jar");
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        FileTime past = FileTime.from(Instant.now().minusSeconds(3600));
        for (Path p : List.of(root.resolve("src/main"), root.resolve("pom.xml"))) {
            Files.setLastModifiedTime(p, past); // the jar is newer than the sources: no build
        }
    }

    private static boolean utf8LocaleInstalled() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "locale -a").redirectErrorStream(true).start();
        String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 && all.lines().anyMatch(l -> l.equalsIgnoreCase("C.utf8")
                || l.equalsIgnoreCase("C.UTF-8"));
    }

    record Run(int code, String out, String err) {}

    /** The launcher with {@code locale} as the only locale variables ({@code LC_ALL=...}, or none). */
    static Run llm(Map<String, String> locale, Path dir, String stdin, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(k -> k.equals("LANG") || k.equals("LANGUAGE") || k.startsWith("LC_"));
        builder.environment().putAll(locale);
        builder.environment().put("LLM_CDS", "0");
        Process p = builder.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), new String(out, StandardCharsets.UTF_8), err);
    }

    @Test
    void aNonAsciiPrefixReachesTheModelUnderTheCLocale() throws Exception {
        Run r = llm(Map.of("LC_ALL", "C"), tmp, "", "sample", "--model", model.toString(), "--echo", "-n", "2",
                "--seed", "1", "--prefix", "café");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("café"), r.out());
        Run utf8 = llm(Map.of("LC_ALL", "C.UTF-8"), tmp, "", "sample", "--model", model.toString(), "--echo", "-n",
                "2", "--seed", "1", "--prefix", "café");
        assertEquals(utf8.out(), r.out(), "the same text as under a UTF-8 locale");
    }

    @Test
    void aNonAsciiFileNameRoundTripsUnderPosix() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("名前 dir"));
        Files.writeString(dir.resolve("文件 é.txt"), "héllo wörld 文件\n");
        Run r = llm(Map.of("LC_ALL", "POSIX"), dir, "", "tokenize", "--json", "--tokenizer", model.toString(),
                "文件 é.txt");
        assertEquals(0, r.code(), r.err());
        JsonObject record = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("文件 é.txt", record.get("id").getAsString());
        CliHarness.Result expected = CliHarness.run("tokenize", "--tokenizer", model.toString(),
                dir.resolve("文件 é.txt").toString());
        assertEquals(expected.out().strip(), record.get("ids").toString().replaceAll("[\\[\\]]", "")
                .replace(',', ' '), "the ids of the file's UTF-8 text");
    }

    @Test
    void stdinAndStdoutStayUtf8WithNoLocaleSet() throws Exception {
        Run ids = llm(Map.of(), tmp, "naïve 文件\n", "tokenize", "--tokenizer", model.toString());
        assertEquals(0, ids.code(), ids.err());
        Run text = llm(Map.of(), tmp, ids.out(), "tokenize", "--decode", "--tokenizer", model.toString());
        assertEquals(0, text.code(), text.err());
        assertEquals("naïve 文件\n", text.out());
    }

    @Test
    void aDeletedWorkingDirectoryIsOneLineNotAJvmStackTrace() throws Exception {
        Path gone = Files.createDirectories(tmp.resolve("gone"));
        Process p = new ProcessBuilder("sh", "-c", "cd \"$1\" && rmdir \"$1\" && exec \"$2\" --version", "sh",
                gone.toString(), launcher.toString()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor(), err);
        assertEquals("", out);
        assertTrue(err.endsWith("llm: the current directory no longer exists (deleted or moved?): cd to one that"
                + " does and run again\n"), err);
        assertTrue(!err.contains("java.lang") && !err.contains("\tat "), err);
    }
}
