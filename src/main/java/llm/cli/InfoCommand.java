package llm.cli;

import java.util.concurrent.Callable;
import llm.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code llm info}: being built (see its issue). */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "What a release holds: architecture, parameter counts, tokenizer, tensors.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE})
public final class InfoCommand implements Callable<Integer> {
    @Mixin
    LogOptions log;

    @Override
    public Integer call() {
        throw UserException.runtime("info: not available in this build yet");
    }
}
