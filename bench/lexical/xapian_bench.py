#!/usr/bin/env python3
"""Xapian side of Trove's lexical benchmark (bench/lexical/run.ts starts it).

    python3 xapian_bench.py <spec.json>

Reads the same spec as the Node child (bench/lexical/child.ts), streams the
same JSONL corpus, and writes the same report shape as JSON to spec.outPath,
rewritten after each phase so that a crash leaves the earlier figures.
Only Xapian's own calls are timed (reading and json.loads are excluded).
spec.mode "build" builds the database; "serve" opens it in a fresh process,
measures memory and runs the queries; "all" does both in one process.

Analysis: TermGenerator over title then text (one field, as BEIR "contents"),
xapian.Stem("english") (Snowball English / Porter2) on every term
(STEM_ALL), the same 33 English stop words as the other engines (STOP_ALL).
Each document stores its id as data and a unique "Q<id>" term, and is added
with replace_document (upsert by id, as the other engines' adds).
Queries: QueryParser with the same stemmer and stop words, default OR, no
operator syntax (flags 0; non-word characters become spaces).
Scoring: BM25Weight(k1, k2=0, k3=1, b, min_normlen=0.5).
"""
import gc
import json
import os
import re
import resource
import sys
import time

import xapian

STOP_WORDS = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
]
NON_WORD = re.compile(r"[^\w]+")
MB = 1024 * 1024


def rss_mb():
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / MB


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def dir_bytes(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    rank = max(1, -(-p * len(s) // 100))  # ceil without floats
    return s[min(int(rank), len(s)) - 1]


def median(values):
    s = sorted(values)
    n = len(s)
    if n == 0:
        return float("nan")
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def make_stopper():
    stopper = xapian.SimpleStopper()
    for word in STOP_WORDS:
        stopper.add(word)
    return stopper


def read_batches(path, batch_size, timing):
    with open(path, "rb") as f:
        while True:
            t0 = time.perf_counter()
            batch = []
            for line in f:
                if line.strip():
                    batch.append(json.loads(line))
                if len(batch) >= batch_size:
                    break
            timing["read"] += time.perf_counter() - t0
            if not batch:
                return
            yield batch
            if len(batch) < batch_size:
                return


def setup_text(k1, b):
    return (
        "TermGenerator over title + text (one field), Stem('english') = Snowball English on all terms, "
        "Lucene's 33 stop words; QueryParser (same stemmer/stop words, OR, no operators); "
        "BM25Weight k1=%g k2=0 k3=1 b=%g min_normlen=0.5; XAPIAN_FLUSH_THRESHOLD=%s"
        % (k1, b, os.environ.get("XAPIAN_FLUSH_THRESHOLD", "default (10000)"))
    )


def build(spec, report, save, path, stem, stopper):
    gc.collect()
    baseline_rss = rss_mb()
    db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_stemmer(stem)
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_ALL)
    tg.set_stopper(stopper)
    tg.set_stopper_strategy(xapian.TermGenerator.STOP_ALL)
    timing = {"read": 0.0, "engine": 0.0}
    next_progress = spec["progressEvery"]
    for batch in read_batches(spec["docsPath"], spec["batchSize"], timing):
        t0 = time.perf_counter()
        for rec in batch:
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(rec["title"])
            tg.increase_termpos()
            tg.index_text(rec["text"])
            doc.set_data(rec["id"])
            id_term = "Q" + rec["id"]
            doc.add_boolean_term(id_term)
            db.replace_document(id_term, doc)
        timing["engine"] += time.perf_counter() - t0
        report["docs"] += len(batch)
        if report["docs"] >= next_progress:
            sys.stderr.write("%d docs, %.1f s in engine\n" % (report["docs"], timing["engine"]))
            next_progress += spec["progressEvery"]
            save()
    t0 = time.perf_counter()
    db.commit()
    db.close()
    timing["engine"] += time.perf_counter() - t0
    report["build"] = {"seconds": timing["engine"], "readSeconds": timing["read"]}
    gc.collect()
    report["memory"] = {
        "baselineRssMB": baseline_rss,
        "baselineHeapMB": None,
        "peakRssMB": peak_rss_mb(),
        "peakHeapMB": None,
        "servingRssMB": rss_mb(),
        "servingHeapMB": None,
        "servingExternalMB": None,
        "servingMeasured": "in the build process",
    }
    report["stage"] = "built"
    save()
    sys.stderr.write("built %d docs in %.1f s\n" % (report["docs"], timing["engine"]))
    report["size"] = {"bytes": dir_bytes(path), "how": "database directory (glass backend)"}
    report["stage"] = "measured"
    save()


def serve(spec, report, save, path, stem, stopper, fresh):
    k1, b = spec["bm25"]["k1"], spec["bm25"]["b"]
    queries = json.load(open(spec["queriesPath"]))
    gc.collect()
    baseline_rss = rss_mb()
    t0 = time.perf_counter()
    db = xapian.Database(path)
    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(xapian.BM25Weight(k1, 0, 1, b, 0.5))
    qp = xapian.QueryParser()
    qp.set_stemmer(stem)
    qp.set_stemming_strategy(xapian.QueryParser.STEM_ALL)
    qp.set_stopper(stopper)
    qp.set_default_op(xapian.Query.OP_OR)
    report["openSeconds"] = time.perf_counter() - t0
    gc.collect()
    if fresh:
        report["memory"] = {
            "baselineRssMB": baseline_rss,
            "baselineHeapMB": None,
            "peakRssMB": peak_rss_mb(),
            "peakHeapMB": None,
            "servingRssMB": rss_mb(),
            "servingHeapMB": None,
            "servingExternalMB": None,
            "servingMeasured": "in a fresh process after opening the database",
        }
    report["stage"] = "measured"
    save()

    k = spec["k"]

    def search(text):
        enquire.set_query(qp.parse_query(NON_WORD.sub(" ", text), 0))
        return [(m.document.get_data().decode("utf-8"), m.weight) for m in enquire.get_mset(0, k)]

    run = {}
    passes = []
    hits_seen = 0
    warmup = spec["warmupPasses"]
    budget = spec["passBudgetSeconds"]
    queries_run = len(queries)
    for p in range(warmup + spec["passes"]):
        first = p == warmup
        latencies = []
        pass_start = time.perf_counter()
        for q in queries[:queries_run]:
            if p == 0 and len(latencies) >= spec["minQueries"] and time.perf_counter() - pass_start > budget:
                break
            q0 = time.perf_counter()
            hits = search(q["text"])
            latencies.append((time.perf_counter() - q0) * 1000)
            if first:
                run[q["id"]] = hits
                hits_seen += len(hits)
        pass_s = time.perf_counter() - pass_start
        if len(latencies) < queries_run:
            sys.stderr.write("time budget reached after %d of %d queries in the first pass\n" % (len(latencies), queries_run))
            queries_run = len(latencies)
        if p >= warmup:
            passes.append({"p50Ms": percentile(latencies, 50), "p99Ms": percentile(latencies, 99),
                           "qps": len(latencies) / pass_s, "queries": len(latencies)})
    report["query"] = {
        "queries": min(x["queries"] for x in passes),
        "ofQueries": len(queries),
        "k": k,
        "warmupPasses": warmup,
        "passes": passes,
        "p50Ms": median([x["p50Ms"] for x in passes]),
        "p99Ms": median([x["p99Ms"] for x in passes]),
        "qps": median([x["qps"] for x in passes]),
        "meanHits": hits_seen / passes[0]["queries"] if passes and passes[0]["queries"] else 0,
    }
    report["run"] = run
    report["stage"] = "done"
    save()
    db.close()


def main():
    spec = json.load(open(sys.argv[1]))
    mode = spec.get("mode", "all")
    report = {
        "engine": spec["engine"],
        "corpus": spec["corpus"],
        "version": "xapian %s (python3-xapian)" % xapian.version_string(),
        "setup": setup_text(spec["bm25"]["k1"], spec["bm25"]["b"]),
        "stage": "started",
        "docs": 0,
        "warnings": [],
    }

    def save():
        with open(spec["outPath"], "w") as f:
            json.dump(report, f)

    save()
    path = os.path.join(spec["indexDir"], "xapian")
    stem = xapian.Stem("english")
    stopper = make_stopper()
    try:
        if mode != "serve":
            build(spec, report, save, path, stem, stopper)
        if mode != "build":
            serve(spec, report, save, path, stem, stopper, fresh=mode == "serve")
    except MemoryError:
        report["error"] = "out of memory (MemoryError)"
        save()
        sys.exit(1)
    except Exception as e:  # report any failure instead of a bare traceback
        report["error"] = "%s: %s" % (type(e).__name__, e)
        save()
        raise


if __name__ == "__main__":
    main()
