package llm.cli;

import java.util.concurrent.Callable;
import llm.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code llm memorize-check}: being built (see its issue). */
@Command(name = "memorize-check", mixinStandardHelpOptions = true,
        description = "Audit a model for regurgitation: does it recite a text from its first tokens?",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE})
public final class MemorizeCheckCommand implements Callable<Integer> {
    @Mixin
    LogOptions log;

    @Override
    public Integer call() {
        throw UserException.runtime("memorize-check: not available in this build yet");
    }
}
