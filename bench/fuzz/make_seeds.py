#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs (src/test/resources/llm/fuzz/*Inputs/<target>/seed-*): small files derived
from ../shared (a few lines, the first pieces of a vocabulary) plus hand-made ones. Jazzer starts fuzzing from them,
and the normal test run replays them (regression mode). Rerun after changing a target's input format:
    python3 bench/fuzz/make_seeds.py [SHARED]"""
import bz2, gzip, io, json, lzma, os, struct, subprocess, sys, tarfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared")
res = os.path.join(root, "src/test/resources/llm/fuzz")


def seed(cls, target, name, data):
    d = os.path.join(res, cls + "FuzzInputs", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def lines(path, n, opener=open):
    with opener(os.path.join(shared, path), "rt", encoding="utf-8") as f:
        return "".join(next(f) for _ in range(n))


def safetensors(tensors, meta=None):
    header, blob = {}, b""
    if meta:
        header["__metadata__"] = meta
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(blob), len(blob) + len(raw)]}
        blob += raw
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + blob


def f32(*v):
    return struct.pack("<%df" % len(v), *v)


# --- model files
seed("ModelFiles", "safetensors", "f32", safetensors([("wte", "F32", [2, 3], f32(*range(6))),
                                                      ("ln.bias", "F32", [3], f32(0.5, -1, 2))], {"format": "pt"}))
seed("ModelFiles", "safetensors", "f16-bf16", safetensors([("a", "F16", [2], struct.pack("<2H", 0x3C00, 0xFC00)),
                                                           ("b", "BF16", [1, 2], struct.pack("<2H", 0x3F80, 0x7FC0)),
                                                           ("c", "I64", [1], struct.pack("<q", 7)),
                                                           ("empty", "F32", [0, 4], b"")]))
with open(os.path.join(root, "models/default/config.json"), "rb") as f:
    seed("ModelFiles", "configJson", "gpt2", f.read())
seed("ModelFiles", "configJson", "llama", json.dumps({
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 512, "hidden_size": 64,
    "intermediate_size": 172, "num_hidden_layers": 5, "num_attention_heads": 8, "num_key_value_heads": 4,
    "max_position_embeddings": 512, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": True,
    "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                     "original_max_position_embeddings": 8192}}, indent=1))


def llama2c(dim, hidden, layers, heads, kv, vocab, seq, shared_w=True, v1=False):
    hs = dim // heads
    kvd = kv * hs
    n = vocab * dim + layers * (2 * dim + 2 * dim * dim + 2 * dim * kvd + 3 * dim * hidden) + dim
    if v1:
        n += 0 if shared_w else vocab * dim
        head = struct.pack("<Ii7iB", 0x616b3432, 1, dim, hidden, layers, heads, kv, vocab, seq, shared_w)
        return head + b"\0" * (256 - len(head)) + f32(*[(i % 13) / 13 for i in range(n)])
    n += seq * hs + (0 if shared_w else vocab * dim)
    head = struct.pack("<7i", dim, hidden, layers, heads, kv, vocab if shared_w else -vocab, seq)
    return head + f32(*[(i % 13) / 13 for i in range(n)])


seed("ModelFiles", "llama2cCheckpoint", "legacy-shared", llama2c(8, 16, 1, 2, 2, 16, 8))
seed("ModelFiles", "llama2cCheckpoint", "legacy-unshared-gqa", llama2c(8, 12, 1, 2, 1, 8, 4, shared_w=False))
seed("ModelFiles", "llama2cCheckpoint", "v1", llama2c(8, 16, 1, 2, 2, 16, 8, v1=True))
with open(os.path.join(shared, "models/stories260K/stories260K.bin"), "rb") as f:
    seed("ModelFiles", "llama2cCheckpoint", "stories260K-header", f.read(28 + 4096))  # truncated: the real header

# --- tokenizers
with open(os.path.join(shared, "tokenizers/gpt2/tokenizer.json"), encoding="utf-8") as f:
    gpt2 = json.load(f)
vocab = {t: i for t, i in gpt2["model"]["vocab"].items() if i < 300}
merges = []
for m in gpt2["model"]["merges"]:
    a, b = m.split(" ") if isinstance(m, str) else m
    if a + b in vocab and a in vocab and b in vocab:
        merges.append(m)
gpt2["model"]["vocab"] = vocab
gpt2["model"]["merges"] = merges
gpt2["added_tokens"] = [dict(gpt2["added_tokens"][0], id=299, content="<|endoftext|>")]
vocab.pop(next(t for t, i in vocab.items() if i == 299))
vocab["<|endoftext|>"] = 299
seed("TokenizerFiles", "tokenizerJson", "gpt2-300", json.dumps(gpt2, ensure_ascii=False, separators=(",", ":")))
with open(os.path.join(shared, "models/stories260K/tok512.bin"), "rb") as f:
    tok = f.read()
pos, count = 4, 0
while pos < len(tok) and count < 280:  # <unk>, <s>, </s>, 256 byte pieces, 21 merges
    pos += 8 + struct.unpack_from("<i", tok, pos + 4)[0]
    count += 1
seed("TokenizerFiles", "tokenizerBin", "tok512-280", tok[:pos])

# --- token shards (llm.c: 256 int32 header, then tokens)
def shard(version, tokens):
    head = struct.pack("<3i", 20240520, version, len(tokens)) + b"\0" * (1024 - 12)
    return head + struct.pack("<%d%s" % (len(tokens), "H" if version == 1 else "I"), *tokens)


seed("TokenShard", "shard", "u16", shard(1, [50256, 1, 2, 3, 65535, 0]))
seed("TokenShard", "shard", "u32", shard(2, [50256, 100000, 7]))

# --- corpus text
stories = lines("data/tinystories/tinystories-2.5k.txt", 12)
seed("Corpus", "jsonl", "stories", "".join(json.dumps({"text": p, "id": i}) + "\n"
                                           for i, p in enumerate(stories.split("\n\n")) if p) + "\n{\"text\": \"\"}\n")
seed("Corpus", "jsonl", "bom-fields", "\ufeff{\"text\": \"a\\u2028b\", \"id\": null}\n{\"title\": \"x\"}\n")
seed("Corpus", "wikitext", "wiki-test", lines("data/wikitext-2-raw/wiki.test.raw", 14)[:3500])
seed("Corpus", "wikitext", "eot", " = A = \n text \n<|endoftext|>\n = = B = = \n\n = C = \n")
text = stories[:600].encode()
jsonl = (json.dumps({"text": stories[:300]}) + "\n").encode()


def tar(members, mode="w"):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode=mode) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return b.getvalue()


zst = subprocess.run(["zstd", "-q", "-c"], input=text, capture_output=True, check=True).stdout
# the last byte picks the file name (CorpusFuzz.NAMES) through FuzzedDataProvider
seed("Corpus", "archive", "text", text + b"\x01")
seed("Corpus", "archive", "gz", gzip.compress(text, mtime=0) + b"\x04")
# the smallest block and dictionary: the decoders allocate what the header says (bzip2 -9: 3.6 MB, xz -6: 8 MiB) on
# every input the fuzzer derives from these, which set the pace of the target
seed("Corpus", "archive", "bz2", bz2.compress(text, 1) + b"\x0b")
seed("Corpus", "archive", "xz", lzma.compress(text, preset=0) + b"\x0c")
seed("Corpus", "archive", "zst", zst + b"\x05")
seed("Corpus", "archive", "tar", tar([("a.txt", text[:200]), ("d/b.jsonl", jsonl), ("../up.txt", b"x\n"),
                                      (".hidden", b"h\n")]) + b"\x06")
seed("Corpus", "archive", "tar-gz-nested", gzip.compress(tar([("in.txt.gz", gzip.compress(text[:300], mtime=0))]), mtime=0) + b"\x07")

# --- evaluation files (FuzzedDataProvider: the last bytes pick the options)
seed("EvalFiles", "examples", "swadesh", lines("eval/swadesh_en_fr_es_de_it.tsv", 8) + "\x00\x03")
seed("EvalFiles", "examples", "jsonl", '{"input": "one", "output": "un"}\n{"input": "two"}\n' + "\x01\x00")
hella = lines("eval/hellaswag_val.txt.bz2", 12, bz2.open)
seed("EvalFiles", "hellaswag", "text", hella + "\x00\x00")
seed("EvalFiles", "hellaswag", "jsonl", json.dumps({"ctx": "A man", "endings": ["a", "b", "c", "d"], "label": 2})
     + "\n\x01\x01")
seed("EvalFiles", "transcript", "default", "The assistant is helpful.\n\nHuman: Hello\nAssistant: Hi there.\n"
     "Human: What is 2+2?\nAssistant:\n")

# --- flag values
for n, v in [("path-weight", "wiki.txt:10"), ("windows", "C:\\data\\a.txt"), ("weight-exp", "a:1e-3")]:
    seed("FlagValues", "dataSpec", n, v)
for n, v in [("billions", "1.6B"), ("exp", "3e9"), ("thousands", "512K"), ("tera", "15T")]:
    seed("FlagValues", "quantity", n, v)
for n, v in [("default", "{input} => {output}"), ("qa", "Q: {input}\\nA: {output}"), ("no-output", "{input}")]:
    seed("FlagValues", "template", n, v)
for n, v in [("escapes", "\\n\\t\\\\ x\\r"), ("unicode", "é\\u00e9")]:
    seed("FlagValues", "escapes", n, v)

# --- MediaWiki markup: page texts from the shared dump excerpt (XML entities decoded), plus hand-made edge cases
import html, re
with bz2.open(os.path.join(shared, "data/wikipedia-dumps/enwiki-table-markup.xml.bz2"), "rt", encoding="utf-8") as f:
    dump = f.read(400000)
for k, m in enumerate(re.finditer(r"<text[^>]*>(.*?)</text>", dump, re.S)):
    if k >= 3:
        break
    seed("Wiki", "wikitext", "dump-%d" % k, html.unescape(m.group(1))[:3500])
seed("Wiki", "wikitext", "nesting", "{{a|{{b|[[c|{{d}}]]}}}} '''x''' [[File:a.png|thumb|[[y]]]] {|\n|-\n| z\n|}\n"
     "<ref>r</ref><!-- c --> -{zh:x;en:y}- == H ==\n* item\n[http://e.org label]")
seed("Wiki", "wikitext", "unbalanced", "{{{{ [[[[ {| <ref> <!-- text ]] }} |} ''' '' = = ==")

# --- MediaWiki dumps (DumpFuzz#dump: told by content) and multistream bzip2 (DumpFuzz#bzip2)
import re
with bz2.open(os.path.join(shared, "data/wikipedia-dumps/"
                           "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"), "rb") as f:
    head = f.read(200000).decode("utf-8", "replace")
siteinfo_end = head.index("</siteinfo>") + len("</siteinfo>")
pages = re.findall(r"  <page>.*?</page>\n", head, re.S)
open_tag = head[:head.index(">") + 1]


def cut(page, n):  # a page with its text cut to n characters (still well-formed: cut before an entity or tag)
    m = re.search(r"(<text[^>]*>)(.*?)(</text>)", page, re.S)
    body = m.group(2)[:n]
    body = body[:body.rfind("&")] if body.rfind("&") > body.rfind(";") else body
    return page[:m.start(2)] + body + page[m.end(2):]


first = "".join(cut(p, 300) for p in pages[:4])  # a redirect or two, then articles
shared_dump = open_tag + "\n" + "  <siteinfo><sitename>Wikipedia</sitename></siteinfo>\n" + first + "</mediawiki>\n"
seed("Dump", "dump", "enwiki-first-pages", shared_dump)
seed("Dump", "dump", "minimal", "<mediawiki><page><title>A</title><ns>0</ns><revision><text>'''A''' is a "
     "[[letter]].{{cite|x}}</text></revision></page></mediawiki>")
seed("Dump", "dump", "bom-decl-ns-redirect", "\ufeff<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c -->\n"
     "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\"><page><title>Talk:B</title><ns>1</ns>"
     "<revision><text>x</text></revision></page><page><title>R</title><ns>0</ns><redirect title=\"A\"/>"
     "<revision><text>#REDIRECT [[A]]</text></revision></page><page><title>C &amp; D</title><ns>0</ns>"
     "<revision><text xml:space=\"preserve\">== H ==\n* item &lt;ref&gt;r&lt;/ref&gt;\n</text></revision>"
     "</page></mediawiki>")
seed("Dump", "dump", "utf16", "<mediawiki><page><title>\u00e9t\u00e9</title><ns>0</ns><revision><text>"
     "\u00e9t\u00e9 \u2014 \U0001F600</text></revision></page></mediawiki>".encode("utf-16"))
seed("Dump", "dump", "doctype", "<?xml version=\"1.0\"?><!DOCTYPE mediawiki [<!ENTITY x \"y\">]><mediawiki/>")
seed("Dump", "dump", "truncated", shared_dump[:len(shared_dump) * 2 // 3])
streams = [bz2.compress(p.encode(), 1) for p in [open_tag + "\n"] + [cut(p, 200) for p in pages[:3]] + ["</mediawiki>\n"]]
seed("Dump", "bzip2", "multistream", b"".join(streams))
seed("Dump", "bzip2", "one-stream", bz2.compress(b"abc" * 50 + bytes(range(256)), 1))
seed("Dump", "bzip2", "runs", bz2.compress(b"a" * 5000 + b"b" * 300, 1))
seed("Dump", "bzip2", "truncated-second", streams[0] + streams[1][:len(streams[1]) // 2])
seed("Dump", "bzip2", "garbage-after", streams[0] + streams[1] + b"BZh9garbage")
seed("Dump", "bzip2", "empty-stream-between", streams[0] + bz2.compress(b"", 1) + streams[1])
