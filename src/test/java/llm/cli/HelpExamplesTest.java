package llm.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import org.junit.jupiter.api.Test;

/**
 * The examples a user pastes: every {@code llm ...} invocation in a command's help footer and every {@code bin/llm}
 * line in the README's code blocks must parse (known options, right arity), and help examples must fit the 80
 * columns picocli wraps at (a wrapped example no longer pastes).
 */
class HelpExamplesTest {
    static final int WIDTH = 80;

    @Test
    void helpExamplesParseAndFitTheTerminal() {
        int checked = 0;
        List<String> problems = new ArrayList<>();
        for (CommandLine c : DocsTest.commands(Llm.newCommandLine())) {
            CommandSpec spec = c.getCommandSpec();
            String[] footer = spec.usageMessage().footer();
            for (String line : footer) {
                for (String l : line.split("\n")) {
                    if (l.length() > WIDTH && words(l).contains("llm")) {
                        problems.add(spec.qualifiedName() + " --help: example wider than " + WIDTH
                                + " columns (picocli wraps it): " + l);
                    }
                }
            }
            for (String example : joinContinuations(List.of(footer))) {
                checked += checkInvocations(spec.qualifiedName() + " --help", example, "llm", problems);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(checked >= 15, "found " + checked + " examples");
    }

    @Test
    void readmeCommandsParse() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        List<String> code = new ArrayList<>();
        boolean in = false;
        for (String l : lines) {
            if (l.startsWith("```")) {
                in = !in;
            } else if (in) {
                code.add(l.startsWith("$ ") ? l.substring(2) : l);
            }
        }
        int checked = 0;
        List<String> problems = new ArrayList<>();
        for (String example : joinContinuations(code)) {
            checked += checkInvocations("README.md", example, "bin/llm", problems);
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(checked >= 10, "found " + checked + " README commands");
    }

    /** Lines ending in a backslash continue on the next line, as in a shell. */
    static List<String> joinContinuations(List<String> lines) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String l : lines) {
            String s = l.strip();
            if (s.endsWith("\\")) {
                cur.append(s, 0, s.length() - 1).append(' ');
            } else {
                out.add(cur.append(s).toString());
                cur.setLength(0);
            }
        }
        return out;
    }

    /** Parses each {@code program ...} command of a shell line (split at |, && and ;; # starts a comment). */
    static int checkInvocations(String where, String line, String program, List<String> problems) {
        int n = 0;
        List<String> cmd = new ArrayList<>();
        List<String> words = words(line);
        words.add("|");
        for (String w : words) {
            if (w.equals("|") || w.equals("&&") || w.equals(";")) {
                if (cmd.size() > 0 && cmd.get(0).equals(program)) {
                    String[] args = cmd.subList(1, cmd.size()).toArray(new String[0]);
                    try {
                        Llm.newCommandLine().parseArgs(args);
                    } catch (CommandLine.ParameterException e) {
                        problems.add(where + ": '" + line + "' does not parse: " + e.getMessage());
                    }
                    n++;
                }
                cmd.clear();
            } else {
                cmd.add(w);
            }
        }
        return n;
    }

    /** Shell words: quotes group, unquoted |, && and ; are words of their own, an unquoted # ends the line. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                w = w == null ? new StringBuilder() : w;
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    out.add(w.toString());
                    w = null;
                }
            } else if (c == '#' && w == null) {
                break;
            } else if (c == '|' || c == ';' || (c == '&' && i + 1 < line.length() && line.charAt(i + 1) == '&')) {
                if (w != null) {
                    out.add(w.toString());
                    w = null;
                }
                out.add(c == '&' ? "&&" : String.valueOf(c));
                i += c == '&' ? 1 : 0;
            } else {
                w = w == null ? new StringBuilder() : w;
                w.append(c);
            }
        }
        if (w != null) {
            out.add(w.toString());
        }
        return out;
    }
}
