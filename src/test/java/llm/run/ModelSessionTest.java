package llm.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import llm.UserException;
import llm.engine.DeviceSpec;
import llm.engine.Engines;
import llm.eval.Perplexity;
import llm.model.Decoder;
import llm.model.Models;
import llm.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model session over the bundled model: the engine-free and the engine paths agree, and so do log-probs. */
class ModelSessionTest {
    static final Path MODEL = Path.of("models/default");
    static final DeviceSpec CPU = DeviceSpec.parse("cpu");

    static float[] firstLogits(ModelSession s, int[] ids) {
        try (Decoder d = s.decoder(ids.length)) {
            return d.feed(new int[][] {ids})[0];
        }
    }

    @Test
    void engineFreeAndEngineDecodersGiveTheSameLogits() {
        assumeTrue(Engines.cpuOnly(CPU), "needs a CPU-only libtorch");
        ModelRef ref = ModelRef.resolve(MODEL, null);
        assertEquals(Models.Format.RELEASE, ref.format());
        try (ModelSession free = ModelSession.openForDecoding(ref, CPU, 1);
             ModelSession engine = ModelSession.open(ref, Placement.resolve(CPU, 1))) {
            assertTrue(free.engineFree());
            assertFalse(engine.engineFree());
            assertEquals(free.config(), engine.config());
            assertEquals(free.parameterCount(), engine.parameterCount());
            int[] ids = free.tokenizer().encode("Once upon a time");
            // The Java decoder's vector kernels sum in another order than libtorch's GEMMs: equal within fp32 rounding.
            float[] a = firstLogits(free, ids);
            float[] b = firstLogits(engine, ids);
            assertEquals(a.length, b.length);
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 1e-5f * Math.max(1f, Math.abs(b[i])), "logit " + i);
            }
            assertThrows(IllegalStateException.class, free::logProbs, "log-probs need the engine");
        }
    }

    @Test
    void logProbsAreTheLogSoftmaxOfTheDecodersLogits() {
        try (ModelSession s = ModelSession.open(ModelRef.resolve(MODEL, null), Placement.resolve(CPU, 1))) {
            Tokenizer tok = s.tokenizer();
            int[] ids = tok.encode("The dog ran to the park.");
            int[] inputs = Arrays.copyOf(ids, ids.length - 1);
            int[] targets = Arrays.copyOfRange(ids, 1, ids.length);
            float[] lp = s.logProbs().ofTargets(inputs, targets, 1, inputs.length);
            assertEquals(inputs.length, lp.length);
            float[] last = firstLogits(s, inputs); // the logits after the last input: they predict the last target
            assertEquals(Perplexity.logProb(last, targets[targets.length - 1]), lp[lp.length - 1], 1e-4);
        }
    }

    @Test
    void aCheckpointWithoutItsTokenizerNamesWhatIsThere(@TempDir Path dir) throws IOException {
        Path bin = Path.of("../shared/models/stories260K/stories260K.bin");
        assumeTrue(Files.isRegularFile(bin), "../shared/models/stories260K absent");
        Path copy = Files.copy(bin, dir.resolve("stories260K.bin"));
        Files.writeString(dir.resolve("tok512.bin"), "");
        ModelRef ref = ModelRef.resolve(copy, null);
        assertTrue(ref.llama2c());
        UserException e = assertThrows(UserException.class, ref::loadTokenizer);
        assertEquals(dir + ": no tokenizer.bin beside the model stories260K.bin; give --tokenizer PATH (here: "
                + "tok512.bin)", e.getMessage());
    }
}
