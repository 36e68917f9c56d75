#!/usr/bin/env python3
"""Writes the hostile files kept aside (src/test/resources/llm/fuzz/hostile/<kind>/): malformed model files,
tokenizers, shards, archives and XML, each small, each lying about sizes or structure. HostileFilesTest hands each to
the command that reads its kind and expects a correct result or one clear line on stderr, never a crash or a hang.
    python3 bench/fuzz/make_hostile.py"""
import bz2, gzip, io, json, lzma, os, struct, subprocess, tarfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, "src/test/resources/llm/fuzz/hostile")


def put(kind, name, data):
    d = os.path.join(out, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def st(header, blob=b""):
    h = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + blob


# safetensors (read as a release directory's model.safetensors, beside a valid tiny config.json)
put("safetensors", "header-length-2e18.safetensors", struct.pack("<Q", 2 * 10**18) + b"{}")
put("safetensors", "header-longer-than-file.safetensors", struct.pack("<Q", 4096) + b'{"a":1}')
put("safetensors", "shape-2e40.safetensors", st({"wte.weight": {"dtype": "F32", "shape": [1 << 20, 1 << 20],
                                                              "data_offsets": [0, 16]}}, b"\0" * 16))
put("safetensors", "offsets-past-end.safetensors", st({"wte.weight": {"dtype": "F32", "shape": [2],
                                                                    "data_offsets": [0, 1 << 40]}}, b"\0" * 8))
put("safetensors", "negative-offsets.safetensors", st({"x": {"dtype": "F16", "shape": [1],
                                                           "data_offsets": [-2, 0]}}, b"\0" * 8))
put("safetensors", "nested-json.safetensors", st(b"[" * 5000 + b"]" * 5000))
put("safetensors", "not-json.safetensors", st(b"\xff\xfe{not json"))
put("safetensors", "empty.safetensors", b"")

# llama2.c checkpoints (dim, hidden, layers, heads, kv heads, vocab, seq_len)
put("checkpoint", "dim-1e9.bin", struct.pack("<7i", 1 << 30, 1 << 30, 1 << 20, 1, 1, 32000, 256) + b"\0" * 64)
put("checkpoint", "negative-layers.bin", struct.pack("<7i", 8, 16, -1, 2, 2, 16, 8) + b"\0" * 64)
put("checkpoint", "heads-not-dividing.bin", struct.pack("<7i", 10, 16, 1, 3, 3, 16, 8) + b"\0" * 64)
put("checkpoint", "truncated-weights.bin", struct.pack("<7i", 8, 16, 1, 2, 2, 16, 8) + b"\0" * 100)
put("checkpoint", "v1-bad-version.bin", struct.pack("<Ii", 0x616b3432, 7) + b"\0" * 300)
put("checkpoint", "header-only.bin", struct.pack("<3i", 8, 16, 1))

# tokenizers
put("tokenizer", "max-length-2e9.bin", struct.pack("<i", 2**31 - 1) + struct.pack("<fi", 0.0, 2**31 - 2))
put("tokenizer", "piece-past-end.bin", struct.pack("<i", 16) + struct.pack("<fi", 0.0, 12) + b"abc")
put("tokenizer", "too-few-pieces.bin", struct.pack("<i", 4) + b"".join(struct.pack("<fi", 0.0, 1) + b"a"
                                                                         for _ in range(10)))
put("tokenizer", "nested.json", "[" * 20000)
put("tokenizer", "truncated.json", '{"model": {"type": "BPE", "vocab": {"a": 0, "b":')
put("tokenizer", "wrong-types.json", json.dumps({"model": {"type": "BPE", "vocab": [1, 2], "merges": {"a": 1}},
                                                 "pre_tokenizer": {"type": "ByteLevel"}, "decoder": 7}))
put("tokenizer", "merge-of-unknowns.json", json.dumps({
    "model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["x y", "a"]},
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False}, "decoder": {"type": "ByteLevel"},
    "added_tokens": [{"id": 99, "content": "<|endoftext|>", "special": True}]}))

# token shards (tokenize --decode reads one)
def shard_head(magic, version, count):
    return struct.pack("<3i", magic, version, count) + b"\0" * (1024 - 12)


put("shard", "count-2e9.bin", shard_head(20240520, 1, 2**31 - 1) + b"\1\0" * 8)
put("shard", "negative-count.bin", shard_head(20240520, 2, -5))
put("shard", "bad-version.bin", shard_head(20240520, 9, 1) + b"\0" * 4)
put("shard", "bad-magic.bin", shard_head(1234, 1, 1) + b"\0" * 2)
put("shard", "short-header.bin", shard_head(20240520, 1, 1)[:100])
put("shard", "u32-ids-past-int.bin", shard_head(20240520, 2, 2) + struct.pack("<2I", 0xFFFFFFFF, 5))


# archives and compressed text (tokenize --train reads them as training data)
def tar(members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            info.type = kind
            if kind == tarfile.SYMTYPE or kind == tarfile.LNKTYPE:
                info.linkname = data.decode()
                data = b""
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return b.getvalue()


text = b"Once upon a time there was a little fox.\n" * 4
put("archive", "traversal.tar", tar([("../../escaped.txt", text, tarfile.REGTYPE),
                                     ("/abs/path.txt", text, tarfile.REGTYPE),
                                     ("link", b"/etc/passwd", tarfile.SYMTYPE),
                                     ("hard", b"../../x", tarfile.LNKTYPE)]))
put("archive", "gzip-bomb-zeros.gz.gz", gzip.compress(gzip.compress(b"\0" * (64 << 20), mtime=0), mtime=0))  # 64 MiB of NUL
put("archive", "truncated.txt.gz", gzip.compress(text * 50, mtime=0)[:60])
put("archive", "corrupt.bz2", b"BZh91AY&SY" + b"\x55" * 200)
put("archive", "garbage.zst", b"\x28\xb5\x2f\xfd" + b"\xff" * 64)
put("archive", "truncated.xz", lzma.compress(text * 20)[:50])
put("archive", "tar-size-lie.tar", tar([("a.txt", text, tarfile.REGTYPE)])[:700])
nested = text
for _ in range(30):
    nested = gzip.compress(nested, mtime=0)
put("archive", "gzip-30-deep.gz", nested)
put("archive", "tar-in-tar.tar", tar([("inner.tar", tar([("deep.txt", text, tarfile.REGTYPE)]), tarfile.REGTYPE)]))
put("archive", "empty.tar.gz", gzip.compress(b"\0" * 1024, mtime=0))

# XML: entity expansion, external entities (a document type declaration before a <mediawiki> root: refused by the
# dump reader), deep nesting
put("xml", "billion-laughs.xml", '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10) for i in range(1, 10))
    + ']>\n<mediawiki><page><title>T</title><revision><text>&lol9;</text></revision></page></mediawiki>\n')
put("xml", "external-entity.xml", '<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    '<mediawiki><page><title>T</title><revision><text>&x;</text></revision></page></mediawiki>\n')
put("xml", "unclosed.xml.bz2", bz2.compress(b'<mediawiki><page><title>T</title><revision><text>a [[b'))
put("xml", "deep-nesting.xml.gz", gzip.compress(("<a>" * 50000 + "x" + "</a>" * 50000).encode(), mtime=0))
# ... and as MediaWiki dumps (a <mediawiki> root: read by the dump reader of extract, memorize-check, train, ...)
put("xml", "deep-nesting-dump.xml.gz", gzip.compress(("<mediawiki><page><title>T</title>" + "<a>" * 50000 + "x"
                                                       + "</a>" * 50000 + "</page></mediawiki>").encode(), mtime=0))
put("xml", "external-entity-utf16.xml", ('\ufeff<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE mediawiki '
                                         '[<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<mediawiki><page><title>T'
                                         '</title><ns>0</ns><revision><text>&x;</text></revision></page></mediawiki>'
                                         ).encode("utf-16-le"))
put("xml", "oversized-text.xml.bz2", bz2.compress(b"<mediawiki><page><title>T</title><ns>0</ns><revision><text>"
                                                  + b"a" * (9 << 20) + b"</text></revision></page></mediawiki>"))
put("xml", "oversized-title.xml", "<mediawiki><page><title>" + "t" * 5000 + "</title><ns>0</ns><revision><text>x"
    "</text></revision></page></mediawiki>")
put("tokenizer", "nested-objects.json", '{"model":' * 20000 + "1" + "}" * 20000)
