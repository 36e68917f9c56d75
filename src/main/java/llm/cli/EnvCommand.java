package llm.cli;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import llm.UserException;
import llm.engine.EnvReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code llm env}: what engine, libtorch build and devices this installation sees. */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = {"Show the engine, the libtorch flavor (cpu / cuXXX), the devices, threads, the native cache "
                + "directory, offline mode, the allocator and MKL's code path.",
                "MKL does libtorch's CPU matrix products; on AMD CPUs llm makes it use its AVX2/AVX-512 kernels "
                + "(LLM_MKL_AMD=0 leaves MKL's own choice).",
                "Use it to check a GPU set-up (see README, section GPU)."},
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.RUNTIME_LINE, ExitCodes.USAGE_LINE})
public final class EnvCommand extends LlmCommand {
    @Mixin
    ComputeOptions compute;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        String selected;
        UserException deviceProblem = null;
        try {
            selected = compute.placement().describe();
        } catch (UserException e) {
            if (e.exitCode() != ExitCodes.USAGE) {
                throw e;
            }
            deviceProblem = e; // e.g. --device gpu without a GPU: the report is what shows why, so print it first
            selected = "none";
        }
        EnvReport r = EnvReport.collect(selected);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            // snake_case, as every other --json output (sample, score, memorize-check, info, cost)
            out.println(new GsonBuilder().serializeNulls().disableHtmlEscaping()
                    .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create().toJson(r));
        } else {
            out.printf("engine        %s %s (DJL %s)%n", r.engine(), r.engineVersion(), r.djlVersion());
            out.printf("flavor        %s%n", r.flavor());
            out.printf("libtorch      %s%n", r.libtorchDir() == null ? "(unknown)" : r.libtorchDir());
            out.printf("cpu           %d cores%n", r.cpuCores());
            out.printf("gpus          %d%n", r.gpuCount());
            for (EnvReport.Gpu g : r.gpus()) {
                out.printf("  gpu:%d       %s, %s%n", g.index(), g.name(),
                        g.memoryBytes() < 0 ? "memory unknown" : String.format("%.1f GiB", g.memoryBytes() / (1024.0 * 1024 * 1024)));
            }
            out.printf("default       %s%n", r.defaultDevice());
            out.printf("selected      %s (--device %s)%n", r.selectedDevice(), compute.deviceSpec());
            out.printf("threads       %d%n", r.threads());
            out.printf("cache dir     %s%n", r.cacheDir());
            out.printf("offline       %s%n", r.offline());
            if (r.pytorchLibraryPath() != null) {
                out.printf("PYTORCH_LIBRARY_PATH %s%n", r.pytorchLibraryPath());
            }
            out.printf("allocator     %s%n", r.allocator());
            out.printf("mkl           %s%n", r.mkl());
            out.printf("java          %s%n", r.javaVersion());
        }
        out.flush();
        if (deviceProblem != null) {
            throw deviceProblem;
        }
        return ExitCodes.OK;
    }
}
