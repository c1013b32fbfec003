/**
 * Judged queries a learning stage may train on: a split's queries with text
 * and their relevance judgments, and a fingerprint of both (part of a
 * trained model's cache key). `evaluated` names the split the host is
 * measuring with the same context, which no stage may learn from. The
 * split's reserved queries (src/eval/held-out-splits.ts) are left out, so
 * pipelines can be compared on them with nothing learned from their
 * judgments (`trove eval search --split train --reserved`).
 */
import { createHash } from "node:crypto";
import { basename, resolve } from "node:path";
import { InvalidArgumentError } from "../core/errors.js";
import { openBeirDataset, readBeirQueries, readBeirSplitQrels } from "../eval/beir.js";
import { checkTrainingSplit, reservedQueries } from "../eval/held-out-splits.js";
import type { Qrels } from "../eval/qrels.js";

export interface JudgedQueries {
  queries: Array<{ id: string; text: string }>;
  qrels: Qrels;
  fingerprint: string;
}

export interface JudgmentSource {
  /** A short label (the dataset's folder name). */
  name: string;
  /** The split being evaluated with this context, if any. */
  evaluated?: string;
  load(split: string): Promise<JudgedQueries>;
}

/** The judged queries of a BEIR directory's splits. */
export function beirJudgments(dir: string, evaluated?: string): JudgmentSource {
  const dataset = openBeirDataset(dir);
  return {
    name: basename(resolve(dataset.dir)),
    evaluated,
    async load(split) {
      checkTrainingSplit(split, dataset.dir);
      if (split === evaluated) throw new InvalidArgumentError(`a stage cannot learn from split "${split}" while it is being evaluated: that would measure memorization`);
      const qrels = await readBeirSplitQrels(dataset.dir, split);
      const texts = await readBeirQueries(dataset.queriesPath);
      const reserved = reservedQueries(qrels.keys());
      const queries = [...qrels.keys()].flatMap((id) => (texts.get(id)?.trim() && !reserved.has(id) ? [{ id, text: texts.get(id)! }] : []));
      const hash = createHash("sha256");
      for (const q of queries) {
        hash.update(`${q.id}\u0000${q.text}\u0001`);
        for (const [doc, rel] of [...qrels.get(q.id)!].sort((a, b) => (a[0] < b[0] ? -1 : 1))) hash.update(`${doc}\u0000${rel}\u0001`);
      }
      return { queries, qrels, fingerprint: hash.digest("hex") };
    },
  };
}
