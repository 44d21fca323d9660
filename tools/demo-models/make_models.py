#!/usr/bin/python3
"""Makes the small demo models of the LLMA OS repository with Debian's python3-torch (offline).

    apt-get install python3-torch libopenblas0-pthread bible-kjv   # once (OpenBLAS makes training ~40x faster)
    /usr/bin/python3 tools/demo-models/make_models.py   # about 25 minutes on 2 cores (GPT_STEPS=2000)

Writes, next to each model's config.json:
  mlp-classifier/1/model.pt     TorchScript MLP: features FP32[B,16] -> scores FP32[B,4]
  mlp-classifier/reference.json inputs and expected scores/labels
  gpt-kjv/1/model.pt            TorchScript GPT on the static KV-cache contract (models/README.md)
  server/src/test/resources/models/gpt-kjv-dynamic/1/model.pt  the same weights on the dynamic contract
  (GPT_FROM=models/gpt-kjv/1/model.pt re-exports both from an earlier export, without training)
  gpt-kjv/1/tokenizer.json      byte-level HuggingFace tokenizer (id = byte value, 256 = <|endoftext|>)
  gpt-kjv/reference.json        greedy continuations and logits for fixed prompts
Everything is seeded, so a rerun on the same torch gives the same files.
"""
import json
import math
import os
import subprocess
import sys
import time
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "models")
TEST_ROOT = os.path.join(os.path.dirname(ROOT), "server", "src", "test", "resources", "models")
torch.manual_seed(1234)
torch.set_num_threads(max(1, os.cpu_count() or 1))


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")


# ------------------------------------------------------------------ MLP classifier
# Four activity classes, each a Gaussian cluster in a 16-dimensional feature space (synthetic
# sensor features). The MLP is trained to tell them apart.
LABELS = ["idle", "walking", "running", "cycling"]


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 4))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.net(features)


def make_mlp():
    g = torch.Generator().manual_seed(7)
    centers = torch.randn(4, 16, generator=g) * 0.6
    xs = torch.cat([centers[c] + torch.randn(2000, 16, generator=g) for c in range(4)])
    ys = torch.cat([torch.full((2000,), c, dtype=torch.long) for c in range(4)])
    mlp = Mlp()
    opt = torch.optim.Adam(mlp.parameters(), lr=1e-2)
    for step in range(300):
        idx = torch.randint(0, len(xs), (256,), generator=g)
        loss = F.cross_entropy(mlp(xs[idx]), ys[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    mlp.eval()
    with torch.no_grad():
        acc = (mlp(xs).argmax(1) == ys).float().mean().item()
    print(f"mlp-classifier: loss {loss.item():.4f}, training accuracy {acc:.4f}")
    traced = torch.jit.trace(mlp, torch.zeros(1, 16))
    os.makedirs(f"{ROOT}/mlp-classifier/1", exist_ok=True)
    traced.save(f"{ROOT}/mlp-classifier/1/model.pt")
    samples = torch.stack([centers[c] + 0.5 * torch.randn(16, generator=g) for c in range(4)]
                          + [torch.arange(16, dtype=torch.float32) / 16.0])
    with torch.no_grad():
        scores = traced(samples)
    write_json(f"{ROOT}/mlp-classifier/reference.json", {
        "torch_version": torch.__version__,
        "inputs": {"features": samples.tolist()},
        "outputs": {"scores": scores.tolist()},
        "labels": [LABELS[i] for i in scores.argmax(1).tolist()],
        "tolerance": 1e-5,
    })


# ------------------------------------------------------------------ GPT with a KV cache
VOCAB = 257          # 256 byte values + <|endoftext|>
EOS = 256
D, H, L, MAXPOS = 128, 4, 2, 512
DH = D // H


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D)
        self.qkv = nn.Linear(D, 3 * D)
        self.proj = nn.Linear(D, D)
        self.ln2 = nn.LayerNorm(D)
        self.fc1 = nn.Linear(D, 4 * D)
        self.fc2 = nn.Linear(4 * D, D)
        self.scale = 1.0 / math.sqrt(DH)
        self.nh = H
        self.dh = DH

    def forward(self, x: torch.Tensor, past_k: torch.Tensor, past_v: torch.Tensor,
                bias: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        q = q.view(b, t, self.nh, self.dh).transpose(1, 2)
        k = torch.cat([past_k, k.view(b, t, self.nh, self.dh).transpose(1, 2)], dim=2)
        v = torch.cat([past_v, v.view(b, t, self.nh, self.dh).transpose(1, 2)], dim=2)
        att = torch.softmax(torch.matmul(q, k.transpose(-2, -1)) * self.scale + bias, dim=-1)
        x = x + self.proj(torch.matmul(att, v).transpose(1, 2).reshape(b, t, c))
        x = x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        return x, k, v


class Gpt(nn.Module):
    """forward(input_ids[B,T], position_ids[B,T], attention_mask[B,P+T], past: 2L x [B,H,P,DH])
    -> (logits[B,T,V], hidden[B,T,D], presents: 2L x [B,H,P+T,DH])."""

    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, D)
        self.pos = nn.Embedding(MAXPOS, D)
        self.blocks = nn.ModuleList([Block() for _ in range(L)])
        self.lnf = nn.LayerNorm(D)
        self.head = nn.Linear(D, VOCAB, bias=False)

    def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor, attention_mask: torch.Tensor,
                past: List[torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor, List[torch.Tensor]]:
        b = input_ids.size(0)
        t = input_ids.size(1)
        p = past[0].size(2)
        s = p + t
        x = self.tok(input_ids) + self.pos(position_ids)
        # query i (absolute position p+i) may attend key j <= p+i, and only keys the mask keeps
        qi = torch.arange(t, device=x.device).unsqueeze(1) + p
        kj = torch.arange(s, device=x.device).unsqueeze(0)
        allowed = (kj <= qi).unsqueeze(0).unsqueeze(0) & (attention_mask[:, :s] > 0).unsqueeze(1).unsqueeze(1)
        bias = torch.zeros(b, 1, t, s, dtype=x.dtype, device=x.device).masked_fill(~allowed, -1e9)
        presents: List[torch.Tensor] = []
        i = 0
        for blk in self.blocks:
            x, k, v = blk(x, past[2 * i], past[2 * i + 1], bias)
            presents.append(k)
            presents.append(v)
            i += 1
        hidden = self.lnf(x)
        return self.head(hidden), hidden, presents


class StaticBlock(nn.Module):
    """A trained Block's weights, run on a preallocated cache updated in place."""

    def __init__(self, blk: Block):
        super().__init__()
        self.ln1, self.qkv, self.proj = blk.ln1, blk.qkv, blk.proj
        self.ln2, self.fc1, self.fc2 = blk.ln2, blk.fc1, blk.fc2
        self.scale = blk.scale
        self.nh = blk.nh
        self.dh = blk.dh

    def forward(self, x: torch.Tensor, cache_k: torch.Tensor, cache_v: torch.Tensor, slot: torch.Tensor,
                head: torch.Tensor, pos: torch.Tensor, off: int, keys: int, bias: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        q = q.view(b, t, self.nh, self.dh).transpose(1, 2)
        # this step's keys and values go into the rows' slots at their positions, in place
        cache_k[slot, head, pos] = k.view(b, t, self.nh, self.dh).transpose(1, 2)
        cache_v[slot, head, pos] = v.view(b, t, self.nh, self.dh).transpose(1, 2)
        kk = cache_k.narrow(0, off, b).narrow(2, 0, keys)
        vv = cache_v.narrow(0, off, b).narrow(2, 0, keys)
        att = torch.softmax(torch.matmul(q, kk.transpose(-2, -1)) * self.scale + bias, dim=-1)
        x = x + self.proj(torch.matmul(att, vv).transpose(1, 2).reshape(b, t, c))
        x = x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        return x


class StaticGpt(nn.Module):
    """The static KV-cache contract (kv_cache.layout STATIC): forward(input_ids[B,T], position_ids[B,T],
    attention_mask[B,K], cache[2L,S,H,C,DH], cache_offset[1]) -> (logits[B,T,V], hidden[B,T,D]).
    Row b of the batch owns cache slot cache_offset + b; its keys and values are written at
    position_ids, in place, and it attends keys j < K with j <= its position and attention_mask 1."""

    def __init__(self, gpt: Gpt):
        super().__init__()
        self.tok, self.pos, self.lnf, self.head = gpt.tok, gpt.pos, gpt.lnf, gpt.head
        self.blocks = nn.ModuleList([StaticBlock(b) for b in gpt.blocks])
        self.nh = H

    def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor, attention_mask: torch.Tensor,
                cache: torch.Tensor, cache_offset: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        b = input_ids.size(0)
        keys = attention_mask.size(1)
        off = int(cache_offset[0].item())
        x = self.tok(input_ids) + self.pos(position_ids)
        kj = torch.arange(keys, device=x.device).view(1, 1, keys)
        allowed = (kj <= position_ids.unsqueeze(2)) & (attention_mask > 0).unsqueeze(1)
        bias = torch.zeros(allowed.shape, dtype=x.dtype, device=x.device).masked_fill(~allowed, -1e9).unsqueeze(1)
        slot = (torch.arange(b, device=x.device) + off).view(b, 1, 1)
        head = torch.arange(self.nh, device=x.device).view(1, self.nh, 1)
        pos = position_ids.unsqueeze(1)
        i = 0
        for blk in self.blocks:
            x = blk(x, cache[2 * i], cache[2 * i + 1], slot, head, pos, off, keys, bias)
            i += 1
        hidden = self.lnf(x)
        return self.head(hidden), hidden


def empty_past(b: int) -> List[torch.Tensor]:
    return [torch.zeros(b, H, 0, DH) for _ in range(2 * L)]


def kjv_text() -> bytes:
    """Genesis, Exodus, Psalms, Proverbs and Ecclesiastes of the King James Version (public domain),
    one verse per sequence, from Debian's bible-kjv."""
    verses = []
    for first, last in [("gen1:1", "gen50:26"), ("ex1:1", "ex40:38"), ("ps1:1", "ps150:6"),
                        ("prov1:1", "prov31:31"), ("eccl1:1", "eccl12:14")]:
        out = subprocess.run(["bible", "-f", f"{first}-{last}"], check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            line = line.strip()
            if line and " " in line:
                verses.append(line.split(" ", 1)[1])   # drop the "Ge1:1" reference
    print(f"gpt-kjv: {len(verses)} verses")
    return verses


def make_gpt():
    verses = kjv_text()
    stream = []
    for v in verses:
        stream.extend(v.encode("utf-8"))
        stream.append(EOS)
    data = torch.tensor(stream, dtype=torch.long)
    print(f"gpt-kjv: {len(data)} training tokens")
    model = Gpt()
    checkpoint = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".gpt-kjv.state.pt")
    if os.environ.get("GPT_FROM"):
        # the weights of an earlier export (either contract), e.g. to re-export without training
        model.load_state_dict(torch.jit.load(os.environ["GPT_FROM"]).state_dict(), strict=False)
        print(f"gpt-kjv: the trained weights of {os.environ['GPT_FROM']}")
    elif os.environ.get("GPT_REUSE") == "1" and os.path.exists(checkpoint):
        model.load_state_dict(torch.load(checkpoint))
        print(f"gpt-kjv: reusing the trained weights in {checkpoint}")
    else:
        train(model, data)
        torch.save(model.state_dict(), checkpoint)
    model.eval()
    export_gpt(torch.jit.script(model), torch.jit.script(StaticGpt(model).eval()))


def train(model, data):
    steps = int(os.environ.get("GPT_STEPS", "2000"))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    warmup = min(100, steps // 10 + 1)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup)
                                              * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, s / steps)))))
    seq, batch = 128, 32
    pos = torch.arange(seq).unsqueeze(0).expand(batch, seq)
    mask = torch.ones(batch, seq, dtype=torch.long)
    t0 = time.time()
    model.train()
    for step in range(steps):
        idx = torch.randint(0, len(data) - seq - 1, (batch,))
        xb = torch.stack([data[i:i + seq] for i in idx])
        yb = torch.stack([data[i + 1:i + seq + 1] for i in idx])
        logits, _, _ = model(xb, pos, mask, empty_past(batch))
        loss = F.cross_entropy(logits.reshape(-1, VOCAB), yb.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 250 == 0 or step == steps - 1:
            print(f"gpt-kjv: step {step} loss {loss.item():.3f} ({time.time() - t0:.0f}s)", flush=True)


def export_gpt(scripted, static):
    """The demo gpt-kjv on the static cache contract; the same weights on the dynamic contract
    (past/presents) as the test model gpt-kjv-dynamic, which keeps that contract tested."""
    os.makedirs(f"{ROOT}/gpt-kjv/1", exist_ok=True)
    static.save(f"{ROOT}/gpt-kjv/1/model.pt")
    write_json(f"{ROOT}/gpt-kjv/1/tokenizer.json", byte_level_tokenizer())
    os.makedirs(f"{TEST_ROOT}/gpt-kjv-dynamic/1", exist_ok=True)
    scripted.save(f"{TEST_ROOT}/gpt-kjv-dynamic/1/model.pt")
    write_json(f"{TEST_ROOT}/gpt-kjv-dynamic/1/tokenizer.json", byte_level_tokenizer())
    check_static(scripted, static)

    def greedy(prompt: str, n: int):
        ids = list(prompt.encode("utf-8"))
        out = []
        past = empty_past(1)
        x = torch.tensor([ids])
        p = 0
        with torch.no_grad():
            for _ in range(n):
                t = x.size(1)
                logits, _, past = scripted(x, torch.arange(p, p + t).unsqueeze(0), torch.ones(1, p + t, dtype=torch.long), past)
                p += t
                nxt = int(logits[0, -1].argmax())
                out.append(nxt)
                if nxt == EOS:
                    break
                x = torch.tensor([[nxt]])
        text = bytes([i for i in out if i < 256]).decode("utf-8", "replace")
        return out, text

    prompts = ["In the beginning", "And the LORD said unto Moses", "The LORD is my shepherd", "A wise son"]
    refs = []
    for prompt in prompts:
        ids, text = greedy(prompt, 64)
        print(f"gpt-kjv: {prompt!r} -> {text!r}")
        refs.append({"prompt": prompt, "max_new_tokens": 64, "greedy_token_ids": ids, "greedy_text": text,
                     "finish": "eos" if ids and ids[-1] == EOS else "length"})
    with torch.no_grad():
        ids = torch.tensor([list(b"In the beginning")])
        t = ids.size(1)
        logits, _, _ = scripted(ids, torch.arange(t).unsqueeze(0), torch.ones(1, t, dtype=torch.long), empty_past(1))
    write_json(f"{ROOT}/gpt-kjv/reference.json", {
        "torch_version": torch.__version__,
        "config": {"vocab": VOCAB, "eos": EOS, "d_model": D, "heads": H, "layers": L, "head_dim": DH, "max_context": MAXPOS},
        "prefill": {"prompt": "In the beginning", "last_logits_first8": logits[0, -1, :8].tolist(), "tolerance": 1e-4},
        "greedy": refs,
    })


def check_static(dynamic, static):
    """The two contracts give the same logits, step after step."""
    ids = list(b"The LORD is my shepherd")
    cache = torch.zeros(2 * L, 2, H, MAXPOS, DH)
    past = empty_past(1)
    x, p = torch.tensor([ids]), 0
    with torch.no_grad():
        for _ in range(32):
            t = x.size(1)
            pos = torch.arange(p, p + t).unsqueeze(0)
            mask = torch.ones(1, p + t, dtype=torch.long)
            a, _, past = dynamic(x, pos, mask, past)
            b, _ = static(x, pos, mask, cache, torch.tensor([1]))
            assert (a - b).abs().max().item() < 1e-4, "the static contract differs from the dynamic one"
            p += t
            x = a[:, -1:].argmax(-1)
    print("gpt-kjv: static and dynamic contracts agree")


def bytes_to_unicode():
    """GPT-2's reversible map from bytes to printable unicode characters (used by ByteLevel)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def byte_level_tokenizer():
    """A HuggingFace tokenizer.json whose token id is the byte value: ByteLevel maps each byte to a
    character, Split isolates every character, WordLevel maps it back to its byte value."""
    vocab = {ch: b for b, ch in bytes_to_unicode().items()}
    vocab["<|endoftext|>"] = EOS
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": EOS, "content": "<|endoftext|>", "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True}],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
            {"type": "Split", "pattern": {"Regex": "."}, "behavior": "Isolated", "invert": False}]},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "<|endoftext|>"},
    }


if __name__ == "__main__":
    which = sys.argv[1:] or ["mlp", "gpt"]
    if "mlp" in which:
        make_mlp()
    if "gpt" in which:
        make_gpt()
