package llm.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import llm.UserException;

/**
 * The tokens of one llm.c token shard on disk ({@link TokenShard}), read on demand with positional reads (the OS
 * page cache keeps hot parts in memory), so a corpus larger than the heap can be batched. Close to release the file.
 */
public final class ShardTokens implements Tokens, AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final int width;
    private final long count;

    private ShardTokens(Path path, FileChannel channel, int width, long count) {
        this.path = path;
        this.channel = channel;
        this.width = width;
        this.count = count;
    }

    /** Open a shard and check its header and length. */
    public static ShardTokens open(Path path) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
            ByteBuffer head = ByteBuffer.allocate(TokenShard.HEADER_BYTES);
            while (head.hasRemaining() && ch.read(head) > 0) {
                // fill
            }
            int[] h = TokenShard.parseHeader(head.position() == TokenShard.HEADER_BYTES ? head.array()
                    : java.util.Arrays.copyOf(head.array(), head.position()), path.toString());
            int width = h[1] == TokenShard.VERSION_U16 ? 2 : 4;
            long need = TokenShard.HEADER_BYTES + (long) h[2] * width;
            if (ch.size() < need) {
                throw UserException.runtime(path + ": truncated token shard: header says " + h[2] + " tokens, found "
                        + (ch.size() - TokenShard.HEADER_BYTES) / width);
            }
            return new ShardTokens(path, ch, width, h[2]);
        } catch (IOException e) {
            closeQuietly(ch);
            throw UserException.runtime(path + ": cannot read token shard: " + llm.io.Inputs.reason(e), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    public Path path() {
        return path;
    }

    /** 2 (uint16, version 1) or 4 (uint32, version 2). */
    public int width() {
        return width;
    }

    @Override
    public long size() {
        return count;
    }

    @Override
    public void read(long from, int[] dst, int off, int len) {
        Tokens.checkRead(from, len, count);
        ByteBuffer b = ByteBuffer.allocate(Math.min(len, 1 << 16) * width).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (len > 0) {
                int n = Math.min(len, b.capacity() / width);
                b.clear().limit(n * width);
                long pos = TokenShard.HEADER_BYTES + from * width;
                while (b.hasRemaining()) {
                    if (channel.read(b, pos + b.position()) < 0) {
                        throw new IOException("unexpected end of file");
                    }
                }
                b.flip();
                for (int i = 0; i < n; i++) {
                    dst[off + i] = width == 2 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
                }
                from += n;
                off += n;
                len -= n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + llm.io.Inputs.reason(e), e);
        }
    }

    /** The largest id in the shard (one sequential pass). */
    public int maxId() {
        int max = -1;
        int[] buf = new int[1 << 16];
        for (long at = 0; at < count; at += buf.length) {
            int n = (int) Math.min(buf.length, count - at);
            read(at, buf, 0, n);
            for (int i = 0; i < n; i++) {
                max = Math.max(max, width == 4 && buf[i] < 0 ? Integer.MAX_VALUE : buf[i]);
            }
        }
        return max;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}
