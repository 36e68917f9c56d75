package llm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import llm.model.Llama2c;
import llm.model.ModelArrays;
import llm.model.Release;
import llm.model.Safetensors;
import org.junit.jupiter.api.Tag;

/** Model files as the commands load them: safetensors weights, a release's config.json, llama2.c checkpoints. */
@Tag("fuzz")
class ModelFilesFuzz {

    /**
     * A safetensors file: its JSON header, then every tensor read as floats (as the engine's load does) and read
     * into the heap as stored (as the CPU decoder keeps 16-bit matrices).
     */
    @FuzzTest
    void safetensors(byte[] data) throws Exception {
        Path f = Scratch.file(Scratch.dir(), "model.safetensors", data);
        Contract.holds(() -> {
            try (Safetensors.Reader r = new Safetensors.Reader(f)) {
                r.metadata();
                for (String name : r.entries().keySet()) {
                    r.readFloats(name);
                    r.map(name, false, true);
                }
            }
        });
    }

    /** A release directory's config.json (HF field names of GPT-2, Llama and friends). */
    @FuzzTest
    void configJson(byte[] data) throws Exception {
        Path dir = Scratch.dir().resolve("release");
        java.nio.file.Files.createDirectories(dir);
        Scratch.file(dir, Release.CONFIG, data);
        Contract.holds(() -> Release.readConfig(dir));
    }

    /** A llama2.c checkpoint: the 7-int header (legacy or v1), then the weights it promises. */
    @FuzzTest
    void llama2cCheckpoint(byte[] data) throws Exception {
        Path f = Scratch.file(Scratch.dir(), "model.bin", data);
        Contract.holds(() -> {
            if (Llama2c.looksLike(f)) {
                Llama2c.config(f);
            }
            ModelArrays a = Llama2c.readArrays(f);
            a.parameterCount();
        });
    }
}
