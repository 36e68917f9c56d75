/**
 * Models: {@link llm.model.ModelConfig}, the one shape type (architecture, sizes, parameter counts — by part in
 * {@link llm.model.ParameterCount} — what {@code llm.compute} prices), the families built from it ({@link llm.model.LanguageModel}: GPT-2, Llama, Qwen2 and Mistral on the Llama blocks, GPT-NeoX, GPT-Neo; config.json keys per family in {@link llm.model.HfConfigs}), the KV cache, the
 * engine-free {@link llm.model.CpuDecoder}, and model files: releases (config.json + safetensors,
 * {@link llm.model.Release}) and llama2.c checkpoints (both header versions, {@link llm.model.Llama2c}).
 * {@link llm.model.Models} is the one entry point for a {@code --model} path: it detects the format once and
 * loads the model, its arrays, or only its config.
 *
 * <pre>{@code
 * ModelConfig shape = Models.readShape(path);          // a release, a file in one, a llama2.c .bin, a config.json
 * long n = shape.parameterCount();                      // tied embeddings once; matmulParams() is the N of 6·N
 * LanguageModel model = Models.load(path, root);        // onto root's device
 * ModelArrays arrays = Models.loadArrays(path);         // Java arrays, for the CPU decoder
 * }</pre>
 */
package llm.model;
