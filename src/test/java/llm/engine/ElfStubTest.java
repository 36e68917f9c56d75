package llm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.NativeLibrary;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfStubTest {
    @Test
    void headerSaysElf64SharedObjectForX8664() {
        ByteBuffer b = ByteBuffer.wrap(ElfStub.sharedObject("libx.so", Map.of("f", 1))).order(ByteOrder.LITTLE_ENDIAN);
        byte[] ident = new byte[7];
        b.get(ident);
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, ident);
        assertEquals(3, b.getShort(16), "ET_DYN");
        assertEquals(62, b.getShort(18), "EM_X86_64");
        assertEquals(4, b.getShort(56), "program headers");
    }

    @Test
    void theDynamicLoaderFindsEveryFunctionAndEachReturnsItsValue(@TempDir Path dir) throws Exception {
        assumeTrue(MklDispatch.decide(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
                "AuthenticAMD", true) == MklDispatch.State.LOADED, "not x86-64 Linux");
        Map<String, Integer> fns = new LinkedHashMap<>();
        fns.put("llm_test_answer", 42);
        fns.put("llm_test_negative", -7);
        fns.put("llm_test_zero", 0); // the last one in the hash chain
        Path so = dir.resolve("libllm-test-stub.so");
        Files.write(so, ElfStub.sharedObject("libllm-test-stub.so", fns));
        NativeLibrary lib = NativeLibrary.getInstance(so.toString());
        try {
            for (Map.Entry<String, Integer> f : fns.entrySet()) {
                assertEquals(f.getValue(), lib.getFunction(f.getKey()).invokeInt(new Object[0]), f.getKey());
            }
            assertThrows(UnsatisfiedLinkError.class, () -> lib.getFunction("llm_test_absent"));
        } finally {
            lib.close();
        }
    }

    @Test
    void namesThatDoNotFitOnePageAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ElfStub.sharedObject("libx.so", Map.of("f".repeat(5000), 1)));
    }
}
