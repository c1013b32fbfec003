"""hnswlib (Debian python3-hnswlib) as an engine of Trove's vector benchmark.

    /usr/bin/python3 bench/vector/hnswlib_bench.py <spec.json>

Reads the same spec and files as the Node engines (bench/vector/engine.ts),
builds with one thread and saves the index (mode "build"), or loads it in a
fresh process and runs the query sweeps (mode "serve"); writes the same
report keys. Each query is one knn_query call (one thread); the batch figure
also times all queries in one call, which removes Python's per-call cost.
hnswlib 0.6 has no filter inside the search: filtered queries take the top
POST_FILTER_K hits and keep the eligible ones.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import hnswlib

POST_FILTER_K = 100


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    rank = max(1, int(np.ceil(p / 100 * len(s))))
    return s[min(rank, len(s)) - 1]


def main():
    spec = json.load(open(sys.argv[1]))
    report = {"engine": "hnswlib", "version": "hnswlib (Debian python3-hnswlib)", "count": spec["count"], "stage": "starting", "warnings": [], "sweeps": [],
              "setup": f"HNSW M={spec['m']}, efConstruction={spec['efConstruction']}, float32, cosine, one thread"}
    try:
        import importlib.metadata
        report["version"] = f"hnswlib {importlib.metadata.version('hnswlib')} (Debian python3-hnswlib)"
    except Exception:
        pass

    def save():
        with open(spec["outPath"], "w") as f:
            json.dump(report, f, indent=1)

    save()
    d = spec["dimensions"]
    n = spec["count"]
    path = os.path.join(spec["indexDir"], "hnswlib.idx")
    try:
        if spec["mode"] in ("build", "all"):
            data = np.fromfile(spec["dataPath"], dtype=np.float32, count=n * d).reshape(n, d)
            index = hnswlib.Index(space="cosine", dim=d)
            index.init_index(max_elements=n, ef_construction=spec["efConstruction"], M=spec["m"], random_seed=spec["seed"])
            index.set_num_threads(1)
            t0 = time.time()
            c0 = time.process_time()
            index.add_items(data, np.arange(n), num_threads=1)
            report["build"] = {"seconds": time.time() - t0, "cpuSeconds": time.process_time() - c0,
                               "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "peakHeapMB": None}
            report["stage"] = "built"
            sys.stderr.write(f"hnswlib: built {n} vectors in {report['build']['seconds']:.1f} s\n")
            save()
            index.save_index(path)
            report["size"] = {"bytes": os.path.getsize(path), "how": "save_index (graph + float32 vectors)"}
            save()
            del data
        if spec["mode"] in ("serve", "all"):
            t0 = time.time()
            index = hnswlib.Index(space="cosine", dim=d)
            index.load_index(path, max_elements=n)
            index.set_num_threads(1)
            open_seconds = time.time() - t0
            report["serving"] = {"rssMB": rss_mb(), "heapMB": rss_mb(), "engineMB": None, "openSeconds": open_seconds,
                                 "measured": "fresh Python process after load_index (RSS, includes the interpreter and NumPy)"}
            report["stage"] = "opened"
            save()
            q = np.fromfile(spec["queriesPath"], dtype=np.float32).reshape(-1, d)
            k = spec["k"]
            accept = np.fromfile(spec["acceptPath"], dtype=np.uint8)
            truth = np.fromfile(spec["truthPath"], dtype=np.int32).reshape(-1, k)
            ftruth = np.fromfile(spec["filteredTruthPath"], dtype=np.int32).reshape(-1, k)
            for filtered, efs in ((False, spec["efSearch"]), (True, spec["filteredEfSearch"])):
                for ef in efs:
                    report["sweeps"].append(sweep(spec, index, q, truth if not filtered else ftruth, accept, ef, filtered))
                    save()
            report["stage"] = "done"
    except Exception as e:  # reported, like the Node children
        report["error"] = f"{type(e).__name__}: {e}"
        sys.stderr.write(f"hnswlib: {report['error']}\n")
    save()


def sweep(spec, index, q, truth, accept, ef, filtered):
    k = spec["k"]
    kk = max(k, POST_FILTER_K) if filtered else k
    index.set_ef(max(ef, kk))
    nq = spec["queries"]

    def ask(i):
        labels, _ = index.knn_query(q[i:i + 1], k=kk, num_threads=1)
        ids = labels[0]
        if filtered:
            ids = [x for x in ids if accept[x] == 1][:k]
        return ids

    for i in range(min(spec["warmupQueries"], nq)):
        ask(i)
    hits = 0
    lat = []
    qps = []
    cpu_qps = []
    for p in range(spec["passes"]):
        t0 = time.time()
        c0 = time.process_time()
        done = 0
        for i in range(nq):
            if p == 0 and i >= spec["minQueries"] and time.time() - t0 > spec["passBudgetSeconds"]:
                break
            s = time.perf_counter()
            ids = ask(i)
            lat.append((time.perf_counter() - s) * 1000)
            if p == 0:
                hits += len(set(int(x) for x in ids) & set(int(t) for t in truth[i] if t >= 0))
            done += 1
        if p == 0:
            nq = done
        qps.append(done / (time.time() - t0))
        cpu_qps.append(done / max(1e-9, time.process_time() - c0))
    relevant = int(np.sum(truth[:nq] >= 0))
    c0 = time.time()
    index.knn_query(q[:nq], k=kk, num_threads=1)
    batch_qps = nq / (time.time() - c0)
    out = {"ef": ef, "filtered": filtered, "recall": hits / relevant if relevant else float("nan"),
           "qps": float(np.median(qps)), "cpuQps": float(np.median(cpu_qps)), "p50Ms": percentile(lat, 50), "p99Ms": percentile(lat, 99),
           "queries": nq, "batchQps": batch_qps}
    if filtered:
        out["filterHow"] = f"post-filter (top {POST_FILTER_K}, eligible kept, ef >= {POST_FILTER_K}): no filter inside the search in hnswlib 0.6"
    return out


if __name__ == "__main__":
    main()
