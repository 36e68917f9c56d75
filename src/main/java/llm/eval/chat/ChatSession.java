package llm.eval.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import llm.UserException;
import llm.eval.fewshot.Completer;
import llm.eval.fewshot.Stops;

/**
 * A conversation on top of a {@link Transcript}. Each message becomes the last human turn of the prompt; the model's
 * continuation, cut at the next turn, is the answer. With {@code remember} (interactive use) the exchange joins the
 * prompt for the next message; when the prompt outgrows the model's context, the oldest turns go first (the
 * transcript's example turns, then the conversation's), whole exchanges at a time; the preamble always stays.
 */
public final class ChatSession {
    private final Transcript transcript;
    private final boolean remember;
    private final List<Turn> history = new ArrayList<>();

    public ChatSession(Transcript transcript, boolean remember) {
        this.transcript = transcript;
        this.remember = remember;
    }

    public Transcript transcript() {
        return transcript;
    }

    /** The conversation so far (empty unless {@code remember}). */
    public List<Turn> history() {
        return List.copyOf(history);
    }

    /**
     * The prompt for {@code message} that fits in {@code budget} tokens as counted by {@code tokens}: the oldest
     * turns are dropped until it fits. A usage error when even preamble + message do not fit.
     */
    public String prompt(String message, int budget, ToIntFunction<String> tokens) {
        List<Turn> all = new ArrayList<>(transcript.turns());
        all.addAll(history);
        int drop = 0;
        String p = transcript.prompt(all, message);
        while (tokens.applyAsInt(p) > budget) {
            if (drop == all.size()) {
                throw UserException.usage("the message and the transcript's preamble take " + tokens.applyAsInt(p)
                        + " tokens, more than the " + budget + " the model's context leaves for them");
            }
            drop++; // drop one turn, then up to the next human turn: whole exchanges go
            while (drop < all.size() && !all.get(drop).human()) {
                drop++;
            }
            p = transcript.prompt(all.subList(drop, all.size()), message);
        }
        return p;
    }

    /** Ask {@code model}; the answer is its continuation up to the next turn, white space stripped. */
    public String ask(Completer model, String message, int maxTokens, int budget, ToIntFunction<String> tokens) {
        String prompt = prompt(message, budget, tokens);
        String answer = Stops.cut(model.complete(prompt, transcript.stops(), maxTokens), transcript.stops()).strip();
        if (remember) {
            history.add(Turn.human(message.strip()));
            history.add(Turn.assistant(answer));
        }
        return answer;
    }
}
