"""XGBoost rank:ndcg on an SVMlight file, for bench/ranking/ltr-vs-xgboost.ts.

usage: xgboost_rank.py <train.svm> <test.svm> <predictions.out> <trees> <eta> <max_leaves> <min_child_weight> <threads>

Trains with the histogram method (256 bins) growing trees best leaf first
(lossguide, max_leaves), as Trove's LambdaMART does, and prints one JSON line
{"trainSeconds": ..., "loadSeconds": ...}; writes one test prediction per line.
"""
import json
import sys
import time

import numpy as np
import xgboost as xgb


def load(path):
    """Dense SVMlight reader (Trove writes every feature; absent ones would be 0)."""
    labels, rows, sizes, last = [], [], [], None
    with open(path) as f:
        for line in f:
            body = line.split("#", 1)[0].split()
            if not body:
                continue
            labels.append(float(body[0]))
            qid = body[1][4:]
            if qid != last:
                sizes.append(0)
                last = qid
            sizes[-1] += 1
            rows.append({int(k): float(v) for k, v in (t.split(":", 1) for t in body[2:])})
    width = max((max(r) for r in rows if r), default=0)
    x = np.zeros((len(rows), width), dtype=np.float32)
    for i, r in enumerate(rows):
        for k, v in r.items():
            x[i, k - 1] = v
    dm = xgb.DMatrix(x, label=np.array(labels, dtype=np.float32))
    dm.set_group(sizes)
    return dm


def main():
    train_path, test_path, out_path = sys.argv[1:4]
    trees, eta, max_leaves, min_child_weight, threads = int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])
    started = time.perf_counter()
    train, test = load(train_path), load(test_path)
    loaded = time.perf_counter()
    params = {
        "objective": "rank:ndcg",
        "eta": eta,
        "tree_method": "hist",
        "max_bin": 256,
        "grow_policy": "lossguide",
        "max_leaves": max_leaves,
        "max_depth": 0,
        "min_child_weight": min_child_weight,
        "lambda": 1.0,
        "nthread": threads,
        "seed": 1,
    }
    booster = xgb.train(params, train, num_boost_round=trees)
    trained = time.perf_counter()
    np.savetxt(out_path, booster.predict(test), fmt="%.9g")
    print(json.dumps({"trainSeconds": trained - loaded, "loadSeconds": loaded - started, "xgboost": xgb.__version__}))


main()
