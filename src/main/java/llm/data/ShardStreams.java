package llm.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import llm.UserException;
import llm.io.AtomicFile;
import llm.tokenizer.IntList;

/**
 * Streaming access to llm.c token shards ({@link TokenShard}'s format) for inputs larger than memory: a writer
 * that appends tokens and fills in the header's count at the end (atomically: a temporary file renamed on
 * {@link Writer#commit()}), and a reader that hands out tokens block by block.
 */
public final class ShardStreams {
    private ShardStreams() {}

    /** Appends tokens to a shard file; nothing appears at {@code target} unless {@link #commit()} is called. */
    public static final class Writer implements Closeable {
        private final Path target;
        private final AtomicFile file;
        private final FileChannel ch;
        private final int version;
        private final int vocabSize;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private long count;
        private boolean committed;

        public Writer(Path target, int vocabSize) throws IOException {
            this.target = target.toAbsolutePath();
            this.version = TokenShard.versionFor(vocabSize);
            this.vocabSize = vocabSize;
            this.file = AtomicFile.seekable(target); // a device or pipe gets the bytes at commit
            this.ch = file.channel();
            ch.write(ByteBuffer.wrap(TokenShard.header(version, 0)));
        }

        public int version() {
            return version;
        }

        public long count() {
            return count;
        }

        public void write(int[] ids) throws IOException {
            int width = version == TokenShard.VERSION_U16 ? 2 : 4;
            for (int t : ids) {
                if (t < 0 || t >= vocabSize) {
                    throw UserException.runtime("token id " + t + " is out of range (vocab size " + vocabSize + ")");
                }
                if (buf.remaining() < width) {
                    flush();
                }
                if (width == 2) {
                    buf.putShort((short) t);
                } else {
                    buf.putInt(t);
                }
            }
            count += ids.length;
            if (count > Integer.MAX_VALUE) {
                throw UserException.runtime(target + ": a shard holds at most " + Integer.MAX_VALUE + " tokens");
            }
        }

        private void flush() throws IOException {
            buf.flip();
            try {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            } catch (IOException e) {
                throw AtomicFile.cannotWrite(target, e);
            }
            buf.clear();
        }

        /** Write the final header and move the file into place. */
        public void commit() throws IOException {
            flush();
            ch.write(ByteBuffer.wrap(TokenShard.header(version, count)), 0);
            ch.force(false);
            file.commit();
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                file.close();
            }
        }
    }

    /**
     * Where {@code tokenize --bin} writes: a file, streamed in bounded memory ({@link Writer}), or a stream such as
     * stdout, which gets the whole shard at {@link #commit} — its header's count comes first, so the tokens are
     * kept in memory until then. Token ids are checked against the vocabulary either way. Made by
     * {@link #toFile} or {@link #inMemory}: exactly one of {@code file} and {@code memory} is set.
     */
    public record Output(Writer file, IntList memory, int vocabSize) implements Closeable {
        /** A shard file written atomically at {@link #commit}. */
        public static Output toFile(Path target, int vocabSize) throws IOException {
            return new Output(new Writer(target, vocabSize), null, vocabSize);
        }

        /** A shard kept in memory and written to the stream given to {@link #commit}. */
        public static Output inMemory(int vocabSize) {
            return new Output(null, new IntList(1 << 16), vocabSize);
        }

        public void write(int[] ids) throws IOException {
            if (file != null) {
                file.write(ids);
                return;
            }
            for (int id : ids) {
                if (id < 0 || id >= vocabSize) {
                    throw UserException.runtime("token id " + id + " is out of range (vocab size " + vocabSize + ")");
                }
            }
            memory.addAll(ids);
        }

        /** uint16 ({@link TokenShard#VERSION_U16}) or uint32 tokens. */
        public int version() {
            return TokenShard.versionFor(vocabSize);
        }

        /** Finish the shard (a file: into place; in memory: the whole shard to {@code out}); the token count. */
        public long commit(OutputStream out) throws IOException {
            if (file != null) {
                file.commit();
                return file.count();
            }
            TokenShard.write(out, memory.toArray(), version());
            out.flush();
            return memory.size();
        }

        @Override
        public void close() throws IOException {
            if (file != null) {
                file.close();
            }
        }
    }

    /** Reads a shard's tokens block by block. */
    public static final class Reader {
        private final InputStream in;
        private final String name;
        private final int width;
        private final long count;
        private long read;
        private final byte[] block = new byte[1 << 16];

        /** Reads and validates the header. */
        public Reader(InputStream in, String name) throws IOException {
            this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16);
            this.name = name;
            int[] h = TokenShard.parseHeader(this.in.readNBytes(TokenShard.HEADER_BYTES), name);
            this.width = h[1] == TokenShard.VERSION_U16 ? 2 : 4;
            this.count = h[2];
        }

        public long count() {
            return count;
        }

        /** The next block of tokens, or null at the end. A short file is a one-line error. */
        public int[] next() throws IOException {
            if (read >= count) {
                return null;
            }
            int want = (int) Math.min((count - read) * width, block.length);
            int got = in.readNBytes(block, 0, want);
            if (got < want) {
                throw UserException.runtime(name + ": truncated token shard: header says " + count + " tokens, found "
                        + (read + got / width));
            }
            ByteBuffer b = ByteBuffer.wrap(block, 0, got).order(ByteOrder.LITTLE_ENDIAN);
            int[] out = new int[got / width];
            for (int i = 0; i < out.length; i++) {
                out[i] = width == 2 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
            }
            read += out.length;
            return out;
        }
    }
}
