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
 * {@code keepTurns} (null: as many as fit) keeps at most the last N turns, and then a prompt that does not fit is a
 * usage error that says how many tokens it needs, instead of more turns dropped.
 */
public final class ChatSession {
    private final Transcript transcript;
    private final boolean remember;
    private final Integer keepTurns;
    private final List<Turn> history = new ArrayList<>();

    /**
     * A prompt that fits: {@code kept} turns of {@code kept + dropped} (the oldest were dropped), {@code tokens} long.
     */
    public record Fit(String prompt, int kept, int dropped, int tokens) {}

    public ChatSession(Transcript transcript, boolean remember) {
        this(transcript, remember, null);
    }

    public ChatSession(Transcript transcript, boolean remember, Integer keepTurns) {
        this.transcript = transcript;
        this.remember = remember;
        this.keepTurns = keepTurns;
    }

    public Transcript transcript() {
        return transcript;
    }

    /** The conversation so far (empty unless {@code remember}). */
    public List<Turn> history() {
        return List.copyOf(history);
    }

    /** The prompt of {@link #fit}. */
    public String prompt(String message, int budget, ToIntFunction<String> tokens) {
        return fit(message, budget, tokens).prompt();
    }

    /**
     * The prompt for {@code message} that fits in {@code budget} tokens as counted by {@code tokens}: the oldest
     * turns are dropped until it fits (with {@code keepTurns}: all but the last N, and no more). A usage error when
     * even preamble + message do not fit, or the kept turns do not.
     */
    public Fit fit(String message, int budget, ToIntFunction<String> tokens) {
        List<Turn> all = new ArrayList<>(transcript.turns());
        all.addAll(history);
        int drop = keepTurns == null || keepTurns >= all.size() ? 0 : nextHuman(all, all.size() - keepTurns);
        String p = transcript.prompt(all.subList(drop, all.size()), message);
        int n = tokens.applyAsInt(p);
        if (keepTurns != null && n > budget && drop < all.size()) {
            throw UserException.usage("the prompt with the last " + (all.size() - drop) + " turns (--keep-turns "
                    + keepTurns + ") takes " + n + " tokens, more than the " + budget + " the model's context leaves "
                    + "for it: lower --keep-turns or --max-tokens");
        }
        while (n > budget) {
            if (drop == all.size()) {
                throw UserException.usage("the message and the transcript's preamble take " + n
                        + " tokens, more than the " + budget + " the model's context leaves for them");
            }
            drop = nextHuman(all, drop + 1); // drop one turn, then up to the next human turn: whole exchanges go
            p = transcript.prompt(all.subList(drop, all.size()), message);
            n = tokens.applyAsInt(p);
        }
        return new Fit(p, all.size() - drop, drop, n);
    }

    /** The first human turn at or after {@code i} (or the end). */
    private static int nextHuman(List<Turn> all, int i) {
        while (i < all.size() && !all.get(i).human()) {
            i++;
        }
        return i;
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
