#!/usr/bin/env python3
"""An independent reference for `llm`'s model families, in Python + numpy only (no torch, no transformers).

Written from transformers' modeling code (modeling_gpt2.py, modeling_gpt_neo.py, modeling_gpt_neox.py,
modeling_llama.py, modeling_qwen2.py, modeling_mistral.py, masking_utils.py) and configuration code
(configuration_*.py: the same keys and defaults). It reads a release directory as transformers would
(config.json; model.safetensors or a sharded model.safetensors.index.json; F32, F16 or BF16) and runs the full
forward in float64 on every prefix, without any cache — so it shares nothing with the Java code but the file format.

usage: reference.py RELEASE_DIR IDS [GREEDY_N]
  IDS       comma-separated token ids, e.g. 5,17,3
  GREEDY_N  tokens to continue IDS greedily (default 8)
prints one JSON object: model_type, ids, logprobs (log p(ids[i+1] | ids[..i]) for each i), greedy (the ids that
follow IDS under argmax), greedy_logprobs (their log-probabilities), greedy_margins (how far
each greedy token's log-prob is above the runner-up's: a margin below the tolerance could flip), weights_sha256 (of the weight files).
"""
import hashlib
import json
import math
import os
import struct
import sys

import numpy as np


# ---- reading a release -------------------------------------------------------------------------------------------

def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        raw = data[b:end]
        if e["dtype"] == "F32":
            a = np.frombuffer(raw, dtype="<f4")
        elif e["dtype"] == "F16":
            a = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif e["dtype"] == "BF16":
            a = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise SystemExit(f"{path}: {name}: dtype {e['dtype']} not handled")
        out[name] = a.astype(np.float64).reshape(e["shape"])
    return out


def read_release(d):
    cfg = json.load(open(os.path.join(d, "config.json")))
    single = os.path.join(d, "model.safetensors")
    files = [single] if os.path.exists(single) else sorted(
        {os.path.join(d, f) for f in json.load(open(os.path.join(d, "model.safetensors.index.json")))["weight_map"].values()})
    w, h = {}, hashlib.sha256()
    for f in files:
        w.update(read_safetensors(f))
        h.update(open(f, "rb").read())
    return cfg, w, h.hexdigest()


def tensor(w, name, base):
    """transformers' *ForCausalLM names; a base model saved alone has no prefix."""
    if name in w:
        return w[name]
    if name.startswith(base + "."):
        return w[name[len(base) + 1:]]
    raise KeyError(name)


# ---- pieces --------------------------------------------------------------------------------------------------------

def layer_norm(x, g, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def rms_norm(x, g, eps):  # LlamaRMSNorm
    return g * (x / np.sqrt((x * x).mean(-1, keepdims=True) + eps))


_erf = np.frompyfunc(math.erf, 1, 1)


def act(name, x):
    if name == "gelu":  # exact: x·Φ(x)
        return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)).astype(np.float64))
    if name in ("gelu_new", "gelu_pytorch_tanh", "gelu_fast"):
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))
    if name == "silu":
        return x / (1.0 + np.exp(-x))
    raise SystemExit(f"activation {name} not in the reference")


def softmax(a):
    a = a - a.max(-1, keepdims=True)
    e = np.exp(a)
    return e / e.sum(-1, keepdims=True)


def rope(x, rot, theta):
    """rotate_half RoPE on the first `rot` dims of each head; x (H, T, hd), positions 0..T-1."""
    t = x.shape[1]
    inv = 1.0 / (theta ** (np.arange(0, rot, 2, dtype=np.float64) / rot))
    freqs = np.outer(np.arange(t, dtype=np.float64), inv)
    emb = np.concatenate([freqs, freqs], -1)
    cos, sin = np.cos(emb), np.sin(emb)
    xr, xp = x[..., :rot], x[..., rot:]
    half = rot // 2
    rotated = np.concatenate([-xr[..., half:], xr[..., :half]], -1)
    return np.concatenate([xr * cos + rotated * sin, xp], -1)


def attend(q, k, v, scale, window):
    """q (H, T, hd), k/v (Hkv, T, hd); causal, and kv_idx > q_idx - window when window (masking_utils)."""
    h, t, hd = q.shape
    rep = h // k.shape[0]
    k, v = np.repeat(k, rep, 0), np.repeat(v, rep, 0)
    s = q @ k.transpose(0, 2, 1) * scale
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    ok = j <= i
    if window:
        ok &= j > i - window
    s = np.where(ok, s, -np.inf)
    y = softmax(s) @ v  # (H, T, hd)
    return y.transpose(1, 0, 2).reshape(t, h * hd)


# ---- the families --------------------------------------------------------------------------------------------------

def gpt2(cfg, w, ids):
    T = lambda n: tensor(w, n, "transformer")
    c, nh = cfg["n_embd"], cfg["n_head"]
    hd, eps = c // nh, cfg.get("layer_norm_epsilon", 1e-5)
    x = T("transformer.wte.weight")[ids] + T("transformer.wpe.weight")[: len(ids)]
    for l in range(cfg["n_layer"]):
        p = f"transformer.h.{l}."
        a = layer_norm(x, T(p + "ln_1.weight"), T(p + "ln_1.bias"), eps)
        qkv = a @ T(p + "attn.c_attn.weight") + T(p + "attn.c_attn.bias")  # Conv1D: (in, out)
        q, k, v = (qkv[:, i * c:(i + 1) * c].reshape(-1, nh, hd).transpose(1, 0, 2) for i in range(3))
        x = x + attend(q, k, v, hd ** -0.5, 0) @ T(p + "attn.c_proj.weight") + T(p + "attn.c_proj.bias")
        m = layer_norm(x, T(p + "ln_2.weight"), T(p + "ln_2.bias"), eps)
        m = act(cfg.get("activation_function", "gelu_new"), m @ T(p + "mlp.c_fc.weight") + T(p + "mlp.c_fc.bias"))
        x = x + m @ T(p + "mlp.c_proj.weight") + T(p + "mlp.c_proj.bias")
    x = layer_norm(x, T("transformer.ln_f.weight"), T("transformer.ln_f.bias"), eps)
    head = w["lm_head.weight"] if not cfg.get("tie_word_embeddings", True) else T("transformer.wte.weight")
    return x @ head.T


def gpt_neo(cfg, w, ids):
    T = lambda n: tensor(w, n, "transformer")
    c, nh = cfg.get("hidden_size", 2048), cfg.get("num_heads", 16)
    hd, eps = c // nh, cfg.get("layer_norm_epsilon", 1e-5)
    types = []  # GPTNeoConfig.expand_attention_types_params
    for kinds, n in cfg.get("attention_types", [[["global", "local"], 12]]):
        for _ in range(n):
            types.extend(kinds)
    assert len(types) == cfg.get("num_layers", 24)
    window = cfg.get("window_size", 256)
    x = T("transformer.wte.weight")[ids] + T("transformer.wpe.weight")[: len(ids)]
    for l, kind in enumerate(types):
        p = f"transformer.h.{l}."
        a = layer_norm(x, T(p + "ln_1.weight"), T(p + "ln_1.bias"), eps)
        q, k, v = ((a @ T(p + f"attn.attention.{n}_proj.weight").T).reshape(-1, nh, hd).transpose(1, 0, 2)
                   for n in "qkv")
        y = attend(q, k, v, 1.0, window if kind == "local" else 0)  # GPT-Neo: no 1/sqrt(hd)
        x = x + y @ T(p + "attn.attention.out_proj.weight").T + T(p + "attn.attention.out_proj.bias")
        m = layer_norm(x, T(p + "ln_2.weight"), T(p + "ln_2.bias"), eps)
        m = act(cfg.get("activation_function", "gelu_new"), m @ T(p + "mlp.c_fc.weight").T + T(p + "mlp.c_fc.bias"))
        x = x + m @ T(p + "mlp.c_proj.weight").T + T(p + "mlp.c_proj.bias")
    x = layer_norm(x, T("transformer.ln_f.weight"), T("transformer.ln_f.bias"), eps)
    head = w["lm_head.weight"] if not cfg.get("tie_word_embeddings", True) else T("transformer.wte.weight")
    return x @ head.T


def gpt_neox(cfg, w, ids):
    T = lambda n: tensor(w, n, "gpt_neox")
    c, nh = cfg.get("hidden_size", 6144), cfg.get("num_attention_heads", 64)
    hd, eps = c // nh, cfg.get("layer_norm_eps", 1e-5)
    rp = cfg.get("rope_parameters") or {}
    pct = rp.get("partial_rotary_factor", cfg.get("partial_rotary_factor", cfg.get("rotary_pct", 0.25)))
    rot = int(hd * pct)
    theta = rp.get("rope_theta", cfg.get("rope_theta", cfg.get("rotary_emb_base", 10000)))
    if cfg.get("rope_scaling"):
        raise SystemExit("rope_scaling not in the reference")
    x = T("gpt_neox.embed_in.weight")[ids]
    for l in range(cfg.get("num_hidden_layers", 44)):
        p = f"gpt_neox.layers.{l}."
        a = layer_norm(x, T(p + "input_layernorm.weight"), T(p + "input_layernorm.bias"), eps)
        qkv = (a @ T(p + "attention.query_key_value.weight").T + T(p + "attention.query_key_value.bias"))
        qkv = qkv.reshape(-1, nh, 3 * hd).transpose(1, 0, 2)  # per head: q | k | v
        q, k, v = qkv[..., :hd], qkv[..., hd:2 * hd], qkv[..., 2 * hd:]
        q, k = rope(q, rot, theta), rope(k, rot, theta)
        y = attend(q, k, v, hd ** -0.5, 0) @ T(p + "attention.dense.weight").T + T(p + "attention.dense.bias")

        def mlp(z):
            z = layer_norm(z, T(p + "post_attention_layernorm.weight"), T(p + "post_attention_layernorm.bias"), eps)
            z = act(cfg.get("hidden_act", "gelu"), z @ T(p + "mlp.dense_h_to_4h.weight").T + T(p + "mlp.dense_h_to_4h.bias"))
            return z @ T(p + "mlp.dense_4h_to_h.weight").T + T(p + "mlp.dense_4h_to_h.bias")

        if cfg.get("use_parallel_residual", True):
            x = x + y + mlp(x)
        else:
            x = x + y
            x = x + mlp(x)
    x = layer_norm(x, T("gpt_neox.final_layer_norm.weight"), T("gpt_neox.final_layer_norm.bias"), eps)
    head = T("gpt_neox.embed_in.weight") if cfg.get("tie_word_embeddings", False) else w["embed_out.weight"]
    return x @ head.T


def llama_windows(cfg, n):
    t = cfg["model_type"]
    if t == "mistral":
        sw = cfg.get("sliding_window", 4096)
        return [sw or 0] * n
    if t == "qwen2":
        sw = cfg.get("sliding_window", 4096) if cfg.get("use_sliding_window", False) else None
        types = cfg.get("layer_types") or [
            "sliding_attention" if sw is not None and i >= cfg.get("max_window_layers", 28) else "full_attention"
            for i in range(n)]
        return [(sw or 0) if ty == "sliding_attention" else 0 for ty in types]
    return [0] * n


def llama(cfg, w, ids):
    T = lambda n: tensor(w, n, "model")
    c, nh, n = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_hidden_layers"]
    nkv = cfg.get("num_key_value_heads") or nh
    hd = cfg.get("head_dim") or c // nh
    eps = cfg.get("rms_norm_eps", 1e-6)
    rp = cfg.get("rope_parameters") or {}
    theta = rp.get("rope_theta", cfg.get("rope_theta", 10000.0))
    if cfg.get("rope_scaling"):
        raise SystemExit("rope_scaling not in the reference")
    bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
    windows = llama_windows(cfg, n)
    x = T("model.embed_tokens.weight")[ids]
    for l in range(n):
        p = f"model.layers.{l}."
        a = rms_norm(x, T(p + "input_layernorm.weight"), eps)

        def proj(name, heads):
            y = a @ T(p + f"self_attn.{name}_proj.weight").T
            if bias:
                y = y + T(p + f"self_attn.{name}_proj.bias")
            return y.reshape(-1, heads, hd).transpose(1, 0, 2)

        q, k, v = proj("q", nh), proj("k", nkv), proj("v", nkv)
        q, k = rope(q, hd, theta), rope(k, hd, theta)
        x = x + attend(q, k, v, hd ** -0.5, windows[l]) @ T(p + "self_attn.o_proj.weight").T
        m = rms_norm(x, T(p + "post_attention_layernorm.weight"), eps)
        g = act(cfg.get("hidden_act", "silu"), m @ T(p + "mlp.gate_proj.weight").T) * (m @ T(p + "mlp.up_proj.weight").T)
        x = x + g @ T(p + "mlp.down_proj.weight").T
    x = rms_norm(x, T("model.norm.weight"), eps)
    head = T("model.embed_tokens.weight") if cfg.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return x @ head.T


FAMILIES = {"gpt2": gpt2, "gpt_neo": gpt_neo, "gpt_neox": gpt_neox, "llama": llama, "qwen2": llama, "mistral": llama}


def log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    cfg, w, digest = read_release(sys.argv[1])
    ids = [int(s) for s in sys.argv[2].split(",")]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    forward = FAMILIES.get(cfg["model_type"])
    if forward is None:
        raise SystemExit(f"model_type {cfg['model_type']} not in the reference")
    lp = log_softmax(forward(cfg, w, np.array(ids)))
    logprobs = [float(lp[i, ids[i + 1]]) for i in range(len(ids) - 1)]
    seq, greedy, greedy_lp, margins = list(ids), [], [], []
    for _ in range(n):
        last = log_softmax(forward(cfg, w, np.array(seq)))[-1]
        nxt = int(np.argmax(last))
        greedy.append(nxt)
        greedy_lp.append(float(last[nxt]))
        margins.append(float(last[nxt] - np.sort(last)[-2]))
        seq.append(nxt)
    print(json.dumps({"model_type": cfg["model_type"], "ids": ids, "logprobs": logprobs, "greedy": greedy,
                      "greedy_logprobs": greedy_lp, "greedy_margins": margins, "weights_sha256": digest, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
