#!/usr/bin/python3
"""PyTorch 1.13 reference for bench/onnx/speed.ts: the same random MiniLM-shaped BERT that
scripts/fixtures/make_tiny_encoder.py --minilm exports (same seed, so the same weights), run eagerly on
the same token ids in the same batches (sorted by length, right-padded), mean pooling + normalization.

    /usr/bin/python3 bench/onnx/torch_speed.py IDS.json --threads 1 --batch 32 --runs 3
prints {"seconds": [...], "first": [first vector's first 8 components], "blas": the BLAS torch was built with}
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "fixtures"))
from make_tiny_encoder import TinyBert, randomize  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("ids")
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--batch", type=int, default=32)
parser.add_argument("--runs", type=int, default=3)
args = parser.parse_args()
torch.set_num_threads(args.threads)
with open(args.ids) as f:
    rows = json.load(f)

model = TinyBert(30522, hidden=384, layers=6, heads=12, intermediate=1536, positions=512, token_types=True, causal=False)
randomize(model, seed=10)
model.eval()
order = sorted(range(len(rows)), key=lambda i: (-len(rows[i]), i))


def encode():
    out = [None] * len(rows)
    with torch.no_grad():
        for start in range(0, len(order), args.batch):
            batch = order[start:start + args.batch]
            length = max(len(rows[i]) for i in batch)
            ids = torch.zeros((len(batch), length), dtype=torch.long)
            mask = torch.zeros((len(batch), length), dtype=torch.long)
            for r, i in enumerate(batch):
                ids[r, :len(rows[i])] = torch.tensor(rows[i])
                mask[r, :len(rows[i])] = 1
            hidden = model(ids, mask, torch.zeros_like(ids))
            pooled = (hidden * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
            for r, i in enumerate(batch):
                out[i] = pooled[r]
    return out


encode_first = encode()  # warm-up (also the vectors compared with Trove's)
seconds = []
for _ in range(args.runs):
    start = time.perf_counter()
    encode()
    seconds.append(time.perf_counter() - start)
blas = next((part.split("=")[1] for part in torch.__config__.show().replace(",", " ").split() if part.startswith("BLAS_INFO=")), "?")
print(json.dumps({"seconds": seconds, "first": [float(x) for x in encode_first[0][:8]], "blas": blas}))
