package llm.run;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.ToIntFunction;
import llm.UserException;
import llm.eval.chat.ChatSession;
import llm.eval.chat.Transcript;
import llm.eval.fewshot.Completer;
import llm.io.Log;
import llm.tokenizer.Tokenizer;

/** {@code llm fewshot --chat}: a transcript as the prompt, one answer per message read from stdin. */
public final class FewshotChat {
    /**
     * How a chat is read and printed.
     *
     * @param maxTokens new tokens per answer
     * @param budget    tokens the prompt may take (the context less {@code maxTokens})
     * @param bos       whether every prompt starts with BOS (counted in the budget)
     * @param keepTurns --keep-turns (null: as many as fit, the dropped ones said on stderr)
     * @param query     --query: the one message to answer (null: one per line of stdin)
     */
    public record Settings(String humanLabel, String assistantLabel, boolean showPrompt, boolean json, int maxTokens,
            int budget, boolean bos, Integer keepTurns, String query) {}

    private FewshotChat() {}

    /** --transcript, or the built-in one (with --human-label/--assistant-label put in when given). */
    public static Transcript transcript(Path file, String humanLabel, String assistantLabel) {
        if (file != null) {
            Transcript t = Transcript.read(file, humanLabel, assistantLabel);
            if (t.turns().isEmpty()) { // the model then sees no example of a turn: likely other labels
                Log.warn("%s: no line starts with '%s:' or '%s:', so all of it is preamble (other labels: "
                        + "--human-label, --assistant-label)", file, humanLabel, assistantLabel);
            }
            return t;
        }
        return Transcript.parse(Transcript.DEFAULT_TEXT.replace("\nHuman:", "\n" + humanLabel + ":")
                .replace("\nAssistant:", "\n" + assistantLabel + ":"), humanLabel, assistantLabel, "the built-in transcript");
    }

    /** Answers each line of stdin in turn; on a terminal a message that does not fit is a warning, not the end. */
    public static void run(Settings s, Transcript t, PrintWriter out, Completer completer, Tokenizer tok) {
        boolean interactive = s.query() == null && System.console() != null;
        ChatSession session = new ChatSession(t, interactive, s.keepTurns());
        ToIntFunction<String> count = text -> tok.encode(text).length + (s.bos() ? 1 : 0);
        int[] told = {0}; // turns dropped as last said on stderr: said again only when it changes
        if (s.query() != null) { // a one-shot question from the command line
            print(s, out, s.query(), answer(s, session, completer, s.query(), count, false, told), false);
            return;
        }
        if (interactive) {
            Log.info("chat: type a message and Enter; Ctrl-D to end");
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (true) {
                if (interactive) {
                    Log.err().print(s.humanLabel() + ": ");
                    Log.err().flush();
                }
                String line = in.readLine();
                if (line == null) {
                    break;
                }
                if (line.isBlank() && interactive) {
                    continue;
                }
                String answer = answer(s, session, completer, line, count, interactive, told);
                if (answer != null) {
                    print(s, out, line, answer, interactive);
                }
            }
        } catch (IOException e) {
            throw UserException.runtime("stdin: cannot read: " + e.getMessage());
        }
    }

    /** The answer to one message; null when it did not fit and the chat goes on (a terminal). */
    private static String answer(Settings s, ChatSession session, Completer completer, String line,
            ToIntFunction<String> count, boolean interactive, int[] told) {
        try {
            ChatSession.Fit fit = session.fit(line, s.budget(), count);
            if (s.keepTurns() == null && fit.dropped() > 0 && fit.dropped() != told[0]) { // not dropped on purpose
                Log.warn("chat: dropped the oldest %d of %d turns to fit the model's context (%d tokens for the "
                        + "prompt; it now takes %d); --keep-turns N keeps fewer on purpose, --show-prompt shows it",
                        fit.dropped(), fit.dropped() + fit.kept(), s.budget(), fit.tokens());
            }
            told[0] = fit.dropped();
            String prompt = fit.prompt();
            if (s.showPrompt()) {
                Log.err().println(prompt);
                Log.err().println("----");
            }
            return session.ask(completer, line, s.maxTokens(), s.budget(), count);
        } catch (UserException e) {
            if (!interactive) {
                throw e;
            }
            Log.warn("%s", e.getMessage());
            return null;
        }
    }

    private static void print(Settings s, PrintWriter out, String line, String answer, boolean interactive) {
        if (s.json()) {
            JsonObject o = new JsonObject();
            o.addProperty("message", line);
            o.addProperty("answer", answer);
            out.println(o);
        } else if (interactive) {
            out.println(s.assistantLabel() + ": " + answer);
        } else {
            out.println(FewshotAnswers.oneLine(answer));
        }
        out.flush();
    }
}
