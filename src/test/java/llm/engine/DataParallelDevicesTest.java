package llm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.List;
import llm.UserException;
import org.junit.jupiter.api.Test;

/** Which GPUs {@code --devices N} uses, and its errors, for given GPU counts (no engine needed). */
class DataParallelDevicesTest {
    private static final DeviceSpec GPU0 = new DeviceSpec(DeviceSpec.Kind.GPU, 0);

    @Test
    void nGpusFromTheChosenOne() {
        assertEquals(List.of(Device.gpu(0), Device.gpu(1), Device.gpu(2), Device.gpu(3), Device.gpu(4), Device.gpu(5),
                Device.gpu(6), Device.gpu(7)), DataParallelDevices.resolve(GPU0, Device.gpu(0), 8, 8, "cu128", false));
        assertEquals(List.of(Device.gpu(4), Device.gpu(5)), DataParallelDevices.resolve(new DeviceSpec(
                DeviceSpec.Kind.GPU, 4), Device.gpu(4), 2, 8, "cu128", false));
        assertEquals(List.of(Device.cpu()), DataParallelDevices.resolve(DeviceSpec.CPU, Device.cpu(), 1, 0, "cpu",
                false), "one device: the device itself");
        assertEquals(8, DataParallelDevices.distinct(DataParallelDevices.resolve(GPU0, Device.gpu(0), 8, 8, "cu128",
                false)));
    }

    @Test
    void tooFewGpusNameTheCount() {
        UserException e = assertThrows(UserException.class,
                () -> DataParallelDevices.resolve(DeviceSpec.AUTO, Device.gpu(0), 8, 2, "cu128", false));
        assertEquals(UserException.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("--devices 8: libtorch sees 2 GPU(s) (gpu:0..gpu:1)"), e.getMessage());
        e = assertThrows(UserException.class,
                () -> DataParallelDevices.resolve(new DeviceSpec(DeviceSpec.Kind.GPU, 6), Device.gpu(6), 4, 8, "cu128",
                        false));
        assertTrue(e.getMessage().contains("need gpu:6..gpu:9; use --devices 2 or less"), e.getMessage());
        e = assertThrows(UserException.class,
                () -> DataParallelDevices.resolve(DeviceSpec.AUTO, Device.cpu(), 2, 0, "cpu", false));
        assertTrue(e.getMessage().startsWith("--devices 2: libtorch sees 0 GPUs (flavor cpu)"), e.getMessage());
    }

    @Test
    void replicaDevicesByName() {
        assertEquals(List.of(Device.gpu(0), Device.cpu()), DataParallelDevices.named("gpu:0,cpu", Device.gpu(0), 2, 1));
        assertEquals(List.of(Device.cpu(), Device.cpu()), DataParallelDevices.named("cpu, cpu", Device.cpu(), 2, 0));
        UserException e = assertThrows(UserException.class,
                () -> DataParallelDevices.named("gpu:0,gpu:1", Device.gpu(0), 2, 1));
        assertTrue(e.getMessage().contains("'gpu:1' is not a device here (libtorch sees 1 GPU(s))"), e.getMessage());
        e = assertThrows(UserException.class, () -> DataParallelDevices.named("cpu,gpu:0", Device.gpu(0), 2, 1));
        assertTrue(e.getMessage().contains("the first being --device gpu:0"), e.getMessage());
        assertThrows(UserException.class, () -> DataParallelDevices.named("cpu,cpu,cpu", Device.cpu(), 2, 0));
    }

    @Test
    void cpuReplicasShareTheCpu() {
        List<Device> replicas = DataParallelDevices.resolve(DeviceSpec.CPU, Device.cpu(), 2, 8, "cu128", false);
        assertEquals(List.of(Device.cpu(), Device.cpu()), replicas, "--device cpu: replicas on the CPU, GPUs or not");
        assertEquals(1, DataParallelDevices.distinct(replicas));
        assertEquals(List.of(Device.cpu(), Device.cpu(), Device.cpu()),
                DataParallelDevices.resolve(DeviceSpec.AUTO, Device.cpu(), 3, 0, "cpu", true), "the test hook: auto");
        assertThrows(UserException.class, () -> DataParallelDevices.resolve(DeviceSpec.CPU, Device.cpu(), 0, 0, "cpu",
                true));
    }
}
