package llm.engine;

import java.util.Locale;
import llm.UserException;

/** Number formats with their own peak FLOP/s on a GPU. TF32 is FP32 matmuls run on tensor cores (Ampere+). */
public enum Dtype {
    FP32, TF32, BF16, FP16;

    /** {@code fp32}/{@code float32}, {@code tf32}, {@code bf16}/{@code bfloat16}, {@code fp16}/{@code float16}/{@code half}. */
    public static Dtype parse(String s, String flag) {
        return switch (s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "")) {
            case "fp32", "float32", "float", "f32" -> FP32;
            case "tf32", "tensorfloat32" -> TF32;
            case "bf16", "bfloat16" -> BF16;
            case "fp16", "float16", "half", "f16" -> FP16;
            default -> throw UserException.usage(flag + ": unknown dtype '" + s + "' (fp32, tf32, bf16, fp16)");
        };
    }

    /** Lower-case name as written in training.json: fp32, tf32, bf16, fp16. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
