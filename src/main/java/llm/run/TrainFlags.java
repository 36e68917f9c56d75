package llm.run;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code llm train} options as given, before any check (the picocli parse result; {@code --out},
 * {@code --overwrite} and {@code --resume} belong to {@link RunDir}). {@link TrainPlan#of} validates them. Built with
 * {@link #builder()} so that each value is named where it is set.
 *
 * @param data training text specs, PATH[:WEIGHT] (--data)
 * @param valData validation text paths (--val-data)
 * @param valFraction share of each source held out for validation, or null for the default (--val-fraction)
 * @param textField JSON Lines field holding the text (--text-field)
 * @param tokenizer tokenizer.json or a release directory, or null (--tokenizer)
 * @param vocabSize train a BPE tokenizer of this many tokens, or null (--vocab-size)
 * @param preset a {@link llm.train.Preset} name, or null (--preset)
 * @param arch gpt2 or llama, or null for the preset's (--arch)
 * @param layers or null for the preset's (--layers)
 * @param heads or null for the preset's (--heads)
 * @param kvHeads or null for --heads or the preset's (--kv-heads)
 * @param dModel or null for the preset's (--d-model)
 * @param ctx or null for the preset's (--ctx)
 * @param steps optimizer steps, or null (--steps)
 * @param tokens training tokens instead of steps, e.g. 5M, or null (--tokens)
 * @param batch sequences per micro-batch (--batch)
 * @param batchTokens tokens per optimizer step, or null for one micro-batch (--batch-tokens)
 * @param lr peak learning rate (--lr)
 * @param minLr final learning rate, or null for lr / 10 (--min-lr)
 * @param warmup warmup steps, or null for 5% of the steps, at most 200 (--warmup)
 * @param weightDecay AdamW weight decay (--weight-decay)
 * @param clip global gradient norm clip, 0 for none (--clip)
 * @param evalEvery validation interval in steps (--eval-every)
 * @param evalBatches batches per validation (--eval-batches)
 * @param samplePrompt prompt of the greedy sample at each evaluation (--sample-prompt; null: the
 *                     training text's first words, see {@link SamplePrompt})
 * @param sampleTokens tokens in that sample, 0 for none (--sample-tokens)
 * @param logEvery progress line interval (--log-every)
 * @param saveEvery checkpoint interval (--save-every)
 * @param devices data-parallel replicas (--devices)
 */
public record TrainFlags(List<String> data,
                         List<String> valData,
                         Double valFraction,
                         String textField,
                         Path tokenizer,
                         Integer vocabSize,
                         String preset,
                         String arch,
                         Integer layers,
                         Integer heads,
                         Integer kvHeads,
                         Integer dModel,
                         Integer ctx,
                         Long steps,
                         String tokens,
                         int batch,
                         String batchTokens,
                         double lr,
                         Double minLr,
                         Long warmup,
                         double weightDecay,
                         double clip,
                         int evalEvery,
                         int evalBatches,
                         String samplePrompt,
                         int sampleTokens,
                         int logEvery,
                         int saveEvery,
                         int devices) {
    public TrainFlags {
        data = List.copyOf(data);
        valData = List.copyOf(valData);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Named setters for {@link TrainFlags}; unset lists are empty, unset numbers null or 0. */
    public static final class Builder {
        private List<String> data = List.of();
        private List<String> valData = List.of();
        private Double valFraction;
        private String textField;
        private Path tokenizer;
        private Integer vocabSize;
        private String preset;
        private String arch;
        private Integer layers;
        private Integer heads;
        private Integer kvHeads;
        private Integer dModel;
        private Integer ctx;
        private Long steps;
        private String tokens;
        private int batch;
        private String batchTokens;
        private double lr;
        private Double minLr;
        private Long warmup;
        private double weightDecay;
        private double clip;
        private int evalEvery;
        private int evalBatches;
        private String samplePrompt;
        private int sampleTokens;
        private int logEvery;
        private int saveEvery;
        private int devices;

        public Builder data(List<String> value) {
            this.data = value;
            return this;
        }

        public Builder valData(List<String> value) {
            this.valData = value;
            return this;
        }

        public Builder valFraction(Double value) {
            this.valFraction = value;
            return this;
        }

        public Builder textField(String value) {
            this.textField = value;
            return this;
        }

        public Builder tokenizer(Path value) {
            this.tokenizer = value;
            return this;
        }

        public Builder vocabSize(Integer value) {
            this.vocabSize = value;
            return this;
        }

        public Builder preset(String value) {
            this.preset = value;
            return this;
        }

        public Builder arch(String value) {
            this.arch = value;
            return this;
        }

        public Builder layers(Integer value) {
            this.layers = value;
            return this;
        }

        public Builder heads(Integer value) {
            this.heads = value;
            return this;
        }

        public Builder kvHeads(Integer value) {
            this.kvHeads = value;
            return this;
        }

        public Builder dModel(Integer value) {
            this.dModel = value;
            return this;
        }

        public Builder ctx(Integer value) {
            this.ctx = value;
            return this;
        }

        public Builder steps(Long value) {
            this.steps = value;
            return this;
        }

        public Builder tokens(String value) {
            this.tokens = value;
            return this;
        }

        public Builder batch(int value) {
            this.batch = value;
            return this;
        }

        public Builder batchTokens(String value) {
            this.batchTokens = value;
            return this;
        }

        public Builder lr(double value) {
            this.lr = value;
            return this;
        }

        public Builder minLr(Double value) {
            this.minLr = value;
            return this;
        }

        public Builder warmup(Long value) {
            this.warmup = value;
            return this;
        }

        public Builder weightDecay(double value) {
            this.weightDecay = value;
            return this;
        }

        public Builder clip(double value) {
            this.clip = value;
            return this;
        }

        public Builder evalEvery(int value) {
            this.evalEvery = value;
            return this;
        }

        public Builder evalBatches(int value) {
            this.evalBatches = value;
            return this;
        }

        public Builder samplePrompt(String value) {
            this.samplePrompt = value;
            return this;
        }

        public Builder sampleTokens(int value) {
            this.sampleTokens = value;
            return this;
        }

        public Builder logEvery(int value) {
            this.logEvery = value;
            return this;
        }

        public Builder saveEvery(int value) {
            this.saveEvery = value;
            return this;
        }

        public Builder devices(int value) {
            this.devices = value;
            return this;
        }

        public TrainFlags build() {
            return new TrainFlags(data, valData, valFraction, textField, tokenizer, vocabSize, preset, arch, layers,
                    heads, kvHeads, dModel, ctx, steps, tokens, batch, batchTokens, lr, minLr, warmup, weightDecay,
                    clip, evalEvery, evalBatches, samplePrompt, sampleTokens, logEvery, saveEvery, devices);
        }
    }
}
