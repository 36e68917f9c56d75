package llm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The bash completion script ({@code completions/llm.bash}): picocli's, plus what it cannot know from our types.
 * Inputs are {@code String}s (so that "-" can mean stdin), which picocli completes with nothing; here an argument
 * whose label names a file ({@code FILE}, {@code PATH}, {@code DIR}, {@code M}, {@code MODEL}) completes file names,
 * and one whose label lists its values ({@code auto|cpu|gpu|gpu:N}) completes those.
 */
final class Completion {
    private static final List<String> FILE_LABELS = List.of("FILE", "FILES", "PATH", "DIR", "M", "MODEL");
    private static final String FILES_CASE = "      local IFS=$'\\n'\n"
            + "      type compopt &>/dev/null && compopt -o filenames\n"
            + "      COMPREPLY=( $( compgen -f -- \"${curr_word}\" ) ) # files\n"
            + "      return $?\n"
            + "      ;;\n";
    private static final String PICOCLI_POSITIONALS = "    local positionals=\"\"\n"
            + "    local IFS=$'\\n'\n"
            + "    COMPREPLY=( $(compgen -W \"${commands// /$'\\n'}${IFS}${positionals}\" -- \"${curr_word}\") )\n";
    private static final String FILE_POSITIONALS = "    local IFS=$'\\n'\n"
            + "    type compopt &>/dev/null && compopt -o filenames\n"
            + "    COMPREPLY=( $( compgen -f -- \"${curr_word}\" ) ) # files\n";

    private Completion() {}

    static String bash(CommandLine root) {
        String script = AutoComplete.bash("llm", root);
        for (CommandLine sub : root.getSubcommands().values()) {
            String fn = "function _picocli_llm_" + sub.getCommandName().replace("-", "") + "() {\n";
            int start = script.indexOf(fn);
            if (start < 0) {
                continue;
            }
            int end = script.indexOf("\n}\n", start) + 3;
            script = script.substring(0, start) + patch(script.substring(start, end), sub) + script.substring(end);
        }
        return script;
    }

    /** One subcommand's function, with file and value completion where the labels say so. */
    private static String patch(String fn, CommandLine sub) {
        for (OptionSpec o : sub.getCommandSpec().options()) {
            if (o.arity().max() == 0 || o.completionCandidates() != null || isFileType(o)) {
                continue; // flags, and what picocli completes itself
            }
            String reply = reply(o.paramLabel());
            if (reply == null) {
                continue;
            }
            List<String> quoted = new ArrayList<>();
            for (String n : o.names()) {
                quoted.add("'" + n + "'");
            }
            String empty = "    " + String.join("|", quoted) + ")\n      return\n      ;;\n";
            fn = fn.replace(empty, "    " + String.join("|", quoted) + ")\n" + reply);
        }
        boolean filePositional = sub.getCommandSpec().positionalParameters().stream()
                .anyMatch(p -> names(p) && !p.hidden());
        if (filePositional && sub.getSubcommands().isEmpty()) {
            fn = fn.replace(PICOCLI_POSITIONALS, FILE_POSITIONALS);
        }
        return fn;
    }

    private static boolean names(PositionalParamSpec p) {
        return FILE_LABELS.contains(firstWord(p.paramLabel()));
    }

    private static boolean isFileType(ArgSpec a) {
        return a.type() == java.io.File.class || a.type() == java.nio.file.Path.class;
    }

    /** "PATH[:WEIGHT]" is a path, "<file>" a file: the label's first word, upper-cased. */
    private static String firstWord(String paramLabel) {
        return paramLabel.replaceAll("[<>]", "").split("[^A-Za-z]", 2)[0].toUpperCase(Locale.ROOT);
    }

    /** The case body completing an option's value, or null to leave picocli's (nothing). */
    private static String reply(String paramLabel) {
        if (paramLabel.contains("|")) {
            List<String> values = new ArrayList<>();
            for (String v : paramLabel.split("\\|")) {
                if (v.matches("[a-z0-9][a-z0-9-]*(:N)?")) {
                    values.add(v.replace(":N", ":0"));
                }
            }
            return values.isEmpty() ? null : "      COMPREPLY=( $(compgen -W \"" + String.join(" ", values)
                    + "\" -- \"${curr_word}\") )\n      return $?\n      ;;\n";
        }
        return FILE_LABELS.contains(firstWord(paramLabel)) ? FILES_CASE : null;
    }
}
