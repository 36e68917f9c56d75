package llm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import llm.UserException;
import llm.engine.Engines;
import llm.io.ClosedPipeException;
import llm.io.Failures;
import llm.io.Log;
import llm.io.Stdio;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Spec;

/** The root command: {@code llm <command> [options]}. */
@Command(
        name = "llm",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "A command-line toolkit for base language models: tokenize text, train a GPT-style model, "
                    + "sample from it, audit it for memorized text, prompt it with few-shot examples, and score it.",
            "Commands read stdin when given '-' and write data to stdout; progress and logs go to stderr."
        },
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE,
            "3:memorize-check: the fraction of memorized documents exceeds --fail-above.",
            "4:train: the loss diverged (NaN or infinite); the last good checkpoint is kept.",
            "130:Interrupted (Ctrl-C); train saves a checkpoint first (143 on SIGTERM)."},
        footer = {
            "  llm sample --prefix \"Once upon a time\" -n 50",
            "  llm sample --prefix \"The\" | llm tokenize --count",
            "  llm train --data corpus.txt --vocab-size 2048 --preset tiny --steps 200 \\",
            "      --out my-model",
            "  llm info --model my-model",
            "See 'llm help COMMAND' for the options of one command."
        })
public final class Llm implements Runnable {
    @Spec
    CommandSpec spec;

    /** Shared options given before the command ({@code llm --device cpu sample}); commands read them as defaults. */
    @picocli.CommandLine.Mixin
    ComputeOptions compute;

    @picocli.CommandLine.Mixin
    LogOptions log;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** The commands, in the order of {@code llm --help}. */
    static final List<Class<?>> COMMANDS = List.of(TokenizeCommand.class, TrainCommand.class, SampleCommand.class,
            MemorizeCheckCommand.class, FewshotCommand.class, ScoreCommand.class, ExtractCommand.class,
            InfoCommand.class, CostCommand.class, EnvCommand.class, HelpCommand.class);

    /** A configured command line with every command: our error handlers, UTF-8 stdout that reports a closed pipe. */
    public static CommandLine newCommandLine() {
        return newCommandLine(COMMANDS);
    }

    /**
     * The command line for {@code args}: only the command that args name, when they name one (other than help).
     * picocli builds a command's model by reflection over its options, ~50 ms per command at start-up; a run only
     * needs its own. Without a recognisable command (no command, a typo, {@code help}) every command is there, for
     * the command list, suggestions and help.
     */
    static CommandLine newCommandLine(String... args) {
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            for (Class<?> c : COMMANDS) {
                Command ann = c.getAnnotation(Command.class);
                if (ann.name().equals(a)) {
                    return newCommandLine(c == HelpCommand.class ? COMMANDS : List.of(c));
                }
            }
        }
        return newCommandLine(COMMANDS);
    }

    private static CommandLine newCommandLine(List<Class<?>> commands) {
        CommandLine cmd = withHeadings(new CommandLine(new Llm()));
        for (Class<?> c : commands) {
            cmd.addSubcommand(withHeadings(new CommandLine(instantiate(c))));
        }
        cmd.setOut(Stdio.textOut());
        cmd.setErr(new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        // (nested classes, not lambdas: a lambda's class is generated at run time through the JDK's ASM, a few tens
        // of ms of every start-up, and the JIT then compiles that generator instead of the command's own code)
        cmd.setExecutionExceptionHandler(new Handlers());
        cmd.setParameterExceptionHandler(new Handlers());
        cmd.setUsageHelpAutoWidth(true);
        cmd.setExecutionStrategy(new Handlers());
        return cmd;
    }

    /**
     * Every command's help titles its sections alike, so the headings are set here, once: "Exit codes:" over the
     * exit code list and "Examples:" over the footer, unless the command's annotation names another (train's presets).
     */
    private static CommandLine withHeadings(CommandLine cl) {
        UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
        if (usage.exitCodeListHeading().isEmpty()) {
            usage.exitCodeListHeading("%nExit codes:%n");
        }
        if (usage.footerHeading().isEmpty() && usage.footer().length > 0) {
            usage.footerHeading("%nExamples:%n");
        }
        return cl;
    }

    private static Object instantiate(Class<?> c) {
        try {
            return c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + c.getName(), e);
        }
    }

    /** Our error handlers and execution strategy for picocli. */
    private static final class Handlers implements CommandLine.IExecutionExceptionHandler,
            CommandLine.IParameterExceptionHandler, CommandLine.IExecutionStrategy {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
            return Llm.handleExecutionException(ex, cmd, parsed);
        }

        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            return Llm.handleParameterException(ex, args);
        }

        @Override
        public int execute(CommandLine.ParseResult parsed) {
            applyLogLevel(parsed);
            try {
                return new CommandLine.RunLast().execute(parsed);
            } catch (ClosedPipeException | UserException e) { // printing --help or --version (picocli does not wrap)
                return Llm.handleExecutionException(e, parsed.commandSpec().commandLine(), parsed);
            }
        }
    }

    /** {@code -q}/{@code -v} given anywhere on the command line set the stderr verbosity. */
    static void applyLogLevel(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                Log.setLevel(Log.Level.VERBOSE);
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            } else if (p.hasMatchedOption("--quiet")) {
                Log.setLevel(Log.Level.QUIET);
            }
        }
    }

    /** Parse and run {@code args}; returns the exit code. */
    public static int run(String... args) {
        Engines.configureOffline();
        Log.setLevel(Log.Level.NORMAL);
        args = DocumentOptions.keepTitleFiles(args);
        CommandLine cmd = newCommandLine(args);
        int code;
        try {
            code = cmd.execute(args);
        } catch (ClosedPipeException | UserException e) {
            code = handleExecutionException(e, cmd, null);
        }
        try {
            cmd.getOut().flush();
        } catch (ClosedPipeException e) {
            // reader gone: fine
        } catch (UserException e) { // stdout: No space left on device (said once: not when the command failed on it)
            if (code == ExitCodes.OK) {
                code = handleExecutionException(e, cmd, null);
            }
        }
        return code;
    }

    static int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        Throwable t = ex;
        for (Throwable c = ex; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ClosedPipeException) {
                return ExitCodes.OK;
            }
            if (c instanceof UserException) {
                t = c;
                break;
            }
        }
        PrintWriter err = cmd.getErr();
        if (t instanceof UserException ue) {
            err.println("llm: " + ue.getMessage());
            if (Log.verbose() && ue.getCause() != null) {
                ue.getCause().printStackTrace(err);
            }
            err.flush();
            return ue.exitCode();
        }
        if (ex instanceof CommandLine.ParameterException pe) {
            return handleParameterException(pe, new String[0]);
        }
        String fileProblem = Failures.fileProblem(ex);
        if (fileProblem != null) {
            err.println("llm: " + fileProblem);
            if (Log.verbose()) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.RUNTIME;
        }
        err.println("llm: " + cmd.getCommandName() + " failed: " + Failures.describe(ex)
                + (Log.verbose() ? "" : " (run with -v for details)"));
        if (Log.verbose()) {
            StringWriter sw = new StringWriter();
            ex.printStackTrace(new PrintWriter(sw));
            err.print(sw);
        }
        err.flush();
        return ExitCodes.RUNTIME;
    }

    /**
     * Whether a suggestion is close enough to what was typed to be worth saying: at most a third of the typed name's
     * letters differ (edit distance; "sampel" → "sample" yes, "nosuch" → "cost" no).
     */
    static boolean close(String typed, String suggestion) {
        String a = typed.replaceFirst("^-+", "").replaceFirst("=.*", "");
        return distance(a, suggestion.replaceFirst("^-+", "")) <= Math.max(1, a.length() / 3);
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * What to add to "unknown option/command X": "; did you mean 'Y'?" for the nearest of {@code spec}'s option names
     * (X starts with '-') or command names when it is {@link #close}; for a command with none close, the list of
     * commands; otherwise nothing.
     */
    static String suggestion(CommandSpec spec, String typed) {
        boolean option = typed.startsWith("-");
        List<String> names = new ArrayList<>();
        if (option) {
            spec.options().forEach(o -> names.addAll(List.of(o.names())));
        } else {
            names.addAll(spec.subcommands().keySet());
        }
        String bare = typed.replaceFirst("^-+", "").replaceFirst("=.*", "");
        String best = names.stream().filter(n -> n.startsWith("-") == option)
                .min(Comparator.comparingInt(n -> distance(bare, n.replaceFirst("^-+", "")))).orElse(null);
        if (best != null && close(typed, best)) {
            return "; did you mean '" + best + "'?";
        }
        return option || names.isEmpty() ? "" : "; the commands are " + String.join(", ", names);
    }

    static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String path = cmd.getCommandSpec().qualifiedName();
        String message = ex.getMessage();
        Matcher help = Pattern.compile("Unknown subcommand '(.*)'\\.").matcher(message);
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String typed = u.getUnmatched().get(0);
            boolean command = cmd.getCommandSpec().parent() == null && !typed.startsWith("-");
            if (command) {
                message = "unknown command '" + typed + "'"; // (not picocli's list of every later word)
            }
            // (our own nearest name: picocli suggests no option for the root's `--versoin`)
            message += command || typed.startsWith("-") ? suggestion(cmd.getCommandSpec(), typed) : "";
        } else if (help.matches()) { // `llm help nosuch`: as `llm nosuch` says it
            message = "unknown command '" + help.group(1) + "'" + suggestion(cmd.getCommandSpec().root(), help.group(1));
            path = cmd.getCommandSpec().root().qualifiedName();
        }
        err.println("llm: " + message + " (see '" + path + " --help')");
        err.flush();
        return ExitCodes.USAGE;
    }
}
