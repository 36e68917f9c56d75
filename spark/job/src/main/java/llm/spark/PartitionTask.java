package llm.spark;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import llm.cli.SparkBridge;
import llm.engine.DeviceSpec;
import llm.eval.memorize.Document;
import llm.run.ModelRef;
import llm.run.ModelSession;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.api.java.function.Function2;

/**
 * One task: the documents of one partition through the single-machine command's code, on the model this executor
 * holds ({@link Sessions}). What travels to the executor is the command line itself, parsed there again into the
 * same options, plus what the driver resolved (the model's path, the --samples seed). Greedy continuation and
 * scoring are deterministic, so a retried task returns the same part.
 */
final class PartitionTask implements Function2<Integer, Iterator<Document>, Iterator<SparkBridge.Part>> {
    private static final long serialVersionUID = 1L;

    /** What the driver resolved, for the executors. */
    record Plan(List<String> args, String model, String tokenizer, long seed, boolean recordsAsJson,
            Integer injectFailure) implements java.io.Serializable {}

    private final Plan plan;

    PartitionTask(Plan plan) {
        this.plan = plan;
    }

    @Override
    public Iterator<SparkBridge.Part> call(Integer partition, Iterator<Document> docs) {
        Object command = SparkMain.parse(plan.args().toArray(new String[0]));
        if (plan.recordsAsJson()) {
            SparkBridge.recordsAsJson(command);
        }
        TaskContext task = TaskContext.get();
        Integer given = SparkBridge.compute(command).threads();
        int threads = given != null ? given : Math.max(1, task == null ? 1 : task.cpus()); // spark.task.cpus
        ModelRef ref = ModelRef.resolve(Path.of(plan.model()),
                plan.tokenizer() == null ? null : Path.of(plan.tokenizer()));
        ModelSession session = Sessions.get(ref, device(SparkBridge.compute(command).deviceSpec(), task), threads);
        SparkBridge.Part part = SparkBridge.run(command, session, partition, plan.seed(), docs);
        if (plan.injectFailure() != null && plan.injectFailure().equals(partition) && task != null
                && task.attemptNumber() == 0) {
            throw new IllegalStateException("injected failure of partition " + partition + ", attempt 0 (--inject-failure)");
        }
        return List.of(part).iterator();
    }

    /**
     * The device of this task: with {@code --device auto} or {@code gpu}, the GPU Spark assigned to the task
     * ({@code spark.task.resource.gpu.amount}), so that tasks on a multi-GPU executor use different GPUs; else as given.
     */
    static DeviceSpec device(DeviceSpec given, TaskContext task) {
        if (task == null || !(given.kind() == DeviceSpec.Kind.AUTO || given.equals(DeviceSpec.parse("gpu")))) {
            return given;
        }
        ResourceInformation gpu = task.resourcesJMap().get("gpu");
        if (gpu == null || gpu.addresses().length == 0) {
            return given;
        }
        return DeviceSpec.parse("gpu:" + gpu.addresses()[0]);
    }
}
