package llm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import llm.UserException;
import org.junit.jupiter.api.Test;

/** Device peaks: the GPU datasheet table and the CPU estimate. */
class DevicePeakTest {
    @Test
    void gpuTable() {
        assertEquals("h100", GpuSpec.require("NVIDIA H100 80GB HBM3", "--gpu").id());
        assertEquals("h100", GpuSpec.require("h100-sxm", "--gpu").id());
        assertEquals("h100-pcie", GpuSpec.require("NVIDIA H100 PCIe", "--gpu").id());
        assertEquals("h100-pcie", GpuSpec.require("h100-pcie", "--gpu").id());
        assertEquals("h200", GpuSpec.require("NVIDIA H200", "--gpu").id());
        assertEquals("h200-nvl", GpuSpec.require("NVIDIA H200 NVL", "--gpu").id());
        assertEquals("a100", GpuSpec.require("NVIDIA A100-SXM4-80GB", "--gpu").id());
        assertEquals("a100", GpuSpec.require("NVIDIA A100 80GB PCIe", "--gpu").id());
        assertEquals("l4", GpuSpec.require("NVIDIA L4", "--gpu").id());
        assertEquals("l40s", GpuSpec.require("NVIDIA L40S", "--gpu").id());
        assertEquals("rtx4090", GpuSpec.require("NVIDIA GeForce RTX 4090", "--gpu").id());
        assertEquals("rtx4090", GpuSpec.require("rtx-4090", "--gpu").id());
        assertEquals("t4", GpuSpec.require("Tesla T4", "--gpu").id());
        assertFalse(GpuSpec.lookup("NVIDIA A10G").isPresent());
        assertEquals(989.4e12, GpuSpec.require("h100", "--gpu").peak(Dtype.BF16));
        assertEquals(312e12, GpuSpec.require("a100", "--gpu").peak(Dtype.FP16));
        assertEquals(19.5e12, GpuSpec.require("a100", "--gpu").peak(Dtype.FP32));
        UserException e = assertThrows(UserException.class, () -> GpuSpec.require("k80", "--gpu"));
        assertEquals(UserException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("h100-pcie"));
        assertThrows(UserException.class, () -> GpuSpec.require("t4", "--gpu").requirePeak(Dtype.BF16, "--dtype"));
        assertFalse(DevicePeak.gpu("Tesla T4", Dtype.BF16).isPresent());
        assertEquals(65e12, DevicePeak.gpu("Tesla T4", Dtype.FP16).orElseThrow().flops());
        for (GpuSpec g : GpuSpec.TABLE) { // every entry is found by its own id and display name
            assertEquals(g.id(), GpuSpec.require(g.id(), "--gpu").id());
            assertEquals(g.id(), GpuSpec.require(g.name(), "--gpu").id());
            assertTrue(g.bf16() >= g.fp32() || Double.isNaN(g.bf16()), g.id());
        }
    }

    @Test
    void cpuEstimate() {
        DevicePeak p = DevicePeak.estimatedCpu(2);
        assertTrue(p.flops() > 1e9 && p.flops() < 1e13, p.toString());
        assertEquals(32, DevicePeak.perCycle(" fpu avx avx2 fma ", "AuthenticAMD"));
        assertEquals(32, DevicePeak.perCycle(" avx2 fma avx512f ", "AuthenticAMD"));
        assertEquals(64, DevicePeak.perCycle(" avx2 fma avx512f ", "GenuineIntel"));
        assertEquals(8, DevicePeak.perCycle(" sse2 ", "x"));
    }
}
