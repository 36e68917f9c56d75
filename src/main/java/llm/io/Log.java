package llm.io;

import java.io.PrintStream;

/**
 * Messages for people, on stderr: progress, timings, the seed that was picked. Never data.
 * {@code -q} silences {@link #info}; {@code -v} enables {@link #debug}. Warnings always show.
 */
public final class Log {
    public enum Level { QUIET, NORMAL, VERBOSE }

    private static volatile Level level = Level.NORMAL;
    private static volatile PrintStream err = System.err;

    private Log() {}

    public static void setLevel(Level l) {
        level = l;
    }

    public static Level level() {
        return level;
    }

    public static void setErr(PrintStream stream) {
        err = stream;
    }

    public static PrintStream err() {
        return err;
    }

    public static boolean verbose() {
        return level == Level.VERBOSE;
    }

    public static void info(String fmt, Object... args) {
        if (level != Level.QUIET) {
            err.println(args.length == 0 ? fmt : String.format(fmt, args));
        }
    }

    public static void debug(String fmt, Object... args) {
        if (level == Level.VERBOSE) {
            err.println(args.length == 0 ? fmt : String.format(fmt, args));
        }
    }

    public static void warn(String fmt, Object... args) {
        err.println("llm: warning: " + (args.length == 0 ? fmt : String.format(fmt, args)));
    }

    /** True when stderr is a terminal that takes cursor control (progress bars only then; see {@link Color}). */
    public static boolean stderrIsTerminal() {
        return Color.controlsOnStderr();
    }
}
