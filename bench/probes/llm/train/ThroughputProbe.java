package llm.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import llm.data.Batcher;
import llm.data.Tokens;
import llm.engine.Engines;
import llm.model.LanguageModel;
import llm.model.ModelConfig;

/**
 * Manual probe (not a test): training tokens/s of a GPT-2 shape.
 * {@code bench/probe.sh ThroughputProbe V T C L H B STEPS}
 */
public final class ThroughputProbe {
    public static void main(String[] a) throws Exception {
        int v = Integer.parseInt(a[0]), t = Integer.parseInt(a[1]), c = Integer.parseInt(a[2]), l = Integer.parseInt(a[3]),
                h = Integer.parseInt(a[4]), b = Integer.parseInt(a[5]), steps = Integer.parseInt(a[6]);
        Engines.configure(0);
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            ModelConfig cfg = ModelConfig.gpt2(v, t, c, l, h);
            LanguageModel m = LanguageModel.create(cfg, root, 1);
            Tokens toks = Tokens.of(new Random(1).ints(200_000, 0, v).toArray());
            double fpt = 6.0 * (cfg.parameterCount() - (long) t * c) + 12.0 * l * t * c;
            Trainer.Settings settings = Trainer.Settings.builder().batch(b, t)
                    .steps(steps, new LrSchedule(1e-3, 1e-4, 2, steps)).clip(1.0).adam(AdamW.Hyper.GPT).logEvery(1)
                    .seed(1).build();
            Trainer tr = Trainer.builder(new LanguageModelTraining(m), root, settings)
                    .data(new Batcher(List.of(new Batcher.Source("random", toks, 1)), t, 1).batches(b), null)
                    .output(Path.of("/tmp/probe"), r -> { })
                    .mfu(fpt, 165e9).progress(new Progress(System.err, false, 1, steps)).build();
            tr.run(false);
            System.err.printf("params %d, flops/token %.1fM%n", cfg.parameterCount(), fpt / 1e6);
        }
    }
}
