#!/usr/bin/env python3
"""NumPy/SciPy references for the EASE and implicit-ALS fit times in
bench/rec/run.ts (npm run bench:rec).

The runner writes the training matrix it gives Trove as int32 (user, item)
pairs; this script fits the same model on the same matrix and prints one line
`RESULT {json}` with the median fit seconds over --runs and a few numbers to
check the result against Trove's.

EASE (Steck 2019), as in the paper's reference code: G = XᵀX (float64, binary
X), G += λI, P = inv(G), B = -P / diag(P), diag(B) = 0.

ALS: implicit-feedback ALS (Hu, Koren & Volinsky 2008) with confidence
c = 1 + alpha, solved by `--cg-steps` conjugate-gradient steps per row warm
started from the previous factors (Takács et al. 2011; benfred/implicit's CPU
solver) -- the algorithm Trove's ALS runs -- vectorised over all users (or
items) at once with sparse products, so NumPy's per-call overhead is paid per
half-step, not per user.

    /usr/bin/python3 bench/rec/classic_ref.py --pairs pairs.i32 --users 943 --items 1682 --model ease --lambda 100
"""
import argparse
import json
import os
import statistics
import sys
import time

_threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _threads

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.sparse as sp  # noqa: E402


def load(path, users, items):
    pairs = np.fromfile(path, dtype="<i4").reshape(-1, 2)
    x = sp.csr_matrix((np.ones(len(pairs), dtype=np.float64), (pairs[:, 0], pairs[:, 1])), shape=(users, items))
    x.sum_duplicates()
    x.data[:] = 1.0  # binary, as Trove's default
    return x


def fit_ease(x, lam):
    g = (x.T @ x).toarray()
    g[np.diag_indices_from(g)] += lam
    p = np.linalg.inv(g)
    b = p / (-np.diag(p))
    b[np.diag_indices_from(b)] = 0.0
    return b


def half_step(m, target, fixed, reg, alpha, cg_steps):
    """CG steps for every row of m at once: (YᵀY + reg I + Yᵀ(C-I)Y) x = YᵀC p."""
    d = fixed.shape[1]
    gram = fixed.T @ fixed + reg * np.eye(d, dtype=fixed.dtype)
    coo = m.tocoo()
    rows, cols = coo.row, coo.col
    yc = fixed[cols]  # nnz x d
    c = 1.0 + alpha
    x = target
    empty = np.diff(m.indptr) == 0

    def weighted(w):
        # sum over a row's items of w_ui * y_i, as a sparse product
        return sp.csr_matrix((w, (rows, cols)), shape=m.shape) @ fixed

    yx = np.einsum("nd,nd->n", yc, x[rows])
    r = weighted(c - (c - 1.0) * yx) - x @ gram
    p = r.copy()
    rs = np.einsum("ud,ud->u", r, r)
    for _ in range(cg_steps):
        yp = np.einsum("nd,nd->n", yc, p[rows])
        ap = p @ gram + weighted((c - 1.0) * yp)
        pap = np.einsum("ud,ud->u", p, ap)
        live = (pap > 0) & (rs > 1e-20)
        a = np.where(live, rs / np.where(live, pap, 1.0), 0.0).astype(x.dtype)
        x = x + a[:, None] * p
        r = r - a[:, None] * ap
        rs_new = np.einsum("ud,ud->u", r, r)
        beta = np.where(live, rs_new / np.where(rs > 0, rs, 1.0), 0.0).astype(x.dtype)
        p = r + beta[:, None] * p
        rs = rs_new
    x[empty] = 0.0
    return x


def fit_als(x, factors, reg, alpha, iterations, cg_steps, seed):
    rng = np.random.default_rng(seed)
    u = (rng.random((x.shape[0], factors)) * 0.01).astype(np.float32)
    v = (rng.random((x.shape[1], factors)) * 0.01).astype(np.float32)
    xt = x.T.tocsr()
    for _ in range(iterations):
        u = half_step(x, u, v, reg, alpha, cg_steps)
        v = half_step(xt, v, u, reg, alpha, cg_steps)
    return u, v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--users", type=int, required=True)
    ap.add_argument("--items", type=int, required=True)
    ap.add_argument("--model", choices=["ease", "als"], required=True)
    ap.add_argument("--lambda", dest="lam", type=float, default=500.0)
    ap.add_argument("--factors", type=int, default=64)
    ap.add_argument("--regularization", type=float, default=0.01)
    ap.add_argument("--alpha", type=float, default=1.0)
    ap.add_argument("--iterations", type=int, default=15)
    ap.add_argument("--cg-steps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    x = load(a.pairs, a.users, a.items)
    times = []
    check = {}
    for _ in range(a.runs):
        t0 = time.perf_counter()
        if a.model == "ease":
            b = fit_ease(x, a.lam)
            times.append(time.perf_counter() - t0)
            check = {"firstRows": b[:3].ravel().tolist()}
        else:
            u, v = fit_als(x, a.factors, a.regularization, a.alpha, a.iterations, a.cg_steps, a.seed)
            times.append(time.perf_counter() - t0)
            # Training objective's data part on observed pairs: mean predicted score of a positive.
            coo = x.tocoo()
            check = {"meanPositiveScore": float(np.mean(np.einsum("nd,nd->n", u[coo.row], v[coo.col])))}
    print("RESULT " + json.dumps({
        "model": a.model, "seconds": statistics.median(times), "runs": a.runs, "threads": int(_threads),
        "numpy": np.__version__, "scipy": scipy.__version__, "check": check,
    }))


if __name__ == "__main__":
    main()
