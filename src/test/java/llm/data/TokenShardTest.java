package llm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import llm.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shard sniff (one, for files and streams) and {@link ShardStreams.Output} to a file or a stream. */
class TokenShardTest {
    @Test
    void sniffsTheMagicOfFilesAndStreamsWithoutConsumingThem(@TempDir Path dir) throws Exception {
        Path shard = dir.resolve("a.bin");
        TokenShard.write(shard, new int[] {1, 2, 3}, TokenShard.VERSION_U16);
        assertTrue(TokenShard.isShard(shard));
        Path text = Files.writeString(dir.resolve("a.txt"), "1 2 3\n");
        assertFalse(TokenShard.isShard(text));
        assertFalse(TokenShard.isShard(dir.resolve("missing")));
        // by content, never by name: a .bin without the magic is not a shard, a .dat or .gz with it is
        assertFalse(TokenShard.isShardFile(dir.resolve("missing.BIN")));
        assertFalse(TokenShard.isShardFile(Files.write(dir.resolve("rand.bin"), new byte[] {1, 2, 3, 4, 0, 0})));
        assertTrue(TokenShard.isShardFile(Files.copy(shard, dir.resolve("tokens.dat"))));
        Path gz = dir.resolve("a.bin.gz");
        try (java.io.OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(Files.readAllBytes(shard));
        }
        assertTrue(TokenShard.isShardFile(gz));
        assertFalse(TokenShard.isShard(gz)); // the raw bytes are gzip's

        BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(Files.readAllBytes(shard)));
        assertTrue(TokenShard.isShard(in));
        assertArrayEquals(new int[] {1, 2, 3}, TokenShard.read(in, "a.bin")); // the header is still there
        assertFalse(TokenShard.startsWithMagic(new byte[] {0x58, 0x35, 0x35}));
        assertEquals(-1, TokenShard.firstInt(new byte[2]));
        assertEquals(TokenShard.MAGIC, TokenShard.firstInt(TokenShard.header(TokenShard.VERSION_U32, 0)));
    }

    @Test
    void outputToAFileOrAStreamHoldsTheSameShard(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.bin");
        try (ShardStreams.Output o = ShardStreams.Output.toFile(file, 100)) {
            o.write(new int[] {5, 99});
            o.write(new int[] {0});
            assertEquals(3, o.commit(null));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ShardStreams.Output o = ShardStreams.Output.inMemory(100)) {
            o.write(new int[] {5, 99});
            o.write(new int[] {0});
            assertEquals(3, o.commit(bytes));
        }
        assertArrayEquals(Files.readAllBytes(file), bytes.toByteArray());
        assertArrayEquals(new int[] {5, 99, 0}, TokenShard.read(file));
        try (ShardStreams.Output o = ShardStreams.Output.inMemory(100)) {
            UserException e = assertThrows(UserException.class, () -> o.write(new int[] {100}));
            assertEquals("token id 100 is out of range (vocab size 100)", e.getMessage());
        }
        assertEquals(TokenShard.VERSION_U32, ShardStreams.Output.inMemory(70_000).version());
    }
}
