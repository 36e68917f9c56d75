package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed bash completion, run in bash: file names for inputs, value lists for options that have them. */
class CompletionTest {
    @TempDir
    Path tmp;

    @Test
    void inputsCompleteFileNamesAndListedValuesComplete() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no bash here");
        Files.writeString(tmp.resolve("uniqfile.txt"), "x");
        assertEquals(List.of("uniqfile.txt"), complete("llm", "score", "uniq"));
        assertEquals(List.of("uniqfile.txt"), complete("llm", "tokenize", "--bin", "uniq"));
        assertEquals(List.of("uniqfile.txt"), complete("llm", "train", "--data", "uniq"));
        assertEquals(List.of("uniqfile.txt"), complete("llm", "sample", "--model", "uniq"));
        assertEquals(List.of("gpu", "gpu:0"), complete("llm", "sample", "--device", "g"));
        assertEquals(List.of("wikitext"), complete("llm", "score", "--split", "wi"));
        assertEquals(List.of("uniqfile.txt"), complete("llm", "memorize-check", "uniq"), "a hyphenated command");
        assertEquals(List.of("wikitext"), complete("llm", "memorize-check", "--split", "wi"));
        assertEquals(List.of(), complete("llm", "sample", "--temperature", "u"), "numbers complete nothing");
    }

    private List<String> complete(String... words) throws IOException, InterruptedException {
        Path script = Path.of("completions/llm.bash").toAbsolutePath();
        StringBuilder w = new StringBuilder();
        for (String s : words) {
            w.append('\'').append(s).append("' ");
        }
        String cmd = "source '" + script + "'; COMP_WORDS=(" + w + "); COMP_CWORD=" + (words.length - 1)
                + "; _complete_llm 2>/dev/null; for r in \"${COMPREPLY[@]}\"; do echo \"$r\"; done";
        Process p = new ProcessBuilder("bash", "-c", cmd).directory(tmp.toFile()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().sorted().toList();
    }
}
