package llm.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import llm.cli.CliHarness;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile files kept aside (src/test/resources/llm/fuzz/hostile/KIND/, written by bench/fuzz/make_hostile.py):
 * malformed safetensors, llama2.c checkpoints, tokenizers, token shards, archives and XML, each handed to the command
 * that reads its kind. Each gives a correct result (exit 0) or one clear line on stderr ({@code llm: ...}, exit 1 or
 * 2, no stack trace, no output file left behind), and nothing is written outside the folder it was given in. The
 * timeout is a guard against a hang (a file that makes a reader loop), not a speed target.
 */
@Timeout(300)
class HostileFilesTest {
    /** A valid config.json of a tiny GPT-2, beside each hostile model.safetensors. */
    private static final String TINY_CONFIG = """
            {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 16, "n_positions": 8,
             "n_embd": 8, "n_layer": 1, "n_head": 2}
            """;

    static Stream<String> hostileFiles() throws IOException {
        List<String> names = new ArrayList<>();
        for (String kind : List.of("safetensors", "checkpoint", "tokenizer", "shard", "archive", "xml")) {
            try (InputStream list = HostileFilesTest.class.getResourceAsStream("hostile/" + kind)) {
                for (String f : new String(list.readAllBytes()).split("\n")) {
                    if (!f.isBlank()) {
                        names.add(kind + "/" + f);
                    }
                }
            }
        }
        assertTrue(names.size() >= 30, "hostile files found: " + names);
        return names.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileFiles")
    void givesAResultOrOneClearLine(String resource, @TempDir Path tmp) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        String kind = resource.substring(0, resource.indexOf('/'));
        String fileName = resource.substring(resource.indexOf('/') + 1);
        Path file;
        try (InputStream in = HostileFilesTest.class.getResourceAsStream("hostile/" + resource)) {
            file = work.resolve(kind.equals("safetensors") ? "model.safetensors" : fileName);
            Files.write(file, in.readAllBytes());
        }
        Path out = tmp.resolve("out.json");
        String[] args = switch (kind) {
            case "safetensors" -> {
                Files.writeString(work.resolve("config.json"), TINY_CONFIG);
                yield new String[] {"info", work.toString()};
            }
            case "checkpoint" -> new String[] {"info", file.toString()};
            case "tokenizer" -> new String[] {"tokenize", "--tokenizer", file.toString(),
                Files.writeString(tmp.resolve("in.txt"), "Once upon a time\n").toString()};
            case "shard" -> new String[] {"tokenize", "--decode", "--tokenizer", "models/default", file.toString()};
            default -> new String[] {"tokenize", "--train", "--vocab-size", "257", "-o", out.toString(),
                file.toString()}; // archives and XML, read as training text
        };
        List<Path> before = listing(tmp);
        CliHarness.Result r = CliHarness.run(args);
        List<String> errors = r.err().lines().filter(l -> !l.startsWith("llm: warning: ")).toList();
        if (r.code() != 0) {
            assertTrue(r.code() == 1 || r.code() == 2, "exit " + r.code() + ": " + r.err());
            assertEquals(1, errors.size(), "one error line: " + r.err());
            assertTrue(errors.get(0).startsWith("llm: ") && errors.get(0).length() > 10, r.err());
            assertFalse(Files.exists(out), "no half-written output after: " + r.err());
        }
        assertFalse(r.err().contains("\tat ") || r.err().matches("(?s).*\\b(java|javax|com|org)\\.[a-z]+\\.[A-Z]\\w+"
                + "(Exception|Error)\\b.*"), "a stack trace or exception class: " + r.err());
        List<Path> after = listing(tmp);
        after.removeAll(before);
        after.remove(out);
        assertEquals(List.of(), after, "files written by reading " + resource);
    }

    /** Each hostile XML file with each command that reads documents (and tells a MediaWiki dump by its content). */
    static Stream<Arguments> xmlWithDumpCommands() throws IOException {
        return hostileFiles().filter(f -> f.startsWith("xml/"))
                .flatMap(f -> Stream.of(Arguments.of(f, "extract"), Arguments.of(f, "memorize-check")));
    }

    /**
     * The XML files through the dump reader of {@code llm extract FILE} and {@code llm memorize-check FILE}: exit 1 and
     * one {@code llm:} line, or a result (exit 0: the file was not a dump, or its articles) that no entity expanded —
     * and never the content of a file an external entity names (/etc/passwd), on stdout or stderr.
     */
    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("xmlWithDumpCommands")
    void xmlThroughTheDumpReader(String resource, String command, @TempDir Path tmp) throws Exception {
        Path file = tmp.resolve(resource.substring(resource.indexOf('/') + 1));
        try (InputStream in = HostileFilesTest.class.getResourceAsStream("hostile/" + resource)) {
            Files.write(file, in.readAllBytes());
        }
        List<Path> before = listing(tmp);
        CliHarness.Result r = command.equals("extract") ? CliHarness.run("extract", file.toString())
                : CliHarness.run("memorize-check", "--model", "models/default", "--device", "cpu", "--prefix-tokens",
                        "4", "--suffix-tokens", "4", "--format", "jsonl", file.toString());
        List<String> errors = r.err().lines().filter(l -> !l.startsWith("llm: warning: ")
                && (r.code() != 0 || l.startsWith("llm: "))).toList();
        if (r.code() != 0) {
            assertEquals(1, r.code(), r.err());
            assertEquals(1, errors.size(), "one error line: " + r.err());
            assertTrue(errors.get(0).startsWith("llm: " + file) && errors.get(0).length() > 10 + file.toString()
                    .length(), r.err());
        } else {
            assertEquals(List.of(), errors, r.err());
            long plain;
            try (InputStream in = llm.io.Inputs.open(file.toString())) { // decompressed
                plain = in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            assertTrue(r.out().length() < 2 * plain + 4096, "no entity expanded: " + r.out().length()
                    + " characters out of " + plain + " bytes");
            r.out().lines().forEach(l -> assertTrue(l.startsWith("{") && l.endsWith("}"), "JSON Lines: " + l));
        }
        for (String secret : SECRETS) {
            assertFalse(r.out().contains(secret) || r.err().contains(secret), "the content of /etc/passwd: " + r);
        }
        assertFalse(r.err().contains("\tat "), "a stack trace: " + r.err());
        assertEquals(before, listing(tmp), "files written by reading " + resource);
    }

    /** Lines of /etc/passwd (what external-entity*.xml names), where it is readable; "root:x:0:0" anyway. */
    private static final List<String> SECRETS = secrets();

    private static List<String> secrets() {
        List<String> s = new ArrayList<>(List.of("root:x:0:0", "root:*:0:0"));
        try {
            Files.readAllLines(Path.of("/etc/passwd")).stream().filter(l -> l.length() > 12).limit(5).forEach(s::add);
        } catch (IOException | RuntimeException e) {
            // not on this system: the fixed strings
        }
        return s;
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return new ArrayList<>(s.toList());
        }
    }
}
