package llm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import llm.data.ShardTokens;
import llm.data.TokenShard;
import org.junit.jupiter.api.Tag;

/** llm.c token shards: the 256-int32 header (magic, version, count), then uint16 or uint32 tokens. */
@Tag("fuzz")
class TokenShardFuzz {

    /** As training opens a shard in place (ShardTokens) and as a stream (TokenShard.read). */
    @FuzzTest
    void shard(byte[] data) throws Exception {
        Path f = Scratch.file(Scratch.dir(), "train_000000.bin", data);
        Contract.holds(() -> {
            try (ShardTokens s = ShardTokens.open(f)) {
                s.maxId();
            }
        });
        Contract.holds(() -> TokenShard.read(new ByteArrayInputStream(data), "shard.bin"));
    }
}
