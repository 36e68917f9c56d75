package llm.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Tag;

/**
 * Every target in one libFuzzer session: the input's last byte picks the target, the rest is that target's input.
 * bench/fuzz.sh uses it when SECONDS is too short for a JVM per target: Jazzer fuzzes one @FuzzTest per JVM, and
 * starting one (agent, instrumentation) takes 30 s and more on a loaded 2-core machine. Coverage guides across all
 * targets at once; how the time splits between them is libFuzzer's choice, counted per target in {@link #RUNS}.
 * Seeds: each target's regression inputs with its selector byte appended (written by bench/fuzz/FuzzMain.java).
 */
@Tag("fuzz")
class AllTargetsFuzz {
    /** A target: its Class#method name, and how it takes the rest of the input. */
    record Target(String name, Body body) {
        interface Body {
            void run(FuzzedDataProvider in) throws Exception;
        }
    }

    private static final ModelFilesFuzz MODEL = new ModelFilesFuzz();
    private static final TokenizerFilesFuzz TOKENIZER = new TokenizerFilesFuzz();
    private static final TokenShardFuzz SHARD = new TokenShardFuzz();
    private static final CorpusFuzz CORPUS = new CorpusFuzz();
    private static final EvalFilesFuzz EVAL = new EvalFilesFuzz();
    private static final FlagValuesFuzz FLAGS = new FlagValuesFuzz();
    private static final WikiFuzz WIKI = new WikiFuzz();
    private static final DumpFuzz DUMP = new DumpFuzz();

    static final List<Target> TARGETS = List.of(
            bytes("ModelFilesFuzz#safetensors", MODEL::safetensors),
            bytes("ModelFilesFuzz#configJson", MODEL::configJson),
            bytes("ModelFilesFuzz#llama2cCheckpoint", MODEL::llama2cCheckpoint),
            bytes("TokenizerFilesFuzz#tokenizerJson", TOKENIZER::tokenizerJson),
            bytes("TokenizerFilesFuzz#tokenizerBin", TOKENIZER::tokenizerBin),
            bytes("TokenShardFuzz#shard", SHARD::shard),
            bytes("CorpusFuzz#jsonl", CORPUS::jsonl),
            bytes("CorpusFuzz#wikitext", CORPUS::wikitext),
            new Target("CorpusFuzz#archive", CORPUS::archive),
            new Target("EvalFilesFuzz#examples", EVAL::examples),
            new Target("EvalFilesFuzz#hellaswag", EVAL::hellaswag),
            bytes("EvalFilesFuzz#transcript", EVAL::transcript),
            bytes("FlagValuesFuzz#dataSpec", FLAGS::dataSpec),
            bytes("FlagValuesFuzz#quantity", FLAGS::quantity),
            bytes("FlagValuesFuzz#template", FLAGS::template),
            bytes("FlagValuesFuzz#escapes", FLAGS::escapes),
            bytes("WikiFuzz#wikitext", WIKI::wikitext),
            bytes("DumpFuzz#dump", DUMP::dump),
            bytes("DumpFuzz#bzip2", DUMP::bzip2));

    /** Executions per target in this JVM, in the order of {@link #TARGETS}. */
    static final AtomicLongArray RUNS = new AtomicLongArray(TARGETS.size());
    /** Nanoseconds spent in each target (wall), to find the ones that are slow per input. */
    static final AtomicLongArray NANOS = new AtomicLongArray(TARGETS.size());

    @FuzzTest
    void all(FuzzedDataProvider in) throws Exception {
        int i = in.consumeInt(0, TARGETS.size() - 1);
        RUNS.incrementAndGet(i);
        long t0 = System.nanoTime();
        try {
            TARGETS.get(i).body().run(in);
        } finally {
            NANOS.addAndGet(i, System.nanoTime() - t0);
        }
    }

    private interface BytesBody {
        void run(byte[] data) throws Exception;
    }

    private static Target bytes(String name, BytesBody body) {
        return new Target(name, in -> body.run(in.consumeRemainingAsBytes()));
    }
}
