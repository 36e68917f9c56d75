/**
 * The training cost model, free of DJL: {@link llm.compute.Flops} (6N + 12·L·T·d per token, MFU),
 * {@link llm.engine.GpuSpec} (dense peak FLOP/s by GPU and dtype, from datasheets), {@link llm.engine.DevicePeak}
 * (a GPU's table peak, a measured CPU peak, or a CPU estimate), {@link llm.compute.ModelShape} (parameter counts
 * from a config.json or llama2.c header), {@link llm.compute.CostReport} ({@code llm cost}),
 * {@link llm.compute.TrainingRun} ({@code training.json}) and {@link llm.compute.RunMetrics} (steady-state
 * throughput from {@code metrics.jsonl}).
 *
 * <pre>{@code
 * ModelShape shape = ModelShape.fromConfig(modelConfig.toHfJson(), "config");   // or ModelShape.read(releaseDir)
 * double flopsPerToken = Flops.perToken(shape);                               // 6·N + 12·L·T·d
 * DevicePeak peak = DevicePeak.gpu(cudaName, Dtype.BF16)
 *         .orElse(DevicePeak.measuredCpu(threads, measuredMatmulFlops));     // or DevicePeak.estimatedCpu(threads)
 * double mfu = Flops.mfu(tokensPerSecond, flopsPerToken, peak.flops(), devices);
 * TrainingRun.of(shape, tokensSeen, steps, batchTokens, seconds, device, devices, Dtype.FP32, peak,
 *         trainLoss, valLoss, seed, corpus.describe("train"), extra).write(outDir);
 * }</pre>
 */
package llm.compute;
