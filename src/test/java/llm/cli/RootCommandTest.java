package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RootCommandTest {
    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        CliHarness.Result r = CliHarness.run("--help");
        assertEquals(0, r.code());
        for (String c : List.of("tokenize", "train", "sample", "memorize-check", "fewshot", "env", "score", "info", "cost")) {
            assertTrue(r.out().contains("\n  " + c + " "), "help lists " + c + ":\n" + r.out());
        }
        assertTrue(r.out().contains("Exit codes:"));
        assertTrue(r.out().matches("(?s).*\\n  2 +Usage error.*"), r.out());
    }

    @Test
    void versionNamesTheEngine() {
        CliHarness.Result r = CliHarness.run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("llm "), r.out());
        assertTrue(r.out().contains("DJL 0.36.0"));
    }

    @Test
    void unknownOptionIsOneLineAndExitTwo() {
        CliHarness.Result r = CliHarness.run("env", "--bogus");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("llm: Unknown option: '--bogus'"), r.err());
    }

    @Test
    void noCommandIsAUsageError() {
        CliHarness.Result r = CliHarness.run();
        assertEquals(2, r.code());
        assertFalse(r.err().contains("Exception"), r.err());
        // the handler adds the pointer to --help once (it was said twice)
        assertEquals("llm: a command is required (see 'llm --help')", r.err().strip());
    }

    @Test
    void everyCommandListsExitCodesInItsHelp() {
        for (String c : List.of("tokenize", "train", "sample", "memorize-check", "fewshot", "env", "score", "info", "cost")) {
            CliHarness.Result r = CliHarness.run(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().contains("Exit codes:"), c + " --help lists exit codes");
        }
    }

    @Test
    void fileSystemFailuresAreSaidInWordsNotClassNames() {
        assertEquals("out.txt/sub: not a directory", llm.io.Failures.fileProblem(new java.io.UncheckedIOException(
                new java.nio.file.FileSystemException("out.txt/sub", null, "Not a directory"))));
        assertEquals("/proc/foo: no such file or directory",
                llm.io.Failures.fileProblem(new java.nio.file.NoSuchFileException("/proc/foo")));
        assertEquals("a: permission denied", llm.io.Failures.fileProblem(new java.nio.file.AccessDeniedException("a")));
        assertEquals(null, llm.io.Failures.fileProblem(new IllegalStateException("x")));
    }

    @Test
    void deviceHelpSaysCudaIsAnAliasOfGpu() {
        for (String cmd : new String[] {"sample", "score", "train"}) {
            String help = Llm.newCommandLine().getSubcommands().get(cmd).getUsageMessage().replaceAll("\\s+", "");
            org.junit.jupiter.api.Assertions.assertTrue(help.contains("(cudaandcuda:N,asPyTorchwritesthem,are"
                    + "thesameasgpuandgpu:N)"), cmd + ": " + help);
        }
    }
}
