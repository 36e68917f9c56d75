package llm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

class FusedOpsTest {
    @Test
    void theArchiveHasTheLayoutTorchJitSaveWrites() throws IOException {
        byte[] zip = TorchScriptArchive.module("M", "  def f(self: __torch__.M,\n    x: Tensor) -> Tensor:\n"
                + "    return x\n");
        List<String> names = new ArrayList<>();
        String source = null, version = null;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (e.getName().endsWith(".py")) {
                    source = text;
                } else if (e.getName().endsWith("version")) {
                    version = text;
                }
            }
        }
        assertEquals(List.of("archive/data.pkl", "archive/code/__torch__.py", "archive/constants.pkl",
                "archive/version"), names);
        assertTrue(source.startsWith("class M(Module):\n  __parameters__ = []\n"), source);
        assertEquals("10\n", version);
        // protocol 2, GLOBAL __torch__ M, (), NEWOBJ, {}, "training", True, SETITEM, BUILD, STOP
        assertArrayEquals(new byte[] {(byte) 0x80, 2, 'c'}, java.util.Arrays.copyOf(
                TorchScriptArchive.moduleObjectPickle("M"), 3));
    }

    @Test
    void libtorchLoadsTheModuleAndResultsLiveInTheCallersManager() {
        assertTrue(FusedOps.available(), "the in-memory TorchScript module loads in libtorch");
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            NDArray x = root.create(new float[] {-2f, -0.5f, 0f, 0.5f, 2f});
            NDArray y;
            try (NDManager step = root.newSubManager()) {
                NDArray xs = x.duplicate();
                xs.attach(step);
                y = FusedOps.geluTanh(xs);
                assertSame(step, y.getManager());
                // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
                float[] expected = {-0.04540230f, -0.15428599f, 0f, 0.34571401f, 1.95459769f};
                assertArrayEquals(expected, y.toFloatArray(), 1e-6f);
            }
            assertTrue(y.isReleased(), "closing the step frees the module's result");
            assertFalse(x.isReleased());
        }
    }

    @Test
    void theSwitchTurnsThemOff() {
        System.setProperty("llm.fused", "false");
        try {
            assertFalse(FusedOps.available());
        } finally {
            System.clearProperty("llm.fused");
        }
    }

    /** The data-parallel exchange: addInto sums into dst and zeroes src; copyInto copies; both in place. */
    @Test
    void addIntoAndCopyIntoWorkInPlace() {
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            NDArray[] dst = {root.create(new float[] {1, 2}), root.create(new float[] {3})};
            NDArray[] src = {root.create(new float[] {10, 20}), root.create(new float[] {30})};
            FusedOps.addInto(dst, src, root);
            assertArrayEquals(new float[] {11, 22}, dst[0].toFloatArray());
            assertArrayEquals(new float[] {33}, dst[1].toFloatArray());
            assertArrayEquals(new float[] {0, 0}, src[0].toFloatArray());
            assertArrayEquals(new float[] {0}, src[1].toFloatArray());
            FusedOps.copyInto(src, dst, root);
            assertArrayEquals(new float[] {11, 22}, src[0].toFloatArray());
            assertArrayEquals(new float[] {33}, src[1].toFloatArray());
        }
    }
}
