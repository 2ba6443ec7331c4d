#!/usr/bin/env python3
"""Random-weight Llama GGUF for the side-by-side decode benchmark (maya1-java vs llama.cpp).

Not a fixture and never run in CI: writes big files to /tmp (never commit them).
Shapes (--shape): 1b = Llama-3.2-1B body (hidden 2048, 16 layers, 32 heads, 8 KV heads, head_dim 64, intermediate 8192)
with a reduced vocabulary (default 32768) so llama.cpp's full-vocab head stays small; 3b = Maya1 / Llama-3.2-3B
(hidden 3072, 28 layers, 24 heads, 8 KV heads, head_dim 128, intermediate 8192, Maya1's vocabulary 156960).
Both: tied embeddings, rope_theta 500000.
Matrices are random bits with a bounded exponent (BF16) or random blocks with a small scale (Q8_0 / Q4_0 / Q4_K / Q6_K):
decode speed depends on bytes and layout, not values. Norms are F32 near 1.
Tokenizer metadata (tokenizer.ggml.*: gpt2 / llama-bpe, 256 byte tokens + a few merges + control tokens padded to
the vocabulary) is what llama.cpp needs to load the file.

  pip install gguf
  python3 tools/bench/make_bench_gguf.py --type BF16 --out /tmp/bench-1b-bf16.gguf [--shape 1b --layers 16 --vocab 32768]
  python3 tools/bench/make_bench_gguf.py --shape 3b --type Q8_0 --out /tmp/bench-3b-q8_0.gguf
(tools/bench/side-by-side.sh writes every file it needs itself.)
"""
import argparse

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def tokenizer(vocab):
    tokens = bytes_to_unicode()
    merges = []
    for w in ["Ġt", "he", "Ġa", "in", "er", "on", "Ġs", "at", "en", "Ġw", "or", "it", "is", "an"]:
        merges.append(w[0] + " " + w[1:])
        tokens.append(w)
    types = [1] * len(tokens)
    specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"]
    specials += [f"<|reserved_special_token_{i}|>" for i in range(vocab - len(tokens) - len(specials))]
    bos = len(tokens)
    tokens += specials
    types += [3] * len(specials)
    assert len(tokens) == vocab
    return tokens, types, merges, bos


BLOCK = {Q.Q8_0: (32, 34), Q.Q4_0: (32, 18), Q.Q4_K: (256, 144), Q.Q5_K: (256, 176), Q.Q6_K: (256, 210)}
FILE_TYPE = {Q.BF16: 32, Q.Q8_0: 7, Q.Q4_0: 2, Q.Q4_K: 15, Q.Q5_K: 17, Q.Q6_K: 18}
# hidden, layers, heads, kv heads, head_dim, intermediate, default vocabulary
SHAPES = {"1b": (2048, 16, 32, 8, 64, 8192, 32768), "3b": (3072, 28, 24, 8, 128, 8192, 156960)}


def matrix(rng, qt, rows, cols):
    if qt == Q.BF16:
        r = rng.integers(0, 1 << 16, size=(rows, cols), dtype=np.uint16)
        # |v| in [2^-8, 2^-4), random sign and mantissa (as SyntheticWeights)
        r = (r & 0x807F) | ((119 + ((r >> 7) & 3)) << 7).astype(np.uint16)
        return r.view(np.uint8).reshape(rows, cols * 2)
    per, size = BLOCK[qt]
    b = rng.integers(0, 256, size=(rows, cols // per, size), dtype=np.uint8)
    scale = np.frombuffer(np.float16(0.002).tobytes(), dtype=np.uint8)
    if qt in (Q.Q8_0, Q.Q4_0):
        b[:, :, 0:2] = scale
    elif qt in (Q.Q4_K, Q.Q5_K):
        b[:, :, 0:2] = scale
        b[:, :, 2:4] = scale
    elif qt == Q.Q6_K:
        b[:, :, 208:210] = scale
    return b.reshape(rows, cols // per * size)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--type", default="BF16", choices=["BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--shape", default="1b", choices=sorted(SHAPES))
    ap.add_argument("--layers", type=int)
    ap.add_argument("--vocab", type=int)
    a = ap.parse_args()
    qt = Q[a.type]
    hidden, layers, nh, nkv, hd, inter, vocab = SHAPES[a.shape]
    a.layers = a.layers or layers
    a.vocab = a.vocab or vocab
    rng = np.random.default_rng(7)
    w = gguf.GGUFWriter(a.out, "llama")
    w.add_name(f"bench random {a.shape}-shape {a.type} vocab {a.vocab}")
    w.add_context_length(131072)
    w.add_embedding_length(hidden)
    w.add_block_count(a.layers)
    w.add_feed_forward_length(inter)
    w.add_head_count(nh)
    w.add_head_count_kv(nkv)
    w.add_rope_freq_base(500000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_dimension_count(hd)
    w.add_vocab_size(a.vocab)
    w.add_file_type(FILE_TYPE[qt])
    tokens, types, merges, bos = tokenizer(a.vocab)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("llama-bpe")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_bos_token_id(bos)
    w.add_eos_token_id(bos + 2)
    w.add_add_bos_token(True)

    def norm(n):
        return (1 + rng.uniform(-0.05, 0.05, n)).astype(np.float32)

    w.add_tensor("token_embd.weight", matrix(rng, qt, a.vocab, hidden), raw_dtype=qt)
    for i in range(a.layers):
        w.add_tensor(f"blk.{i}.attn_norm.weight", norm(hidden))
        for n, (r, c) in {"attn_q": (nh * hd, hidden), "attn_k": (nkv * hd, hidden), "attn_v": (nkv * hd, hidden),
                          "attn_output": (hidden, nh * hd), "ffn_gate": (inter, hidden), "ffn_up": (inter, hidden),
                          "ffn_down": (hidden, inter)}.items():
            w.add_tensor(f"blk.{i}.{n}.weight", matrix(rng, qt, r, c), raw_dtype=qt)
        w.add_tensor(f"blk.{i}.ffn_norm.weight", norm(hidden))
    w.add_tensor("output_norm.weight", norm(hidden))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
