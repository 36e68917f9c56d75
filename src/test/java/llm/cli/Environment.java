package llm.cli;

import java.util.List;

/** The environment variables llm and its launcher {@code bin/llm} read: the man pages' ENVIRONMENT section. */
public final class Environment {
    private Environment() {}

    /** One variable and what it does. */
    public record Variable(String name, String description) {}

    public static final List<Variable> VARIABLES = List.of(
            new Variable("LLM_JAVA_OPTS", "JVM options bin/llm adds, e.g. LLM_JAVA_OPTS=-Xmx8g for a larger heap."),
            new Variable("JAVA_HOME", "The JDK (17 or newer) bin/llm runs; otherwise java on PATH."),
            new Variable("LLM_CDS", "0: no class-data-sharing archive (bin/llm makes target/llm.jsa on first use, for a"
                    + " faster start)."),
            new Variable("LLM_MALLOPT", "0: leave glibc's allocator as it is (bin/llm otherwise sets GLIBC_TUNABLES so"
                    + " that freed tensor memory is kept, unless GLIBC_TUNABLES or a MALLOC_*_ variable is set)."),
            new Variable("LLM_MKL_AMD", "0: MKL's own code path on AMD CPUs (by default llm makes MKL use its"
                    + " AVX2/AVX-512 kernels there)."),
            new Variable("LLM_VECTOR", "0: bin/llm leaves out the JDK's Vector API module (added by default on Java 17"
                    + " and 18; newer JDKs changed the API the kernels use); the CPU decoder then copies the weights to"
                    + " float32 arrays on the heap instead of mapping them."),
            new Variable("LLM_WEIGHTS", "f32, bf16 or f16: the CPU decoder converts the weight matrices to that type"
                    + " at load (auto, the default, keeps the file's)."),
            new Variable("LLM_WEIGHTS_MEMORY", "heap or map: the CPU decoder keeps the weight matrices in the Java"
                    + " heap (faster kernels; loading reads the file) or in a mapping of the file (auto, the default:"
                    + " 16-bit matrices in the heap where they take at most a quarter of it, float32 ones mapped)."),
            new Variable("LLM_MAVEN_OFFLINE", "Not empty: bin/llm's first-use build runs Maven offline (-o)."),
            new Variable("LC_ALL, LC_CTYPE, LANG", "The locale. Arguments, file names, stdin and stdout are UTF-8"
                    + " whatever it is: under C or POSIX (or none, or one not installed) bin/llm runs Java under"
                    + " C.UTF-8."),
            new Variable("LLM_LOCALE", "keep: run Java under the locale as it is, even C or POSIX."),
            new Variable("NO_COLOR", "Present and not empty: no colour (memorize-check's report); see no-color.org."),
            new Variable("TERM", "Unset or dumb: no escape codes at all (no colour, and train's progress line is not"
                    + " redrawn)."),
            new Variable("PYTORCH_LIBRARY_PATH, PYTORCH_FLAVOR", "Which libtorch DJL loads (a CUDA build for --device"
                    + " gpu; see llm env and the README, section GPU)."));
}
