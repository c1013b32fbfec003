#!/usr/bin/env python3
"""PyTorch reference for bench/rec/sasrec.ts: the same SASRec (pre-norm causal
self-attention blocks, learned positions, item embedding x sqrt(d), shared
input/output item embedding, dropout, Adam) and the same losses, trained on
Amazon Beauty's training sequences (leave-one-out: last two items held out).

Batches are left-padded to maxlen as in common reference implementations; the
output layer (the expensive part) is computed only at real positions.

Prints one line per epoch and a final line `RESULT {json}` with the median
epoch seconds and training rate (targets/s) over the epochs after the first
(the first is warm-up) when there are several.

    /usr/bin/python3 bench/rec/sasrec_torch.py --data ../shared/datasets/amazon-beauty/Beauty.txt.gz --epochs 2 --threads 1
"""
import argparse
import gzip
import json
import math
import os
import random
import statistics
import sys
import time

# Pin every thread pool (ATen/OpenMP and the BLAS library's own) to --threads
# before torch loads: Debian's torch calls the system BLAS (OpenBLAS when the
# libopenblas0 package is installed), whose pool otherwise uses every core.
_threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _threads

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def read_sequences(path):
    opener = gzip.open if path.endswith(".gz") else open
    raw = []
    ids = set()
    with opener(path, "rt") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                continue
            items = [int(x) for x in parts[1:]]
            raw.append(items)
            ids.update(items)
    order = sorted(ids)
    index = {v: i for i, v in enumerate(order)}
    return [[index[v] for v in s] for s in raw], len(order)


class Block(nn.Module):
    def __init__(self, d, heads, ffn, dropout):
        super().__init__()
        self.ln1 = nn.LayerNorm(d, eps=1e-8)
        self.attn = nn.MultiheadAttention(d, heads, dropout=dropout, batch_first=True)
        self.drop1 = nn.Dropout(dropout)
        self.ln2 = nn.LayerNorm(d, eps=1e-8)
        self.fc1 = nn.Linear(d, ffn)
        self.fc2 = nn.Linear(ffn, d)
        self.drop2 = nn.Dropout(dropout)
        self.drop3 = nn.Dropout(dropout)

    def forward(self, x, mask):
        a = self.ln1(x)
        o, _ = self.attn(a, a, a, attn_mask=mask, need_weights=False)
        x = x + self.drop1(o)
        f = self.drop3(self.fc2(self.drop2(F.relu(self.fc1(self.ln2(x))))))
        return x + f


class SASRec(nn.Module):
    def __init__(self, n_items, maxlen, d, blocks, heads, dropout):
        super().__init__()
        self.item = nn.Embedding(n_items + 1, d, padding_idx=0)  # row 0 = padding
        self.pos = nn.Embedding(maxlen, d)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(d, heads, d, dropout) for _ in range(blocks)])
        self.lnf = nn.LayerNorm(d, eps=1e-8)
        self.d = d
        self.heads = heads
        self.maxlen = maxlen
        for name, p in self.named_parameters():
            if p.dim() == 2:
                nn.init.xavier_normal_(p)
        with torch.no_grad():
            self.item.weight[0].zero_()

    def hidden(self, seqs):
        # seqs: B x L item ids + 1 (0 = padding), left padded
        B, L = seqs.shape
        valid = seqs > 0
        x = self.item(seqs) * math.sqrt(self.d) + self.pos.weight[self.maxlen - L:].unsqueeze(0)
        x = self.drop(x) * valid.unsqueeze(-1)
        causal = torch.ones(L, L, dtype=torch.bool).tril()
        eye = torch.eye(L, dtype=torch.bool)
        allowed = causal.unsqueeze(0) & (valid.unsqueeze(1) | eye.unsqueeze(0))  # B x L(query) x L(key)
        mask = torch.zeros(B, L, L).masked_fill(~allowed, float("-inf"))
        mask = mask.repeat_interleave(self.heads, dim=0)
        for blk in self.blocks:
            x = blk(x, mask)
        return self.lnf(x)


def gemm_bench(threads, reps):
    """Same shapes as bench/rec/sasrec_kernels.ts, through torch's BLAS."""
    torch.set_num_threads(threads)
    h = torch.randn(256, 64)
    et = torch.randn(64, 12101)
    g = torch.randn(256, 12101)
    e = torch.randn(12101, 64)
    x = torch.randn(1024, 64)
    w = torch.randn(64, 64)
    cases = [
        ("logits = H(256x64) * E^T(64x12101)", lambda: h @ et, 256 * 64 * 12101),
        ("dH = G(256x12101) * E(12101x64)", lambda: g @ e, 256 * 64 * 12101),
        ("dE += G^T(12101x256) * H(256x64)", lambda: g.t() @ h, 256 * 64 * 12101),
        ("FFN X(1024x64) * W(64x64)", lambda: x @ w, 1024 * 64 * 64),
    ]
    print(f"| product | PyTorch {torch.__version__} ({threads} thread) ms (GMAC/s) |")
    print("|---|---:|")
    for name, fn, macs in cases:
        fn()
        times = []
        for _ in range(reps * 4):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        ms = statistics.median(times) * 1000
        print(f"| {name} | {ms:.2f} ms ({macs / ms / 1e6:.2f}) |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gemm", action="store_true", help="only time the matrix products")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--data")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--maxlen", type=int, default=50)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--blocks", type=int, default=2)
    ap.add_argument("--heads", type=int, default=1)
    ap.add_argument("--dropout", type=float, default=0.5)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--loss", default="ce", choices=["ce", "sampled-ce", "bce"])
    ap.add_argument("--negatives", type=int, default=256)
    ap.add_argument("--examples", default="multi", choices=["multi"])
    ap.add_argument("--max-batches", type=int, default=None)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    if a.gemm:
        gemm_bench(a.threads, a.reps)
        return
    if not a.data:
        ap.error("--data is required")
    torch.set_num_threads(a.threads)

    seqs, n_items = read_sequences(a.data)
    train = [s[:-2] for s in seqs if len(s) >= 3]
    # one multi-target example per user: input = newest maxlen items before the last, targets shifted by one
    examples = []
    for s in train:
        if len(s) < 2:
            continue
        l = min(len(s) - 1, a.maxlen)
        examples.append((s[len(s) - 1 - l: len(s) - 1], s[len(s) - l:]))
    times = []
    rates = []
    counts = []
    for run in range(a.runs):
        torch.manual_seed(a.seed + run)
        random.seed(a.seed + run)
        model = SASRec(n_items, a.maxlen, a.hidden, a.blocks, a.heads, a.dropout)
        opt = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.98), eps=1e-8)
        model.train()
        for epoch in range(1, a.epochs + 1):
            order = list(range(len(examples)))
            random.shuffle(order)
            t0 = time.perf_counter()
            total_loss = 0.0
            n_targets = 0
            n_batches = math.ceil(len(order) / a.batch)
            if a.max_batches is not None:
                n_batches = min(n_batches, a.max_batches)
            for b in range(n_batches):
                idx = order[b * a.batch:(b + 1) * a.batch]
                L = max(len(examples[i][0]) for i in idx)
                inp = torch.zeros(len(idx), L, dtype=torch.long)
                tgt = torch.zeros(len(idx), L, dtype=torch.long)
                for r, i in enumerate(idx):
                    x, y = examples[i]
                    inp[r, L - len(x):] = torch.tensor(x) + 1
                    tgt[r, L - len(y):] = torch.tensor(y) + 1
                h = model.hidden(inp)
                valid = tgt > 0
                hv = h[valid]  # T x d, real positions only
                yv = tgt[valid] - 1
                emb = model.item.weight[1:]
                if a.loss == "ce":
                    logits = hv @ emb.t()
                    loss = F.cross_entropy(logits, yv)
                elif a.loss == "sampled-ce":
                    neg = torch.randint(0, n_items, (a.negatives,))
                    pos = (hv * emb[yv]).sum(-1, keepdim=True)
                    negl = hv @ emb[neg].t()
                    negl = negl.masked_fill(neg.unsqueeze(0) == yv.unsqueeze(1), float("-inf"))
                    loss = F.cross_entropy(torch.cat([pos, negl], 1), torch.zeros_like(yv))
                else:
                    neg = torch.randint(0, n_items, yv.shape)
                    pos = (hv * emb[yv]).sum(-1)
                    negs = (hv * emb[neg]).sum(-1)
                    loss = F.softplus(-pos).mean() + F.softplus(negs).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
                total_loss += loss.item() * yv.numel()
                n_targets += yv.numel()
            secs = time.perf_counter() - t0
            print(f"torch run {run} epoch {epoch}  loss {total_loss / max(1, n_targets):.4f}  {secs:.1f}s train "
                  f"({n_targets / secs:.0f} targets/s)", flush=True)
            if epoch > 1 or a.epochs == 1:
                times.append(secs)
                rates.append(n_targets / secs)
                counts.append(n_targets)
    print("RESULT " + json.dumps({
        "seconds": statistics.median(times), "rate": statistics.median(rates), "targets": int(statistics.median(counts)),
        "threads": torch.get_num_threads(), "version": torch.__version__.split("+")[0].split("a0")[0],
    }), flush=True)


if __name__ == "__main__":
    main()
