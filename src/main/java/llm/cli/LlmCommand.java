package llm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command has: its picocli model (for usage errors that name it) and {@code -q/--quiet},
 * {@code -v/--verbose}. picocli reads a superclass's annotated fields before the subclass's, so these come first, as
 * each command declared them before. (sample lists -q/-v last in its man page, so it declares its own.)
 */
abstract class LlmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LogOptions log;
}
