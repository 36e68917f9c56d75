package llm.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import llm.UserException;

/**
 * Collects token ids as they are produced: in memory, or — given a directory — in llm.c token shards of at most
 * {@code shardTokens} ids each ({@code PREFIX_000000.bin}, ...), written atomically, so that memory stays bounded
 * by one shard. {@link #finish()} returns what was written as {@link Tokens}.
 */
public final class TokenWriter implements AutoCloseable {
    /** Default shard size: 100M tokens (200 MB as uint16), as llm.c's FineWeb shards. */
    public static final int DEFAULT_SHARD_TOKENS = 100_000_000;

    private final Path dir;
    private final String prefix;
    private final int version;
    private final int shardTokens;
    private final List<ShardTokens> shards = new ArrayList<>();
    private int[] buf = new int[1024];
    private int n;
    private long flushed;
    private boolean finished;

    /** In memory. */
    public TokenWriter() {
        this(null, null, Integer.MAX_VALUE, Integer.MAX_VALUE - 8);
    }

    /**
     * Shards in {@code dir} (null: in memory) named {@code prefix_NNNNNN.bin}, uint16 when {@code vocabSize} fits,
     * else uint32.
     */
    public TokenWriter(Path dir, String prefix, int vocabSize, int shardTokens) {
        if (shardTokens < 1) {
            throw new IllegalArgumentException("shardTokens " + shardTokens);
        }
        this.dir = dir;
        this.prefix = prefix;
        this.version = TokenShard.versionFor(vocabSize);
        this.shardTokens = shardTokens;
    }

    public void add(int id) {
        if (n == buf.length) {
            grow(1);
        }
        buf[n++] = id;
        if (n >= shardTokens) {
            spill();
        }
    }

    public void add(int[] ids) {
        for (int at = 0; at < ids.length; ) {
            int take = Math.min(ids.length - at, shardTokens - n);
            if (n + take > buf.length) {
                grow(take);
            }
            System.arraycopy(ids, at, buf, n, take);
            n += take;
            at += take;
            if (n >= shardTokens) {
                spill();
            }
        }
    }

    private void grow(int more) {
        long want = Math.max((long) n + more, Math.min((long) buf.length * 3 / 2 + 16, shardTokens));
        if (want > Integer.MAX_VALUE - 8) {
            throw UserException.runtime("more than " + (Integer.MAX_VALUE - 8) + " tokens in memory: give the data "
                    + "layer a directory for token shards");
        }
        buf = Arrays.copyOf(buf, (int) want);
    }

    private void spill() {
        if (dir == null || n == 0) {
            return;
        }
        Path p = dir.resolve(String.format("%s_%06d.bin", prefix, shards.size()));
        try {
            Files.createDirectories(dir);
            TokenShard.write(p, n == buf.length ? buf : Arrays.copyOf(buf, n), version);
        } catch (IOException e) {
            throw UserException.runtime(p + ": cannot write token shard: " + llm.io.Inputs.reason(e), e);
        }
        shards.add(ShardTokens.open(p));
        flushed += n;
        n = 0;
    }

    /** Tokens added so far. */
    public long size() {
        return flushed + n;
    }

    /** Everything added, as one sequence (the writer can be dropped afterwards). */
    public Tokens finish() {
        finished = true;
        if (dir == null) {
            return new Tokens.Array(n == buf.length ? buf : Arrays.copyOf(buf, n), n);
        }
        spill();
        return shards.isEmpty() ? Tokens.of() : Tokens.concat(shards);
    }

    /** The shard files written (empty in memory). */
    public List<Path> files() {
        return shards.stream().map(ShardTokens::path).toList();
    }

    /** Releases the shard files unless {@link #finish()} handed them out (they then live as long as the process). */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        for (ShardTokens s : shards) {
            s.close();
        }
    }
}
