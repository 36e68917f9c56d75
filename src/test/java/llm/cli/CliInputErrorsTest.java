package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input a first-time user gives: one clear line on stderr that names the file or flag, the documented code. */
class CliInputErrorsTest {
    @Test
    void decodeOfABinaryFileThatIsNotAShardSaysSo(@TempDir Path dir) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(1024 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(20240521).putInt(1).putInt(2); // a shard header with the wrong magic
        Path f = dir.resolve("wrong.bin");
        Files.write(f, b.array());
        CliHarness.Result r = CliHarness.run("tokenize", "--decode", f.toString());
        assertEquals(1, r.code());
        assertEquals("llm: " + f + ": neither a token shard (magic 20240521, expected 20240520) nor text token ids\n",
                r.err());
        assertEquals("", r.out());
    }

    @Test
    void envJsonUsesSnakeCaseLikeEveryOtherJsonOutput() {
        CliHarness.Result r = CliHarness.run("env", "--json");
        assertEquals(0, r.code(), r.err());
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject();
        for (String k : o.keySet()) {
            assertTrue(k.matches("[a-z0-9_]+"), "field " + k + " in " + r.out());
        }
        assertTrue(o.has("engine_version") && o.has("gpu_count") && o.has("selected_device"), r.out());
    }
}
