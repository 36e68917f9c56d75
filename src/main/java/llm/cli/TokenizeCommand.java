package llm.cli;

import java.util.concurrent.Callable;
import llm.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code llm tokenize}: being built (see its issue). */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Text to token ids and back; train a BPE tokenizer; write token shards.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE})
public final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    LogOptions log;

    @Override
    public Integer call() {
        throw UserException.runtime("tokenize: not available in this build yet");
    }
}
