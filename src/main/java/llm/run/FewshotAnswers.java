package llm.run;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import llm.UserException;
import llm.eval.fewshot.Accuracy;
import llm.eval.fewshot.Completer;
import llm.eval.fewshot.Example;
import llm.eval.fewshot.FewshotEval;
import llm.eval.fewshot.FewshotPrompt;
import llm.eval.fewshot.Shots;
import llm.io.Log;

/**
 * {@code llm fewshot}'s generating modes over examples: answer queries (--query, or one per line of stdin) and measure
 * exact-match accuracy on --eval items, at one number of shots or a --sweep-shots list.
 *
 * @param base the prompt without shots (instruction, template, delimiter, stops)
 * @param pool the --examples
 * @param shots --shots, or null for all
 * @param sweep --sweep-shots as given, or null
 * @param seed --seed for drawing shots, or null for the first K
 */
public record FewshotAnswers(FewshotPrompt base, List<Example> pool, Integer shots, String sweep, Long seed,
        boolean showPrompt, boolean json) {

    /** Answer {@code query}, or each line of stdin when it is null. */
    public void queries(PrintWriter out, Completer completer, int max, String query) {
        int k = shots != null ? shots : pool.size();
        FewshotPrompt prompt = base.withShots(Shots.select(pool, k, seed));
        Log.debug("%d shots of %d examples", k, pool.size());
        if (query != null) {
            answer(out, completer, prompt, query, max);
            return;
        }
        if (System.console() != null) {
            Log.info("reading queries from the terminal, one per line (Ctrl-D to end)");
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                answer(out, completer, prompt, line, max);
            }
        } catch (IOException e) {
            throw UserException.runtime("stdin: cannot read: " + e.getMessage());
        }
    }

    private void answer(PrintWriter out, Completer completer, FewshotPrompt prompt, String q, int max) {
        showPrompt(prompt, q);
        String a = prompt.ask(completer, q, max);
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("query", q);
            o.addProperty("answer", a);
            out.println(o);
        } else {
            out.println(oneLine(a));
        }
        out.flush();
    }

    private void showPrompt(FewshotPrompt prompt, String q) {
        if (showPrompt) {
            Log.err().println(prompt.build(q));
            Log.err().println("----");
        }
    }

    /** An answer on one line: newlines inside it become spaces (--json keeps them). */
    static String oneLine(String s) {
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    /** Accuracy on {@code items} at each number of shots: a line, a table for a sweep, or JSON Lines. */
    public void eval(PrintWriter out, Completer completer, int max, List<Example> items) {
        int overlap = FewshotEval.overlap(pool, items);
        if (overlap > 0) {
            Log.warn("%d of the %d --eval items also appear in --examples (not held out)", overlap, items.size());
        }
        List<Example> order = Shots.order(pool, seed);
        int[] ks = sweep != null ? Shots.parseSweep(sweep) : new int[] {shots != null ? shots : pool.size()};
        for (int k : ks) {
            Shots.check(sweep != null ? "--sweep-shots" : "--shots", k, pool.size());
        }
        long t0 = System.nanoTime();
        List<Accuracy> rows = new ArrayList<>();
        for (int k : ks) {
            FewshotPrompt p = base.withShots(order.subList(0, k));
            showPrompt(p, items.get(0).input());
            Accuracy a = FewshotEval.evaluate(completer, p, items, max, pr -> Log.debug("%d shots: %s => %s (%s) %s",
                    pr.shots(), pr.item().input(), pr.answer(), pr.item().output(), pr.correct() ? "right" : "wrong"));
            rows.add(a);
            if (ks.length > 1) { // progress through a sweep; one measurement is printed on stdout as it is
                Log.info("%s  [%.1f s]", a.line(), (System.nanoTime() - t0) / 1e9);
            } else {
                Log.debug("%s  [%.1f s]", a.line(), (System.nanoTime() - t0) / 1e9);
            }
            if (json) {
                out.println(a.json());
                out.flush();
            }
        }
        if (!json) {
            out.print(sweep != null ? FewshotEval.table(rows) : rows.get(0).line() + System.lineSeparator());
            out.flush();
        }
    }
}
