package llm.run;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

/** Edits of a train command line ({@code run.json}'s list), each option given as "--x V" or "--x=V". */
final class RunArgs {
    /** Options whose value is a path: stored absolute in run.json, so --resume works from any directory. */
    static final List<String> PATH_FLAGS = List.of("--data", "--val-data", "--tokenizer");
    /** The options that name training and validation data. */
    static final List<String> DATA_FLAGS = List.of("--data", "--val-data");

    private RunArgs() {}

    /**
     * {@code args} with the values of {@link #PATH_FLAGS} made absolute ({@code --data PATH[:WEIGHT]} keeps its
     * weight), so that run.json names the same files from any working directory. "-" (stdin) stays as it is.
     */
    static List<String> absolutePaths(List<String> args) {
        return mapValues(args, PATH_FLAGS, RunArgs::absolute);
    }

    /** The option an argument names: {@code --data} for {@code --data=x}; the argument itself otherwise. */
    static String optionName(String arg) {
        int eq = arg.indexOf('=');
        return arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
    }

    /** {@code args} with the value of each option in {@code names} replaced by {@code edit(option, value)}. */
    static List<String> mapValues(List<String> args, List<String> names, BinaryOperator<String> edit) {
        List<String> res = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = optionName(arg);
            if (!names.contains(name)) {
                res.add(arg);
            } else if (!name.equals(arg)) {
                res.add(name + "=" + edit.apply(name, arg.substring(name.length() + 1)));
            } else {
                res.add(arg);
                if (i + 1 < args.size()) {
                    res.add(edit.apply(name, args.get(++i)));
                }
            }
        }
        return res;
    }

    /** {@code args} without the options named (both "--x V" and "--x=V"). */
    static List<String> without(List<String> args, List<String> names) {
        List<String> res = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (names.contains(arg)) {
                i++; // and its value
            } else if (!names.contains(optionName(arg))) {
                res.add(arg);
            }
        }
        return res;
    }

    /** Whether {@code args} give any of the options named. */
    static boolean gives(List<String> args, List<String> names) {
        return args.stream().anyMatch(arg -> names.contains(optionName(arg)));
    }

    private static String absolute(String flag, String value) {
        if (value.isEmpty() || value.equals("-") || value.startsWith("-:")) {
            return value;
        }
        try {
            if (flag.equals("--data") && !Files.exists(Path.of(value))) { // PATH:WEIGHT
                int colon = value.lastIndexOf(':');
                if (colon > 0) {
                    return Path.of(value.substring(0, colon)).toAbsolutePath().normalize() + value.substring(colon);
                }
            }
            return Path.of(value).toAbsolutePath().normalize().toString();
        } catch (InvalidPathException e) {
            return value; // parsing reports it
        }
    }
}
