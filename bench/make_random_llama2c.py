#!/usr/bin/env python3
"""Write a random llama2.c checkpoint (legacy format, shared classifier) and a matching tokenizer.bin, for benchmarks.

usage: make_random_llama2c.py OUT_DIR [dim=288 hidden=768 layers=6 heads=6 kv_heads=6 vocab=32000 seq_len=256]
The tokenizer has <unk>, <s>, </s>, the 256 byte tokens <0xNN>, then pieces "t<i>" (so every id decodes)."""
import os, struct, sys
import numpy as np

out = sys.argv[1]
dim, hidden, layers, heads, kv, vocab, seq = (int(a) for a in (sys.argv[2:9] if len(sys.argv) > 2 else
                                                              (288, 768, 6, 6, 6, 32000, 256)))
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
hd = dim // heads
def w(*shape):
    return (rng.standard_normal(shape, dtype=np.float32) * 0.02).astype('<f4')
with open(os.path.join(out, "model.bin"), "wb") as f:
    f.write(struct.pack("<7i", dim, hidden, layers, heads, kv, vocab, seq))
    for arr in (w(vocab, dim), np.ones((layers, dim), '<f4'), w(layers, dim, dim), w(layers, kv * hd, dim),
                w(layers, kv * hd, dim), w(layers, dim, dim), np.ones((layers, dim), '<f4'), w(layers, hidden, dim),
                w(layers, dim, hidden), w(layers, hidden, dim), np.ones(dim, '<f4'),
                np.zeros((seq, hd // 2), '<f4'), np.zeros((seq, hd // 2), '<f4')):
        f.write(arr.tobytes())
with open(os.path.join(out, "tokenizer.bin"), "wb") as f:
    pieces = [b"<unk>", b"\n<s>\n", b"\n</s>\n"] + [b"<0x%02X>" % i for i in range(256)]
    pieces += [b" t%d" % i for i in range(vocab - len(pieces))]
    f.write(struct.pack("<i", max(len(p) for p in pieces)))
    for i, p in enumerate(pieces):
        f.write(struct.pack("<fi", -float(i), len(p)) + p)
print(out)
