package llm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import llm.UserException;
import org.junit.jupiter.api.Test;

class EnginesTest {
    @Test
    void autoIsCpuWithoutAGpuAndGpuIsAUsageError() {
        assumeTrue(Engines.gpuCount() == 0, "a GPU is present");
        assertEquals(Device.cpu(), Engines.device(DeviceSpec.AUTO));
        UserException e = assertThrows(UserException.class, () -> Engines.device(DeviceSpec.parse("gpu")));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("no GPU"), e.getMessage());
    }

    @Test
    void theAllocatorIsTunedOnLinuxGlibc() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
        boolean userSet = System.getenv().keySet().stream()
                .anyMatch(k -> k.equals("GLIBC_TUNABLES") || (k.startsWith("MALLOC_") && k.endsWith("_")));
        assumeTrue(linux && !userSet, "not Linux, or the user tunes malloc");
        Engines.engine();
        assertTrue(NativeMemory.applied(), "mallopt applied before the engine started");
        assertEquals(NativeMemory.applied(), NativeMemory.tune(), "tune() is idempotent");
        assertTrue(EnvReport.collect().allocator().contains("tuned"));
    }

    @Test
    void cpuOnlyIsKnownWithoutStartingTheEngine() {
        assertTrue(Engines.cpuOnly(DeviceSpec.CPU));
        assertFalse(Engines.cpuOnly(DeviceSpec.parse("gpu:1")));
        // the test class path holds the CPU build of libtorch (default Maven profile)
        assumeTrue(System.getenv("PYTORCH_LIBRARY_PATH") == null && System.getenv("PYTORCH_FLAVOR") == null,
                "a libtorch is chosen by the environment");
        assertTrue(Engines.cpuOnly(DeviceSpec.AUTO));
        System.setProperty("PYTORCH_FLAVOR", "cu128");
        try {
            assertFalse(Engines.cpuOnly(DeviceSpec.AUTO), "a CUDA flavor may bring a GPU");
        } finally {
            System.clearProperty("PYTORCH_FLAVOR");
        }
    }

    @Test
    void theLauncherExportsTheSameAllocatorSettings() throws Exception {
        // bin/llm sets them as GLIBC_TUNABLES before the JVM starts; NativeMemory then recognises them
        java.nio.file.Path launcher = java.nio.file.Path.of("bin/llm");
        assumeTrue(java.nio.file.Files.isRegularFile(launcher), "run from the project root");
        assertTrue(java.nio.file.Files.readString(launcher).contains("GLIBC_TUNABLES=" + NativeMemory.TUNABLES + "\n"),
                "bin/llm and NativeMemory.TUNABLES differ");
    }

    @Test
    void stepScopesFreeTheirArrays() {
        try (NDManager root = Engines.newRoot(Device.cpu())) {
            NDArray kept = root.ones(new ai.djl.ndarray.types.Shape(2));
            for (int i = 0; i < 5; i++) {
                try (NDManager step = Engines.step(root)) {
                    NDArray tmp = step.ones(new ai.djl.ndarray.types.Shape(1000)).mul(2);
                    assertEquals(2000f, tmp.sum().getFloat(), 0f);
                }
            }
            assertEquals(1, root.getManagedArrays().size() - 0, "only the kept array lives in root");
            assertEquals(2f, kept.sum().getFloat(), 0f);
        }
    }

    @Test
    void envReportSeesTheCpuLibtorch() {
        EnvReport r = EnvReport.collect();
        assertEquals("PyTorch", r.engine());
        assertEquals("2.7.1", r.engineVersion());
        assertTrue(r.offline());
        if (r.gpuCount() == 0) {
            assertEquals("cpu", r.defaultDevice());
        }
    }
}
