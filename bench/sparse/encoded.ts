/**
 * Sparse vectors from a real model for `npm run bench:sparse --model <SPLADE
 * folder> --dataset <BEIR dir>`: the first `documents` texts of the corpus
 * (title + text) and up to `queries` queries, encoded by the model, turned
 * into the columnar form the index builder takes (terms numbered in order of
 * first appearance).
 */
import { InvalidArgumentError } from "../../src/core/errors.js";
import { Progress } from "../../src/core/progress.js";
import { openBeirDataset, readBeirCorpus, readBeirQueries } from "../../src/eval/beir.js";
import { openSparseEncoder, type SparseVector } from "../../src/sparse/sparse-encoder.js";
import type { SparseVectors } from "../../src/sparse/synthetic-sparse.js";

export interface EncodedSparse {
  /** The first `size` documents with every query, over one term numbering. */
  slice(size: number): { vocabulary: number; documents: SparseVectors; queries: SparseVectors };
}

export async function encodedSparse(model: string, datasetDir: string | undefined, documents: number, queries: number): Promise<EncodedSparse> {
  if (!datasetDir) throw new InvalidArgumentError("--model needs --dataset <BEIR dir>: the texts to encode");
  const dataset = openBeirDataset(datasetDir);
  const encoder = await openSparseEncoder({ type: "splade", path: model });
  const terms = new Map<string, number>();
  const columnar = (vectors: SparseVector[]): SparseVectors => {
    const offsets = new Uint32Array(vectors.length + 1);
    const entries: Array<[number, number]> = [];
    vectors.forEach((v, i) => {
      const row = Object.entries(v).map(([t, w]): [number, number] => {
        if (!terms.has(t)) terms.set(t, terms.size);
        return [terms.get(t)!, w];
      });
      row.sort((a, b) => a[0] - b[0]);
      entries.push(...row);
      offsets[i + 1] = entries.length;
    });
    return { offsets, terms: Uint32Array.from(entries, (e) => e[0]), weights: Float32Array.from(entries, (e) => e[1]) };
  };
  try {
    const texts: string[] = [];
    for await (const doc of readBeirCorpus(dataset.corpusPath)) {
      texts.push(doc.title ? `${doc.title} ${doc.text}` : doc.text);
      if (texts.length === documents) break;
    }
    const progress = new Progress("encoding corpus", texts.length);
    const docVectors = await encoder.encode(texts, { kind: "document", onProgress: (n) => progress.update(n) });
    progress.done();
    const queryTexts = [...(await readBeirQueries(dataset.queriesPath)).values()].slice(0, queries);
    const queryVectors = await encoder.encode(queryTexts, { kind: "query" });
    const docs = columnar(docVectors);
    const qs = columnar(queryVectors);
    return {
      slice: (size) => {
        const n = Math.min(size, docVectors.length);
        const end = docs.offsets[n];
        return { vocabulary: terms.size, documents: { offsets: docs.offsets.slice(0, n + 1), terms: docs.terms.slice(0, end), weights: docs.weights.slice(0, end) }, queries: qs };
      },
    };
  } finally {
    await encoder.close();
  }
}
