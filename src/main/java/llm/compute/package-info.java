/**
 * The training cost model, free of DJL: {@link llm.compute.Flops} (6N + 12·L·T·d per token, MFU),
 * {@link llm.compute.CostReport} ({@code llm cost}: FLOPs, GPU-hours, wall-clock, dollars),
 * {@link llm.compute.TrainingRun} ({@code training.json}) and {@link llm.compute.RunMetrics} (steady-state
 * throughput from {@code metrics.jsonl}). The shape is {@link llm.model.ModelConfig} — read by
 * {@link llm.model.Models#readShape} from any {@code --model} path — and the device peaks come from
 * {@code llm.engine} ({@link llm.engine.DevicePeak}, {@link llm.engine.GpuSpec}).
 *
 * <pre>{@code
 * ModelConfig shape = Models.readShape(releaseDir);                            // or the config being trained
 * double flopsPerToken = Flops.perToken(shape);                               // 6·N + 12·L·T·d
 * DevicePeak peak = DevicePeak.gpu(cudaName, Dtype.BF16)
 *         .orElse(DevicePeak.measuredCpu(threads, measuredMatmulFlops));     // or DevicePeak.estimatedCpu(threads)
 * double mfu = Flops.mfu(tokensPerSecond, flopsPerToken, peak.flops(), devices);
 * TrainingRun.of(shape, tokensSeen, steps, batchTokens, seconds, device, devices, Dtype.FP32, peak,
 *         trainLoss, valLoss, seed, corpus.describe("train"), extra).write(outDir);
 * }</pre>
 */
package llm.compute;
