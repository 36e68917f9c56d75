package llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import llm.UserException;
import llm.engine.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run's files: tensor file round trip, metrics.jsonl truncation on resume, the SVG, progress lines. */
class OutputsTest {
    @TempDir
    Path tmp;

    @Test
    void tensorFileRoundTripsBitForBitAndRejectsTruncation() throws IOException {
        Path f = tmp.resolve("t.safetensors");
        try (NDManager m = Engines.newRoot(Device.cpu())) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("a", m.create(new float[] {1.5f, Float.MIN_VALUE, -0f, 3e38f, 7f, 8f}, new Shape(2, 3)));
            t.put("b", m.create(new int[] {1, -2, 3}));
            TensorFile.write(f, t, Map.of("k", "v"));
            TensorFile.Contents c = TensorFile.read(f, m);
            assertEquals(List.of("a", "b"), List.copyOf(c.tensors().keySet()));
            assertEquals(new Shape(2, 3), c.tensors().get("a").getShape());
            assertArrayEquals(t.get("a").toFloatArray(), c.tensors().get("a").toFloatArray(), 0f);
            assertArrayEquals(new int[] {1, -2, 3}, c.tensors().get("b").toIntArray());
            assertEquals("v", c.metadata().get("k"));
            byte[] all = Files.readAllBytes(f);
            Files.write(f, java.util.Arrays.copyOf(all, all.length - 5));
            UserException e = assertThrows(UserException.class, () -> TensorFile.read(f, m));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void metricsAreCutBackToTheCheckpointOnResume() throws IOException {
        Path p = tmp.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.create(p)) {
            for (int s = 1; s <= 5; s++) {
                log.append(new StepMetrics(s, 100L * s, 5 - 0.1 * s, 1e-3, 0.5, 1000, Double.NaN, s, Double.NaN));
            }
        }
        Files.writeString(p, Files.readString(p) + "{\"step\": 6, \"lo", java.nio.file.StandardOpenOption.WRITE);
        try (MetricsLog log = MetricsLog.resume(p, 3)) {
            assertEquals(3, log.all().size());
            log.append(new StepMetrics(4, 400, 4.2, 1e-3, 0.5, 1000, 0.1, 4, 4.5));
        }
        List<String> lines = Files.readAllLines(p);
        assertEquals(4, lines.size());
        assertTrue(lines.get(3).contains("\"val_loss\":4.5"), lines.get(3));
        assertFalse(lines.get(0).contains("mfu"), "NaN fields are left out: " + lines.get(0));
    }

    @Test
    void lossPlotIsAnSvgWithBothCurves() {
        List<StepMetrics> ms = List.of(new StepMetrics(1, 1000, 5, 1e-3, 1, 1, 1, 1, Double.NaN),
                new StepMetrics(2, 2000, 4, 1e-3, 1, 1, 1, 1, 4.5), new StepMetrics(3, 3000, 3, 1e-3, 1, 1, 1, 1, 3.9));
        String svg = LossPlot.svg(ms, "run <a>");
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assertTrue(svg.contains("run &lt;a&gt;"));
        assertEquals(3, svg.split("<polyline").length - 1, "raw train, smoothed train, validation");
        assertTrue(svg.contains(">3k<"), "token axis labels");
        assertEquals(5.0, LossPlot.niceStep(4.2));
        assertEquals("1.5M", LossPlot.tokens(1_500_000));
    }

    @Test
    void plainProgressLinesEveryNSteps() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(b, true), false, 2, 3);
        for (int s = 1; s <= 3; s++) {
            p.step(new StepMetrics(s, s * 10L, 2.5, 3e-4, 0.75, 12345, 0.42, s, Double.NaN), 65);
        }
        String out = b.toString();
        assertFalse(out.contains("step 1/3"), out);
        assertTrue(out.contains("step 2/3 | loss 2.5000 | lr 3.00e-04 | norm 0.750 | 12.3k tok/s | mfu 42.0% | eta 1m05s"), out);
        assertTrue(out.contains("step 3/3"), "the last step always shows");
        assertFalse(out.contains("\r"), "no carriage returns off a terminal");
    }
}
