package llm.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import llm.engine.Engines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the model tests: one CPU root manager per test class, closed after its last test. */
abstract class CpuRoot {
    static NDManager root;

    @BeforeAll
    static void start() {
        root = Engines.newRoot(Device.cpu());
    }

    @AfterAll
    static void stop() {
        root.close();
    }
}
