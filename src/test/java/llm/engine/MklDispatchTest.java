package llm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.NativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MklDispatchTest {
    @Test
    void onlyAmdCpusOnX8664LinuxGetTheStub() {
        assertEquals(MklDispatch.State.LOADED, MklDispatch.decide("Linux", "amd64", "AuthenticAMD", true));
        assertEquals(MklDispatch.State.OFF, MklDispatch.decide("Linux", "amd64", "AuthenticAMD", false));
        assertEquals(MklDispatch.State.NOT_NEEDED, MklDispatch.decide("Linux", "amd64", "GenuineIntel", true));
        assertEquals(MklDispatch.State.LOADED, MklDispatch.decide("Linux", "x86_64", "HygonGenuine", true));
        assertEquals(MklDispatch.State.NOT_NEEDED, MklDispatch.decide("Linux", "aarch64", "", true));
        assertEquals(MklDispatch.State.NOT_NEEDED, MklDispatch.decide("Mac OS X", "x86_64", "AuthenticAMD", true));
    }

    @Test
    void flashAttentionOnTheCpuUnlessMklRunsItsGenericKernels() {
        assertTrue(FusedOps.flashOnCpu("AVX-512"));
        assertTrue(FusedOps.flashOnCpu("AVX2"));
        assertTrue(FusedOps.flashOnCpu(null)); // no MKL
        assertFalse(FusedOps.flashOnCpu("generic"));
    }

    @Test
    void envSaysWhenTheStubIsLoadedButMklStayedGeneric() {
        assertEquals("AVX-512 kernels (Intel code paths on this AMD CPU)",
                EnvReport.mklLine("AVX-512", MklDispatch.State.LOADED));
        assertTrue(EnvReport.mklLine("generic", MklDispatch.State.LOADED).contains("did not take"));
        assertEquals("generic kernels (MKL's own choice: LLM_MKL_AMD=0)",
                EnvReport.mklLine("generic", MklDispatch.State.OFF));
        assertEquals("not in this libtorch", EnvReport.mklLine(null, MklDispatch.State.NOT_NEEDED));
        assertTrue(EnvReport.mklLine(null, MklDispatch.State.FAILED).startsWith("unknown"));
    }

    @Test
    void theSwitchTakesTheUsualWordsForOff() {
        assertTrue(MklDispatch.enabled(null, null));
        assertTrue(MklDispatch.enabled("true", "1"));
        for (String off : new String[] {"0", "false", "FALSE", "no", "off", " Off "}) {
            assertFalse(MklDispatch.enabled(off, null), off);
            assertFalse(MklDispatch.enabled(null, off), off);
        }
    }

    @Test
    void bothPlacesForTheStubGiveALoadableLibrary() throws Exception {
        assumeTrue(MklDispatch.decide(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
                "AuthenticAMD", true) == MklDispatch.State.LOADED, "not x86-64 Linux");
        for (MklDispatch.Source source : MklDispatch.Source.values()) {
            String fn = "llm_test_" + source.name().toLowerCase(java.util.Locale.ROOT);
            String path;
            try (MklDispatch.Source.Opened where = source.open(ElfStub.sharedObject("libllm-test.so", Map.of(fn, 5)))) {
                path = where.path();
                if (source == MklDispatch.Source.MEMFD) { // sealed: the mapped code cannot be changed
                    assertThrows(java.io.IOException.class, () -> Files.write(Path.of(where.path()), new byte[] {0}));
                }
                NativeLibrary lib = MklDispatch.openGlobal(path); // as prepare() opens the stub
                try {
                    assertEquals(5, lib.getFunction(fn).invokeInt(new Object[0]), source.name());
                } finally {
                    lib.close();
                }
            }
            if (source == MklDispatch.Source.TEMP_FILE) { // (a closed memfd's number may be reused at once)
                assertFalse(Files.exists(Path.of(path)), source + " leaves " + path);
            }
        }
    }

    @Test
    void branchNumbersAreNamedAsMklsKernels() {
        assertEquals("generic", MklDispatch.codePathName(0));
        assertEquals("AVX2", MklDispatch.codePathName(5));
        assertEquals("AVX-512", MklDispatch.codePathName(7));
        assertEquals("branch 9", MklDispatch.codePathName(9));
    }

    /** On an AMD CPU (this project's machines): MKL leaves its generic path, and its products are still right. */
    @Test
    void onAnAmdCpuMklTakesAnIntelPathAndComputesTheSameProducts() {
        assumeTrue(MklDispatch.decide(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
                MklDispatch.cpuVendor(), !"0".equals(System.getenv("LLM_MKL_AMD"))) == MklDispatch.State.LOADED,
                "not an AMD CPU on x86-64 Linux");
        Engines.engine();
        assertEquals(MklDispatch.State.LOADED, MklDispatch.state());
        String path = MklDispatch.codePath();
        assertNotEquals("generic", path);
        assertTrue(EnvReport.collect().mkl().startsWith(path + " kernels"), EnvReport.collect().mkl());

        int m = 67, k = 300, n = 129; // odd sizes: the kernels' edge cases
        Random r = new Random(1);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        try (NDManager mgr = Engines.newRoot(ai.djl.Device.cpu())) {
            NDArray c = mgr.create(a, new Shape(m, k)).matMul(mgr.create(b, new Shape(k, n)));
            float[] got = c.toFloatArray();
            double worst = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double want = 0;
                    for (int l = 0; l < k; l++) {
                        want += (double) a[i * k + l] * b[l * n + j];
                    }
                    worst = Math.max(worst, Math.abs(got[i * n + j] - want));
                }
            }
            assertTrue(worst < 1e-3, "largest error " + worst); // sums of 300 products of N(0,1): |c| ~ 17
        }
    }
}
