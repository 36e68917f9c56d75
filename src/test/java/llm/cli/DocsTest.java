package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import org.junit.jupiter.api.Test;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * The man pages ({@code man/*.1} roff and {@code man/*.adoc}) and the bash completion ({@code completions/llm.bash})
 * are generated from the picocli command model. This test fails when the committed files are stale.
 * Regenerate them with: {@code mvn -q test -Dtest=DocsTest -Dllm.regenerate=true}
 */
class DocsTest {
    static final Path MAN = Path.of("man");
    static final Path COMPLETIONS = Path.of("completions");

    static Map<Path, String> generate() {
        CommandLine root = Llm.newCommandLine();
        Map<Path, String> files = new LinkedHashMap<>();
        files.put(COMPLETIONS.resolve("llm.bash"), Completion.bash(root));
        for (CommandLine c : commands(Llm.newCommandLine())) {
            CommandSpec spec = c.getCommandSpec();
            files.put(MAN.resolve(spec.qualifiedName("-") + ".1"), Roff.page(spec));
        }
        for (CommandLine c : commands(root)) {
            CommandSpec spec = c.getCommandSpec();
            String base = spec.qualifiedName("-");
            StringWriter adoc = new StringWriter();
            try (PrintWriter pw = new PrintWriter(adoc)) {
                ManPageGenerator.writeSingleManPage(pw, spec);
            }
            files.put(MAN.resolve(base + ".adoc"), withEnvironment(adoc.toString()));
        }
        return files;
    }

    /** picocli's AsciiDoc page with an Environment section ({@link Environment}) before its end. */
    static String withEnvironment(String adoc) {
        StringBuilder env = new StringBuilder("// tag::llm-man-section-environment[]\n== Environment\n\n");
        for (Environment.Variable v : Environment.VARIABLES) {
            env.append('*').append(v.name()).append("*::\n  ").append(v.description()).append("\n\n");
        }
        env.append("// end::llm-man-section-environment[]\n\n");
        String end = "// end::picocli-generated-full-manpage[]";
        return adoc.contains(end) ? adoc.replace(end, env + end) : adoc + "\n" + env;
    }

    static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> out = new ArrayList<>();
        out.add(root);
        for (CommandLine sub : root.getSubcommands().values()) {
            if (!sub.getCommandSpec().usageMessage().hidden() && !out.contains(sub) && !"help".equals(sub.getCommandName())) {
                out.add(sub);
            }
        }
        return out;
    }

    @Test
    void manPagesAndCompletionsAreCurrent() throws IOException {
        Map<Path, String> files = generate();
        if (Boolean.getBoolean("llm.regenerate")) {
            Files.createDirectories(MAN);
            Files.createDirectories(COMPLETIONS);
            try (Stream<Path> old = Files.list(MAN)) {
                for (Path p : old.toList()) {
                    if (!files.containsKey(p)) {
                        Files.delete(p);
                    }
                }
            }
            for (Map.Entry<Path, String> e : files.entrySet()) {
                Files.writeString(e.getKey(), e.getValue(), StandardCharsets.UTF_8);
            }
        }
        for (Map.Entry<Path, String> e : files.entrySet()) {
            assertTrue(Files.exists(e.getKey()), e.getKey() + " is missing; regenerate with "
                    + "mvn -q test -Dtest=DocsTest -Dllm.regenerate=true");
            assertEquals(e.getValue(), Files.readString(e.getKey(), StandardCharsets.UTF_8),
                    e.getKey() + " is stale; regenerate with mvn -q test -Dtest=DocsTest -Dllm.regenerate=true");
        }
        try (Stream<Path> present = Files.list(MAN)) {
            for (Path p : present.toList()) {
                assertTrue(files.containsKey(p), p + " belongs to no command; regenerate to remove it");
            }
        }
    }

    @Test
    void everyCommandHasAManPage() {
        Map<Path, String> files = generate();
        for (String c : List.of("llm", "llm-tokenize", "llm-train", "llm-sample", "llm-memorize-check", "llm-fewshot",
                "llm-score", "llm-info", "llm-cost", "llm-env")) {
            String roff = files.get(MAN.resolve(c + ".1"));
            assertTrue(roff != null && roff.contains(".SH EXIT STATUS"), c + ".1 has an EXIT STATUS section");
            assertTrue(roff.contains(".SH ENVIRONMENT\n.TP\n.B LLM_JAVA_OPTS\n"), c + ".1 has an ENVIRONMENT section");
            assertTrue(files.get(MAN.resolve(c + ".adoc")).contains("== Environment\n\n*LLM_JAVA_OPTS*::"),
                    c + ".adoc has an Environment section");
            assertTrue(roff.chars().allMatch(ch -> ch < 128), c + ".1 is ASCII (other characters as \\[uXXXX])");
            boolean noFill = false;
            for (String line : roff.split("\n")) {
                noFill = line.equals(".nf") || (noFill && !line.equals(".fi"));
                assertTrue(!noFill || line.length() <= 120, c + ".1: a prose line left unfilled: " + line);
            }
        }
    }

    /** A plain roff rendering of one command: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, COMMANDS, EXIT STATUS. */
    static final class Roff {
        static String page(CommandSpec spec) {
            StringBuilder b = new StringBuilder();
            String name = spec.qualifiedName("-");
            b.append(".TH ").append(name.toUpperCase(java.util.Locale.ROOT)).append(" 1 \"\" \"llm ")
                    .append(VersionProvider.version()).append("\" \"llm manual\"\n");
            b.append(".nh\n"); // no hyphenation: an option split as --re-/sume reads as another option
            b.append(".SH NAME\n").append(esc(name)).append(" \\- ").append(esc(first(spec.usageMessage().description())))
                    .append('\n');
            b.append(".SH SYNOPSIS\n.nf\n").append(esc(synopsis(spec))).append(".fi\n");
            b.append(".SH DESCRIPTION\n");
            text(b, spec.usageMessage().description());
            if (!spec.options().isEmpty()) {
                b.append(".SH OPTIONS\n");
                for (OptionSpec o : spec.options()) {
                    if (o.hidden()) {
                        continue;
                    }
                    String label = String.join(", ", o.names()) + (o.arity().max() > 0 ? " " + o.paramLabel() : "");
                    b.append(".TP\n.B ").append(esc(label)).append('\n').append(esc(String.join(" ", renderedDescription(o))))
                            .append('\n');
                }
            }
            if (!spec.subcommands().isEmpty()) {
                b.append(".SH COMMANDS\n");
                for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
                    b.append(".TP\n.B ").append(esc(e.getKey())).append('\n')
                            .append(esc(first(e.getValue().getCommandSpec().usageMessage().description()))).append('\n');
                }
            }
            b.append(".SH EXIT STATUS\n");
            for (Map.Entry<String, String> e : spec.usageMessage().exitCodeList().entrySet()) {
                b.append(".TP\n.B ").append(esc(e.getKey().trim())).append('\n').append(esc(e.getValue().trim())).append('\n');
            }
            String[] footer = spec.usageMessage().footer();
            if (footer.length > 0) {
                b.append(".SH ").append(esc(section(spec.usageMessage().footerHeading()))).append('\n');
                text(b, footer);
            }
            b.append(".SH ENVIRONMENT\n");
            for (Environment.Variable v : Environment.VARIABLES) {
                b.append(".TP\n.B ").append(esc(v.name())).append('\n').append(esc(v.description())).append('\n');
            }
            if (spec.parent() != null) {
                b.append(".SH SEE ALSO\n.BR llm (1)\n");
            }
            return b.toString();
        }

        /**
         * Help-text lines as roff: a short indented line (an example, a table row) stays as written (no-fill), a blank
         * one separates paragraphs, any other is a filled paragraph of its own (indented if the line is).
         */
        static void text(StringBuilder b, String[] lines) {
            boolean noFill = false;
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].replace("%n", "\n");
                for (String l : line.split("\n", -1)) {
                    boolean indented = l.startsWith(" ");
                    boolean verbatim = indented && l.length() <= 100; // a longer indented line is prose: fill it
                    if (verbatim != noFill) {
                        b.append(verbatim ? ".nf\n" : ".fi\n");
                        noFill = verbatim;
                    }
                    if (l.isBlank()) {
                        b.append(noFill ? "\n" : ".PP\n");
                    } else if (noFill) {
                        b.append(esc(l)).append('\n');
                    } else if (indented) {
                        b.append(".RS 2\n").append(esc(l.strip())).append("\n.RE\n.PP\n");
                    } else {
                        b.append(esc(l)).append("\n.PP\n");
                    }
                }
            }
            if (noFill) {
                b.append(".fi\n");
            }
        }

        /** "%nPresets (--preset):%n" -> "PRESETS"; "%nExamples:%n" -> "EXAMPLES". */
        static String section(String heading) {
            String h = heading.replace("%n", "").replaceAll("\\s*\\(.*\\)", "").replaceAll(":\\s*$", "").trim();
            return h.isEmpty() ? "NOTES" : h.toUpperCase(java.util.Locale.ROOT);
        }

        static String synopsis(CommandSpec spec) {
            String s = spec.commandLine().getHelp().synopsis(0);
            return s.replaceAll("(?m)^Usage: ", "").replaceAll("\\s+\\n", "\n").replaceAll("\\n\\s+", "\n  ");
        }

        static List<String> renderedDescription(OptionSpec o) {
            List<String> out = new ArrayList<>();
            for (String d : o.description()) {
                out.add(d.replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue())));
            }
            return out;
        }

        static String first(String[] lines) {
            return lines.length == 0 ? "" : lines[0];
        }

        static String esc(String s) {
            String t = s.replace("\\", "\\\\").replace("-", "\\-").replace("%n", "\n");
            StringBuilder b = new StringBuilder();
            for (String line : t.split("\n", -1)) {
                if (line.startsWith(".") || line.startsWith("'")) {
                    b.append("\\&");
                }
                // non-ASCII as \[uXXXX]: groff without preconv (groff -man -Tutf8 FILE) rejects raw UTF-8 bytes
                line.codePoints().forEach(c -> b.append(c < 128 ? Character.toString(c)
                        : String.format(java.util.Locale.ROOT, "\\[u%04X]", c)));
                b.append('\n');
            }
            return b.substring(0, b.length() - 1);
        }
    }
}
