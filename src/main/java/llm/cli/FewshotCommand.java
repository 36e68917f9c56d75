package llm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import llm.UserException;
import llm.eval.chat.Transcript;
import llm.eval.fewshot.ChoiceItem;
import llm.eval.fewshot.ChoiceReader;
import llm.eval.fewshot.Completer;
import llm.eval.fewshot.Escapes;
import llm.eval.fewshot.Example;
import llm.eval.fewshot.ExampleReader;
import llm.eval.fewshot.FewshotPrompt;
import llm.eval.fewshot.GenerationCompleter;
import llm.eval.fewshot.ModelLikelihood;
import llm.eval.fewshot.Shots;
import llm.eval.fewshot.Template;
import llm.generate.Sampler;
import llm.generate.SamplingParams;
import llm.io.Log;
import llm.model.Decoder;
import llm.run.FewshotAnswers;
import llm.run.FewshotChat;
import llm.run.FewshotChoices;
import llm.run.ModelRef;
import llm.run.ModelSession;
import llm.run.Placement;
import llm.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** {@code llm fewshot}: in-context learning with few-shot prompts, multiple choice by likelihood, and chat by prompt. */
@Command(name = "fewshot", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = FewshotCommand.Defaults.class,
        description = {
            "In-context learning with a base model: few-shot prompts, multiple choice by likelihood, and chat by prompt.",
            "",
            "Few-shot: the prompt is the --instruction line (if any), then --shots examples written with --template "
                    + "and separated by --delimiter, then the query written with the template up to {output} (trailing "
                    + "spaces removed). The model continues greedily (or with --temperature etc.) until the delimiter "
                    + "or the template's text after {output}; the answer, stripped of white space, is printed alone, "
                    + "one line per query (--query, else one query per line of stdin).",
            "  Default template: '{input} => {output}'. Another: 'Q: {input}\\nA: {output}' with --delimiter '\\n\\n'. "
                    + "In --template, --delimiter, --instruction, --stop, --query and the labels, " + Escapes.HELP + ".",
            "  Examples: TSV 'input<TAB>output', or JSON Lines {\"input\": ..., \"output\": ...}. A TSV's first line "
                    + "is a header when it names the columns 'input' and 'output', names the --columns, or sits over "
                    + "a column of numbers (an index column: numbers on every later line, a word on the first); "
                    + "--columns picks other columns, by name or number alike, and a header without 'input' and "
                    + "'output' needs it.",
            "  --eval FILE reports exact-match accuracy on held-out pairs (stripped answers, case-sensitive); "
                    + "--sweep-shots 0,1,2,4,8 prints accuracy against the number of shots (the in-context learning curve).",
            "",
            "Multiple choice (--choices FILE): each ending is scored by the summed log-probability of its tokens after "
                    + "the context (continuation = ' ' + ending; lm-evaluation-harness conventions). acc counts the items "
                    + "whose best-scoring ending is right; acc_norm divides each score by the ending's length in UTF-8 "
                    + "bytes first. FILE: HellaSwag in llama.cpp's text form (6 lines per item: context, index of the "
                    + "right ending from 0, four endings; .bz2/.gz/.xz/.zst read by content) or JSON Lines "
                    + "{\"context\": ..., \"endings\": [...], \"label\": N} (also: ctx, choices, gold).",
            "",
            "Chat (--chat): each message becomes the last 'Human:' turn of a transcript (a built-in one with a helpful, "
                    + "knowledgeable assistant, or --transcript FILE) and the answer is the continuation after "
                    + "'Assistant:', cut where the model starts the next turn (a base model goes on to invent the "
                    + "human's next question). On a terminal the conversation stays in the prompt (oldest turns dropped "
                    + "when it outgrows the context, said on stderr; --keep-turns); otherwise each input line is "
                    + "answered on its own, on one line; --query 'text' asks one question from the command line.",
            "  Transcript file: plain text; lines starting 'Human:' or 'Assistant:' (see --human-label, "
                    + "--assistant-label) start turns, other lines continue the turn above; text before the first turn "
                    + "is the preamble. The colon after a label is ':' (as in the built-in transcript) or the "
                    + "full-width '\uFF1A' of Chinese text ('用户：你好'); the prompt uses the one of the file's first turn.",
        },
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE},
        footer = {
            "  llm fewshot --model M --examples en-ko.tsv \\",
            "      --instruction 'English to Korean:' --query teacher",
            "  cut -f1 words.tsv | llm fewshot --model M --examples pairs.tsv --shots 8 \\",
            "      --seed 1",
            "  llm fewshot --model M --examples train.tsv --eval test.tsv \\",
            "      --sweep-shots 0,1,2,4,8",
            "  llm fewshot --model M --choices hellaswag_val.txt.bz2 --limit 500",
            "  llm fewshot --model M --chat",
        })
public final class FewshotCommand extends LlmCommand {
    @Mixin
    ComputeOptions compute;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--examples", paramLabel = "FILE", description = "Example pairs for the prompt: TSV or JSON Lines ('-' = stdin).")
    String examples;

    @Option(names = "--columns", paramLabel = "IN,OUT",
            description = "TSV columns for input and output, by header name or number from 1 (e.g. english,french "
                    + "or 2,3). The first line is a header when it names input and output, names the --columns, or "
                    + "sits over a column of numbers (an index column, as in the Swadesh lists); with numbers and no "
                    + "such line, every line is an example.")
    String columns;

    @Option(names = "--shots", paramLabel = "K",
            description = "Examples in the prompt: the first K, or K drawn with --seed (default: all).")
    Integer shots;

    @Option(names = "--instruction", paramLabel = "TEXT", description = "A line before the examples, e.g. 'English to Korean:'; "
            + Escapes.HELP + ".")
    String instruction;

    @Option(names = "--template", paramLabel = "TEXT", defaultValue = Template.DEFAULT,
            description = "How one example is written; must hold {input} then {output}; " + Escapes.HELP
                    + ". Default: ${DEFAULT-VALUE}.")
    String template;

    @Option(names = "--delimiter", paramLabel = "TEXT", defaultValue = "\\n",
            description = "Between examples, and where an answer ends; " + Escapes.HELP
                    + ". Default: ${DEFAULT-VALUE} (a newline).")
    String delimiter;

    @Option(names = "--stop", paramLabel = "TEXT",
            description = "Also end the answer at TEXT (repeatable; " + Escapes.HELP + "), e.g. ' ' to keep one word. "
                    + "Stops count after the answer's leading spaces.")
    List<String> stops = new ArrayList<>();

    @Option(names = "--query", paramLabel = "TEXT",
            description = "The input to answer, or --chat's message (default: one per line of stdin); "
            + Escapes.HELP + ".")
    String query;

    @Option(names = "--show-prompt", description = "Print the built prompt to stderr.")
    boolean showPrompt;

    @Option(names = "--eval", paramLabel = "FILE", description = "Held-out pairs to answer: prints exact-match accuracy.")
    String eval;

    @Option(names = "--sweep-shots", paramLabel = "K,K,...",
            description = "With --eval: accuracy at each number of shots, e.g. 0,1,2,4,8.")
    String sweepShots;

    @Option(names = "--choices", paramLabel = "FILE", description = "Multiple-choice items to score (HellaSwag text form or JSON Lines).")
    String choices;

    @Option(names = "--limit", paramLabel = "N", description = "Score or evaluate only the first N items.")
    Integer limit;

    @Option(names = "--chat", description = "Chat by prompt: answer each message as the assistant of a transcript.")
    boolean chat;

    @Option(names = "--transcript", paramLabel = "FILE", description = "The conversation transcript for --chat (default: built in).")
    Path transcript;

    @Option(names = "--keep-turns", paramLabel = "N", description = "--chat: keep at most the last N turns of the "
            + "transcript and conversation, and refuse (exit 2, with the tokens needed) a prompt that still does not "
            + "fit. Default: as many as fit; the oldest exchanges are dropped, said on stderr.")
    Integer keepTurns;

    @Option(names = "--human-label", paramLabel = "NAME", defaultValue = Transcript.HUMAN,
            description = "The human's label in the transcript; " + Escapes.HELP + ". Default: ${DEFAULT-VALUE}.")
    String humanLabel;

    @Option(names = "--assistant-label", paramLabel = "NAME", defaultValue = Transcript.ASSISTANT,
            description = "The assistant's label in the transcript; " + Escapes.HELP + ". Default: ${DEFAULT-VALUE}.")
    String assistantLabel;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N",
            description = "At most N new tokens per answer (default: 32 for few-shot; for --chat 128, or a quarter of "
                    + "the model's context when that is less). Never more than half the context, in every mode: the "
                    + "other half keeps the prompt's end, where the query is (a larger N is lowered, with a warning).")
    Integer maxTokens;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--json", description = "JSON Lines on stdout (answers with their query; accuracy and scores with counts).")
    boolean json;

    // read before the model loads, so that a bad file or template fails at once
    private FewshotPrompt base;
    private List<Example> pool;
    private List<Example> evalItems;
    private List<ChoiceItem> choiceItems;
    private Transcript chatTranscript;

    @Override
    public Integer call() {
        validate();
        SamplingParams params = sampling.params();
        readInputs();
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        ModelRef ref = modelOptions.ref();
        Placement device = compute.placement();
        try (ModelSession session = ModelSession.open(ref, device)) {
            Log.debug("model %s loaded in %.1f s", modelOptions.modelPath(), (System.nanoTime() - t0) / 1e9);
            Tokenizer tok = session.tokenizer();
            // Llama / Mistral models were trained with BOS first; GPT-2, GPT-Neo(X) and Qwen2 text starts without one
            // (as in lm-evaluation-harness)
            int start = session.config().arch().startsWithBos() ? tok.bos().orElse(-1) : -1;
            if (choices != null) {
                FewshotChoices.run(new FewshotChoices.Settings(showPrompt, json), choiceItems, tok,
                        new ModelLikelihood(session.logProbs(), start), out);
                return ExitCodes.OK;
            }
            answerAll(session, params, start, out);
        }
        Log.debug("done in %.1f s", (System.nanoTime() - t0) / 1e9);
        return ExitCodes.OK;
    }

    /** The items, examples or transcript, read before the model loads so that a bad file or template fails at once. */
    private void readInputs() {
        if (choices != null) {
            choiceItems = ChoiceReader.read(choices, limit == null ? 0 : limit);
        } else if (chat) {
            chatTranscript = FewshotChat.transcript(transcript, humanLabel, assistantLabel);
        } else {
            base = basePrompt();
            pool = ExampleReader.read(examples, columns);
            if (shots != null) {
                Shots.check(shots, pool.size());
            }
            if (sweepShots != null) {
                for (int k : Shots.parseSweep(sweepShots)) {
                    Shots.check("--sweep-shots", k, pool.size());
                }
            }
            if (eval != null) {
                evalItems = ExampleReader.read(eval, columns);
                if (limit != null && evalItems.size() > limit) {
                    evalItems = evalItems.subList(0, limit);
                }
            }
        }
    }

    /** Few-shot queries, --eval or --chat: the model answers by generating, greedily unless asked otherwise. */
    private void answerAll(ModelSession session, SamplingParams params, int start, PrintWriter out) {
        Tokenizer tok = session.tokenizer();
        Set<Integer> endIds = new HashSet<>();
        tok.eos().ifPresent(endIds::add);
        if (session.ref().llama2c()) {
            tok.bos().ifPresent(endIds::add); // run.c ends a story at BOS
        }
        long seed = params.greedy() && compute.seedOrNull() == null ? 0 : compute.seed();
        int ctx = session.config().ctx();
        try (Decoder decoder = session.decoder(ctx)) {
            Completer completer = new GenerationCompleter(ModelSession.stepper(decoder), tok,
                    new Sampler(params, seed), endIds, start);
            if (chat) {
                int max = answerTokens(Math.min(128, ctx / 4), ctx);
                FewshotChat.Settings settings = new FewshotChat.Settings(humanLabel, assistantLabel, showPrompt,
                        json, max, ctx - max, start >= 0, keepTurns, query);
                FewshotChat.run(settings, chatTranscript, out, completer, tok);
            } else {
                FewshotAnswers answers = new FewshotAnswers(base, pool, shots, sweepShots, compute.seedOrNull(),
                        showPrompt, json);
                if (eval != null) {
                    answers.eval(out, completer, answerTokens(32, ctx), evalItems);
                } else {
                    answers.queries(out, completer, answerTokens(32, ctx), query);
                }
            }
        }
    }

    /** Few-shot answers are greedy unless asked otherwise: --temperature defaults to 0 here (1 in sample). */
    static final class Defaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            return arg.isOption() && "--temperature".equals(((OptionSpec) arg).longestName()) ? "0" : null;
        }
    }

    private void validate() {
        query = Escapes.decode("--query", query); // the one rule for text flags, before anything uses them
        humanLabel = Escapes.decode("--human-label", humanLabel);
        assistantLabel = Escapes.decode("--assistant-label", assistantLabel);
        int modes = (choices != null ? 1 : 0) + (chat ? 1 : 0) + (eval != null ? 1 : 0);
        if (modes > 1) {
            throw UserException.usage("--choices, --chat and --eval are different modes: give one of them");
        }
        if (sweepShots != null && eval == null) {
            throw UserException.usage("--sweep-shots needs --eval FILE (the held-out pairs to measure)");
        }
        if (sweepShots != null && shots != null) {
            throw UserException.usage("--sweep-shots and --shots exclude each other");
        }
        if (!chat && !(choices != null) && examples == null) {
            throw UserException.usage("--examples FILE is required (or use --choices or --chat)");
        }
        if (choices != null && query != null) {
            throw UserException.usage("--query is for few-shot prompts and --chat, not --choices");
        }
        if ((chat || choices != null) && (examples != null || shots != null || !stops.isEmpty())) {
            throw UserException.usage("--examples, --shots and --stop are for few-shot prompts, not --choices or --chat");
        }
        if (keepTurns != null && (!chat || keepTurns < 0)) {
            throw UserException.usage(chat ? "--keep-turns must be 0 or more, not " + keepTurns
                    : "--keep-turns needs --chat");
        }
        if (!chat && transcript != null) {
            throw UserException.usage("--transcript needs --chat");
        }
        if (limit != null && limit < 1) {
            throw UserException.usage("--limit must be at least 1, not " + limit);
        }
        if (maxTokens != null && maxTokens < 1) {
            throw UserException.usage("--max-tokens must be at least 1, not " + maxTokens);
        }
        if (query != null && eval != null) {
            throw UserException.usage("--query and --eval exclude each other");
        }
        if (examples != null && "-".equals(examples) && query == null && eval == null) {
            throw UserException.usage("--examples - reads stdin, so give the query with --query");
        }
    }

    // ---- few-shot ----

    private FewshotPrompt basePrompt() {
        Template t = Template.parse(Escapes.decode("--template", template));
        List<String> extra = new ArrayList<>();
        for (String s : stops) {
            if (s.isEmpty()) {
                throw UserException.usage("--stop must not be empty");
            }
            extra.add(Escapes.decode("--stop", s));
        }
        return new FewshotPrompt(Escapes.decode("--instruction", instruction), t, Escapes.decode("--delimiter", delimiter),
                List.of(), extra);
    }

    /**
     * New tokens per answer: -n (or {@code dflt}), at most half the context, as the help says, in every mode. More
     * would leave the prompt less than half of the context, and a prompt cut to fit loses its start first: with -n
     * near the context only the last token or so of the query would be left.
     */
    private int answerTokens(int dflt, int ctx) {
        int half = Math.max(1, ctx / 2);
        int n = maxTokens != null ? maxTokens : dflt;
        if (n > half) {
            if (maxTokens != null) {
                Log.warn("-n %d is more than half the model's context of %d: at most %d new tokens per answer, so that "
                        + "the prompt keeps the other half", n, ctx, half);
            }
            n = half;
        }
        return n;
    }
}
