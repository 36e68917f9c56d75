/**
 * Everything about the device, and the only place that sets DJL up: the engine and its native libraries
 * ({@link llm.engine.Engines}: offline mode, threads, device choice from a {@link llm.engine.DeviceSpec}, root
 * managers), data-parallel devices, fused ops and MKL dispatch, native memory, and device peaks —
 * {@link llm.engine.DevicePeak} (a GPU's datasheet peak, a measured or estimated CPU peak) from
 * {@link llm.engine.GpuSpec} (dense FLOP/s by GPU and {@link llm.engine.Dtype}), which MFU is measured against;
 * {@link llm.engine.DeviceFacts} (the peak of the device a run trains on — from the table or timed with
 * {@link llm.engine.MatmulPeak} — a GPU's name, the process's peak RSS).
 *
 * <pre>{@code
 * Engines.configure(threads);
 * try (NDManager root = Engines.newRoot(Engines.device(DeviceSpec.parse("auto")))) { ... }
 * DevicePeak peak = DevicePeak.gpu(cudaName, Dtype.BF16).orElse(DevicePeak.estimatedCpu(threads));
 * }</pre>
 */
package llm.engine;
