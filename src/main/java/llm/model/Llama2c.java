package llm.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import llm.UserException;

/**
 * llama2.c checkpoints ({@code run.c}'s legacy format, as {@code stories260K.bin}): a 7 × int32 header
 * (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; a negative vocab_size means an untied
 * classifier), then float32 tensors: token embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3 (each for all
 * layers), rms_final, two RoPE tables (skipped), and the classifier when untied. Also reads the "version 1" export
 * (magic {@code ak42}, 256-byte header, norms first).
 *
 * <p>llama2.c rotates interleaved pairs (x0,x1), (x2,x3)...; our Llama uses HF's rotate-half pairs (x_i, x_{i+hd/2}).
 * The rows of wq and wk are permuted within each head on load so both give the same attention scores.
 */
public final class Llama2c {
    private static final int MAGIC = 0x616b3432; // "ak42"

    private Llama2c() {}

    /** True when the file starts like a llama2.c checkpoint (either header). */
    public static boolean looksLike(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < 28) {
                return false;
            }
            ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 0);
            b.flip();
            int first = b.getInt(0);
            if (first == MAGIC) {
                return true;
            }
            for (int i = 0; i < 7; i++) {
                if (i != 5 && b.getInt(4 * i) <= 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Read a llama2.c checkpoint onto {@code manager}'s device. */
    public static LanguageModel read(Path file, NDManager manager) {
        return readArrays(file).toModel(manager);
    }

    /**
     * Map a llama2.c checkpoint (HF names; each tensor a read-only mapping of its part of the file, not a copy; q/k
     * rows read in HF's rotate-half order through {@link HostTensor#rowOrder}).
     */
    public static ModelArrays readArrays(Path file) {
        return readArrays(file, false);
    }

    /**
     * As {@link #readArrays(Path)}; with {@code decoder}, for the CPU decoder: read into the heap where {@link
     * FloatMatrix#inHeap} keeps float32 weights there (only when forced: a checkpoint is float32).
     */
    public static ModelArrays readArrays(Path file, boolean decoder) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Header h = header(ch, file);
            ModelConfig config = h.config;
            boolean v1 = h.v1, shared = h.shared;
            int layers = config.nLayer(), heads = config.nHead(), kvHeads = config.nKvHead();
            int dim = config.dModel(), hidden = config.dFf(), vocab = config.vocabSize(), seqLen = config.ctx();
            long d = dim, kv = config.kvDim(), f = hidden, l = layers, v = vocab;
            int hd = config.headDim();
            long expected;
            try { // exact: a hostile header's sizes overflow a long, and a negative count passed the check below
                long perLayer = Math.addExact(Math.addExact(Math.multiplyExact(2, d), Math.multiplyExact(2, d * d)),
                        Math.addExact(Math.multiplyExact(2 * d, kv), Math.multiplyExact(3 * d, f)));
                long floats = Math.addExact(Math.addExact(Math.multiplyExact(v, d), Math.multiplyExact(l, perLayer)),
                        Math.addExact(d + (v1 ? 0 : (long) seqLen * hd), shared ? 0 : v * d));
                expected = Math.addExact(v1 ? 256 : 28, Math.multiplyExact(4, floats));
            } catch (ArithmeticException e) {
                throw UserException.runtime(file + ": truncated: the header implies more than " + Long.MAX_VALUE
                        + " bytes but the file has " + size);
            }
            if (size < expected) {
                throw UserException.runtime(file + ": truncated: the header implies " + expected + " bytes but the"
                        + " file has " + size);
            }
            Mapper r = new Mapper(ch, v1 ? 256 : 28, decoder && FloatMatrix.inHeap(config, HostTensor.Dtype.F32));
            long[] emb, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal; // {position, floats}
            if (v1) {
                rmsAtt = r.next(l * d);
                rmsFfn = r.next(l * d);
                rmsFinal = r.next(d);
                emb = r.next(v * d);
                wq = r.next(l * d * d);
                wk = r.next(l * kv * d);
                wv = r.next(l * kv * d);
                wo = r.next(l * d * d);
                w1 = r.next(l * f * d);
                w2 = r.next(l * d * f);
                w3 = r.next(l * f * d);
            } else {
                emb = r.next(v * d);
                rmsAtt = r.next(l * d);
                wq = r.next(l * d * d);
                wk = r.next(l * kv * d);
                wv = r.next(l * kv * d);
                wo = r.next(l * d * d);
                rmsFfn = r.next(l * d);
                w1 = r.next(l * f * d);
                w2 = r.next(l * d * f);
                w3 = r.next(l * f * d);
                rmsFinal = r.next(d);
                r.next((long) seqLen * hd); // freq_cis_real, freq_cis_imag: (seq_len, hd/2) each
            }
            long[] cls = shared ? null : r.next(v * d);
            int[] qOrder = halvesOrder(heads, hd), kOrder = halvesOrder(kvHeads, hd);

            Map<String, HostTensor> t = new LinkedHashMap<>();
            t.put("model.embed_tokens.weight", r.map(emb, 0, vocab, dim, null));
            for (int i = 0; i < layers; i++) {
                String pre = "model.layers." + i + ".";
                t.put(pre + "input_layernorm.weight", r.map(rmsAtt, i, -1, dim, null));
                t.put(pre + "self_attn.q_proj.weight", r.map(wq, i, dim, dim, qOrder));
                t.put(pre + "self_attn.k_proj.weight", r.map(wk, i, (int) kv, dim, kOrder));
                t.put(pre + "self_attn.v_proj.weight", r.map(wv, i, (int) kv, dim, null));
                t.put(pre + "self_attn.o_proj.weight", r.map(wo, i, dim, dim, null));
                t.put(pre + "post_attention_layernorm.weight", r.map(rmsFfn, i, -1, dim, null));
                t.put(pre + "mlp.gate_proj.weight", r.map(w1, i, hidden, dim, null));
                t.put(pre + "mlp.up_proj.weight", r.map(w3, i, hidden, dim, null));
                t.put(pre + "mlp.down_proj.weight", r.map(w2, i, dim, hidden, null));
            }
            t.put("model.norm.weight", r.map(rmsFinal, 0, -1, dim, null));
            if (!shared) {
                t.put("lm_head.weight", r.map(cls, 0, vocab, dim, null));
            }
            return new ModelArrays(config, t);
        } catch (IOException e) {
            throw UserException.runtime(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The shape of the llama2.c checkpoint at {@code file}, read from its header alone; null when it cannot be read. */
    public static ModelConfig config(Path file) {
        try {
            return readConfig(file);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The shape in a llama2.c checkpoint's header (either version), or an error naming the file and why. */
    public static ModelConfig readConfig(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return header(ch, file).config;
        } catch (IOException e) {
            throw UserException.runtime(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private record Header(ModelConfig config, boolean v1, boolean shared) {}

    private static Header header(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size < 28) {
            throw UserException.runtime(file + ": truncated header (" + size + " bytes; a llama2.c checkpoint"
                    + " starts with 7 int32)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) Math.min(size, 256)).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(hb, 0);
        hb.flip();
        boolean v1 = hb.getInt(0) == MAGIC;
        int base = 0;
        if (v1) {
            int version = hb.getInt(4);
            if (version != 1) {
                throw UserException.runtime(file + ": llama2.c export version " + version
                        + " is not supported (only float32: legacy and version 1)");
            }
            if (size < 256) {
                throw UserException.runtime(file + ": truncated header");
            }
            base = 8;
        }
        int dim = hb.getInt(base), hidden = hb.getInt(base + 4), layers = hb.getInt(base + 8);
        int heads = hb.getInt(base + 12), kvHeads = hb.getInt(base + 16), vocab = hb.getInt(base + 20);
        int seqLen = hb.getInt(base + 24);
        boolean shared = v1 ? hb.get(base + 28) != 0 : vocab > 0;
        vocab = Math.abs(vocab);
        ModelConfig config;
        try {
            config = new ModelConfig(Architecture.LLAMA, vocab, seqLen, dim, layers, heads, kvHeads, hidden,
                    1e-5f, 10000f, shared, null);
        } catch (IllegalArgumentException e) {
            throw UserException.runtime(file + ": not a llama2.c checkpoint (--model takes one, or a release "
                    + "directory); its header reads dim " + dim + ", hidden " + hidden + ", layers "
                    + layers + ", heads " + heads + ", kv heads " + kvHeads + ", vocab " + vocab + ", seq_len "
                    + seqLen + ": " + e.getMessage());
        }
        return new Header(config, v1, shared);
    }

    /**
     * W's rows in stored order for a q/k projection of llama2.c: W's row h·hd + i is stored row h·hd + 2i, and row
     * h·hd + hd/2 + i is stored row h·hd + 2i + 1 (llama2.c's interleaved RoPE pairs read as HF's halves).
     */
    static int[] halvesOrder(int heads, int hd) {
        int[] order = new int[heads * hd];
        int half = hd / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                order[h * hd + i] = h * hd + 2 * i;
                order[h * hd + half + i] = h * hd + 2 * i + 1;
            }
        }
        return order;
    }

    private static float[] slice(float[] all, int layer, long per) {
        int from = (int) (layer * per);
        return Arrays.copyOfRange(all, from, from + (int) per);
    }

    /**
     * Permute the output rows of a q/k projection (heads·hd, dim) from interleaved RoPE pairs (2i, 2i+1) to
     * rotate-half pairs (i, i + hd/2), per head — the inverse of HF's {@code convert_llama_weights_to_hf} permute.
     */
    static float[] interleavedToHalves(float[] w, int heads, int hd, int cols) {
        float[] out = new float[w.length];
        int half = hd / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                System.arraycopy(w, (h * hd + 2 * i) * cols, out, (h * hd + i) * cols, cols);
                System.arraycopy(w, (h * hd + 2 * i + 1) * cols, out, (h * hd + half + i) * cols, cols);
            }
        }
        return out;
    }

    /** Positions of consecutive float32 arrays in the file, and read-only mappings of their parts. */
    private static final class Mapper {
        private final FileChannel ch;
        private final boolean heap;
        private long pos;

        Mapper(FileChannel ch, long pos, boolean heap) {
            this.ch = ch;
            this.pos = pos;
            this.heap = heap;
        }

        /** The next array of n floats: {position, n}. */
        long[] next(long n) {
            long[] at = {pos, n};
            pos += 4 * n;
            return at;
        }

        /**
         * Part {@code layer} of an array of per-layer tensors, mapped: a matrix (rows, cols), or a vector of cols
         * when rows is −1.
         */
        HostTensor map(long[] array, int layer, int rows, int cols, int[] rowOrder) throws IOException {
            long per = (long) Math.max(rows, 1) * cols;
            if (per * 4 > Integer.MAX_VALUE - 8) {
                throw new IOException("tensor of " + per + " values is too large (at most 2 GB per tensor)");
            }
            ByteBuffer b = HostTensor.load(ch, array[0] + 4 * per * layer, (int) (4 * per), heap);
            long[] shape = rows < 0 ? new long[] {cols} : new long[] {rows, cols};
            return new HostTensor(b, HostTensor.Dtype.F32, shape, false, rowOrder);
        }
    }
}
