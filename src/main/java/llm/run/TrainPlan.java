package llm.run;

import llm.UserException;
import llm.compute.Quantity;
import llm.io.Log;
import llm.model.Architecture;
import llm.model.ModelConfig;
import llm.train.LrSchedule;
import llm.train.Preset;

/**
 * {@code llm train}'s options checked and resolved: the model's architecture and size (a preset's, or given), the
 * budget (steps, accumulation) and the learning-rate schedule. Everything here is decided before anything is read
 * or written; the vocabulary, and so the {@link ModelConfig}, is known once the tokenizer is.
 *
 * @param flags    the options as given
 * @param model    architecture and size
 * @param budget   steps and tokens per step
 * @param schedule the learning rate per step
 */
public record TrainPlan(TrainFlags flags, Model model, Budget budget, LrSchedule schedule) {
    /** The vocabulary the shape is checked with before the tokenizer is known (256 bytes + end of text). */
    private static final int SMALLEST_VOCAB = 257;

    /** Architecture and size; with a vocabulary, one {@link ModelConfig}. */
    public record Model(Architecture arch, int layers, int heads, int kvHeads, int dModel, int ctx) {
        /** The model to train with {@code vocab} tokens (exit 2 on a shape the architecture refuses). */
        public ModelConfig config(int vocab) {
            try {
                return arch == Architecture.GPT2 ? ModelConfig.gpt2(vocab, ctx, dModel, layers, heads)
                        : ModelConfig.llama(vocab, ctx, dModel, layers, heads, kvHeads, llamaFf(dModel), true);
            } catch (IllegalArgumentException e) {
                throw UserException.usage("model shape: " + e.getMessage());
            }
        }

        /** Llama's feed-forward width: 8/3 of d, rounded up to a multiple of 32. */
        private static int llamaFf(int dModel) {
            int ff = (int) (8.0 * dModel / 3);
            return (ff + 31) / 32 * 32;
        }
    }

    /**
     * @param accum      micro-batches per optimizer step
     * @param stepTokens tokens per optimizer step (batch × ctx × accum)
     * @param steps      optimizer steps, counted from the run's start
     * @param warmup     linear warmup steps
     */
    public record Budget(int accum, long stepTokens, long steps, long warmup) {}

    /** Checks {@code flags} in a fixed order (the first problem is the one reported; exit 2) and resolves them. */
    public static TrainPlan of(TrainFlags flags) {
        checkInputs(flags);
        checkMonitoring(flags);
        Model model = model(flags);
        Budget budget = budget(flags, model.ctx());
        double minLr = flags.minLr() != null ? flags.minLr() : flags.lr() / 10;
        LrSchedule schedule = new LrSchedule(flags.lr(), minLr, budget.warmup(), budget.steps());
        if (!(flags.weightDecay() >= 0) || Double.isInfinite(flags.weightDecay())) {
            throw UserException.usage("--weight-decay must be a number >= 0, not " + flags.weightDecay());
        }
        if (budget.warmup() > budget.steps()) {
            Log.warn("--warmup %d is more than the %s of the run: the learning rate never reaches --lr %s",
                    budget.warmup(), Quantity.plural(budget.steps(), "step"), flags.lr());
        }
        if (flags.sampleTokens() > 0 && flags.samplePrompt() != null && flags.samplePrompt().isEmpty()) {
            throw UserException.usage("--sample-prompt: empty (the greedy sample needs a prompt; --sample-tokens 0 for"
                    + " no sample)");
        }
        if (flags.vocabSize() != null && flags.vocabSize() < SMALLEST_VOCAB) {
            throw UserException.usage("--vocab-size must be at least 257 (256 bytes + <|endoftext|>), not "
                    + flags.vocabSize());
        }
        model.config(SMALLEST_VOCAB); // the shape alone
        return new TrainPlan(flags, model, budget, schedule);
    }

    /** The validation share of each --data source: --val-fraction, else 0.05 unless --val-data is given. */
    public double valFraction() {
        return flags.valFraction() != null ? flags.valFraction() : flags.valData().isEmpty() ? 0.05 : 0;
    }

    private static void checkInputs(TrainFlags flags) {
        if (flags.data().isEmpty()) {
            throw UserException.usage("--data is required (a text file, JSON Lines, directory, .tar or token shard)");
        }
        if (flags.tokenizer() == null && flags.vocabSize() == null) {
            throw UserException.usage("give --tokenizer PATH or --vocab-size N");
        }
        if (flags.tokenizer() != null && flags.vocabSize() != null) {
            throw UserException.usage("--tokenizer and --vocab-size exclude each other");
        }
        int batch = flags.batch();
        int devices = flags.devices();
        if (batch < 1) {
            throw UserException.usage("--batch must be at least 1, not " + batch);
        }
        if (devices < 1) {
            throw UserException.usage("--devices must be at least 1, not " + devices);
        }
        if (batch % devices != 0) {
            throw UserException.usage("--batch " + batch + " does not split over --devices " + devices + ": each device"
                    + " takes --batch / --devices rows, so --batch must be a multiple of " + devices);
        }
        Double valFraction = flags.valFraction();
        if (valFraction != null && !(valFraction >= 0 && valFraction < 1)) {
            throw UserException.usage("--val-fraction must be within [0, 1), not " + valFraction);
        }
    }

    private static void checkMonitoring(TrainFlags flags) {
        atLeast("--eval-every", flags.evalEvery(), 0);
        atLeast("--save-every", flags.saveEvery(), 0);
        atLeast("--log-every", flags.logEvery(), 1);
        atLeast("--eval-batches", flags.evalBatches(), 1);
        atLeast("--sample-tokens", flags.sampleTokens(), 0);
        if (!(flags.clip() >= 0) || Double.isInfinite(flags.clip())) {
            throw UserException.usage("--clip must be a number >= 0 (0 disables clipping), not " + flags.clip());
        }
        if (flags.valFraction() != null && flags.valFraction() > 0 && !flags.valData().isEmpty()) {
            throw UserException.usage("--val-fraction and --val-data exclude each other (the validation text is"
                    + " either held out of --data or given)");
        }
    }

    /** The preset's sizes, each replaced by the flag when given. */
    private static Model model(TrainFlags flags) {
        Preset preset = flags.preset() == null ? null : Preset.byName(flags.preset());
        String archName = flags.arch() != null ? flags.arch() : preset != null ? preset.arch() : "gpt2";
        Architecture arch = Architecture.fromName(archName);
        if (arch == null || !arch.trainable()) {
            throw UserException.usage("--arch " + archName + ": " + (arch == null ? "unknown" : "not trained by llm"
                    + " (read from releases only)") + " (gpt2 or llama)");
        }
        int layers = pick(flags.layers(), preset == null ? null : preset.layers(), "--layers");
        int heads = pick(flags.heads(), preset == null ? null : preset.heads(), "--heads");
        int dModel = pick(flags.dModel(), preset == null ? null : preset.dModel(), "--d-model");
        int ctx = pick(flags.ctx(), preset == null ? null : preset.ctx(), "--ctx");
        int kvHeads = flags.kvHeads() != null ? flags.kvHeads() : heads;
        if (flags.kvHeads() == null && preset != null && arch == Architecture.LLAMA
                && preset.kvHeads() != preset.heads()) {
            if (heads % preset.kvHeads() == 0) {
                kvHeads = preset.kvHeads(); // the preset's grouped-query attention, with the heads given
            } else {
                Log.warn("--preset %s has %s, which do not divide --heads %d: using %d (give --kv-heads to choose)",
                        preset.name(), Quantity.plural(preset.kvHeads(), "kv head"), heads, heads);
            }
        }
        if (arch == Architecture.GPT2 && flags.kvHeads() != null && flags.kvHeads() != heads) {
            throw UserException.usage("--kv-heads is for --arch llama (gpt2 has as many kv heads as heads)");
        }
        return new Model(arch, layers, heads, kvHeads, dModel, ctx);
    }

    /** Steps and accumulation from --steps or --tokens and --batch-tokens (checked before --out is touched). */
    private static Budget budget(TrainFlags flags, int ctx) {
        long microTokens = (long) flags.batch() * ctx;
        int accum = 1;
        if (flags.batchTokens() != null) {
            long batchTokens = Quantity.count(flags.batchTokens(), "--batch-tokens");
            if (batchTokens < microTokens || batchTokens % microTokens != 0) {
                throw UserException.usage("--batch-tokens " + flags.batchTokens() + " must be a multiple of --batch"
                        + " × --ctx = " + microTokens);
            }
            accum = (int) (batchTokens / microTokens);
        }
        long stepTokens = microTokens * accum;
        long steps;
        if (flags.steps() != null && flags.tokens() != null) {
            throw UserException.usage("--steps and --tokens exclude each other");
        } else if (flags.steps() != null) {
            steps = flags.steps();
        } else if (flags.tokens() != null) {
            steps = (Quantity.count(flags.tokens(), "--tokens") + stepTokens - 1) / stepTokens;
        } else {
            throw UserException.usage("give --steps N or --tokens N");
        }
        if (steps < 1) {
            throw UserException.usage("--steps must be at least 1");
        }
        long warmup = flags.warmup() != null ? flags.warmup() : Math.min(200, Math.max(0, steps / 20));
        return new Budget(accum, stepTokens, steps, warmup);
    }

    private static void atLeast(String flag, long value, long min) {
        if (value < min) {
            throw UserException.usage(flag + " must be at least " + min + ", not " + value);
        }
    }

    private static int pick(Integer given, Integer fromPreset, String flag) {
        if (given != null) {
            if (given < 1) {
                throw UserException.usage(flag + " must be at least 1, not " + given);
            }
            return given;
        }
        if (fromPreset != null) {
            return fromPreset;
        }
        throw UserException.usage("give " + flag + " or a --preset");
    }
}
