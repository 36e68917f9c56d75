package llm.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import llm.UserException;
import llm.model.Architecture;
import llm.model.ModelConfig;
import org.junit.jupiter.api.Test;

class TrainPlanTest {
    /** The options a plain run gives: --data, --vocab-size, and the defaults picocli fills in. */
    private static TrainFlags.Builder given() {
        return TrainFlags.builder().data(List.of("a.txt")).vocabSize(512).textField("text").batch(8).lr(1e-3)
                .weightDecay(0.1).clip(1.0).evalEvery(100).evalBatches(8).samplePrompt("Once upon a time")
                .sampleTokens(24).logEvery(10).saveEvery(200).devices(1);
    }

    @Test
    void aPresetGivesTheShapeAndFlagsReplaceItsSizes() {
        TrainPlan plan = TrainPlan.of(given().preset("llama-tiny").heads(8).steps(10L).build());
        assertEquals(new TrainPlan.Model(Architecture.LLAMA, 2, 8, 2, 64, 128), plan.model(),
                "the preset's 2 kv heads divide the 8 heads given, so they stay");
        ModelConfig config = plan.model().config(300);
        assertEquals(300, config.vocabSize());
        assertEquals(2, config.nKvHead());
    }

    @Test
    void tokensBecomeStepsOfBatchTimesContextTimesAccumulation() {
        TrainPlan plan = TrainPlan.of(given().preset("tiny").tokens("10000").batchTokens("1024").build());
        // tiny: ctx 64; batch 8 → 512 tokens per micro-batch, 2 per step; ceil(10000 / 1024) = 10 steps
        assertEquals(new TrainPlan.Budget(2, 1024, 10, 0), plan.budget(), "warmup 5% of 10 steps rounds to 0");
        assertEquals(1e-4, plan.schedule().minLr(), 1e-12, "--min-lr defaults to --lr / 10");
        assertEquals(0.05, plan.valFraction(), "5% held out when no --val-data is given");
    }

    @Test
    void theFirstProblemIsReportedWithItsFlagAndExitCode() {
        assertUsage("--batch 3 does not split over --devices 2: each device takes --batch / --devices rows, so"
                + " --batch must be a multiple of 2", given().preset("tiny").steps(1L).batch(3).devices(2));
        assertUsage("--kv-heads is for --arch llama (gpt2 has as many kv heads as heads)",
                given().preset("tiny").kvHeads(1).steps(1L));
        assertUsage("give --steps N or --tokens N", given().preset("tiny"));
        assertUsage("give --layers or a --preset", given().steps(1L));
        assertUsage("model shape: model width 30 is not a multiple of the 4 heads",
                given().preset("tiny").dModel(30).heads(4).steps(1L));
    }

    private static void assertUsage(String message, TrainFlags.Builder flags) {
        UserException e = assertThrows(UserException.class, () -> TrainPlan.of(flags.build()));
        assertEquals(message, e.getMessage());
        assertEquals(UserException.USAGE, e.exitCode());
    }
}
