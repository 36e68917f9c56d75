package llm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import llm.UserException;
import org.junit.jupiter.api.Test;

class DeviceSpecTest {
    @Test
    void parsesTheFourForms() {
        assertEquals(DeviceSpec.AUTO, DeviceSpec.parse("auto"));
        assertEquals(DeviceSpec.CPU, DeviceSpec.parse("CPU"));
        assertEquals(new DeviceSpec(DeviceSpec.Kind.GPU, 0), DeviceSpec.parse("gpu"));
        assertEquals(new DeviceSpec(DeviceSpec.Kind.GPU, 3), DeviceSpec.parse("gpu:3"));
        assertEquals("gpu:3", DeviceSpec.parse("cuda:3").toString());
    }

    @Test
    void cudaIsADocumentedAliasOfGpu() {
        assertEquals(DeviceSpec.parse("gpu"), DeviceSpec.parse("cuda"));
        assertEquals(DeviceSpec.parse("gpu:1"), DeviceSpec.parse("CUDA:1"));
        UserException e = assertThrows(UserException.class, () -> DeviceSpec.parse("cuda:x"));
        assertEquals("--device: 'cuda:x' is not one of auto, cpu, gpu, gpu:N (or cuda, cuda:N)", e.getMessage());
    }

    @Test
    void rejectsOthersAsUsageErrors() {
        for (String bad : new String[] {"tpu", "gpu:-1", "gpu:x", "gpu:", ""}) {
            UserException e = assertThrows(UserException.class, () -> DeviceSpec.parse(bad), bad);
            assertEquals(2, e.exitCode());
            assertEquals(true, e.getMessage().startsWith("--device"), e.getMessage());
        }
    }
}
