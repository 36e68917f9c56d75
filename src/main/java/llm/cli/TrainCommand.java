package llm.cli;

import java.util.concurrent.Callable;
import llm.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code llm train}: being built (see its issue). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Pretrain a GPT-style model on a text corpus; writes a release directory.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE})
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    LogOptions log;

    @Override
    public Integer call() {
        throw UserException.runtime("train: not available in this build yet");
    }
}
