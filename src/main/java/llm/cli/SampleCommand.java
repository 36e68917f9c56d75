package llm.cli;

import java.util.concurrent.Callable;
import llm.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code llm sample}: being built (see its issue). */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Continue a prefix with a base model, stochastically or greedily.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE})
public final class SampleCommand implements Callable<Integer> {
    @Mixin
    LogOptions log;

    @Override
    public Integer call() {
        throw UserException.runtime("sample: not available in this build yet");
    }
}
