/**
 * The Paper Radar corpus (25,337 arXiv cs.CL/cs.IR papers, no judgments):
 * training time of Trove's encoder on title-abstract and inverse-cloze
 * pairs, its validation figure (held-out titles finding their own
 * abstract), encoding speed, model size on disk and load time.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJsonLines } from "../../src/io/lines.js";
import { writeModelFolder } from "../../src/encoders/trained/model-folder.js";
import { trainEncoder, trainingConfig, type EncoderTrainingOverrides } from "../../src/encoders/trained/train-encoder.js";
import { loadTrainingData, type TrainingDocument } from "../../src/encoders/trained/training-data.js";
import { openTroveEncoder } from "../../src/encoders/trained/trove-encoder.js";

export interface ArxivFigures {
  documents: number;
  trainingSeconds: number;
  epochs: number;
  bestEpoch: number;
  pairsPerEpoch: { titleBody: number; ict: number; judgments: number };
  validation: { metric: string; value: number; initial: number; count: number } | null;
  encodeDocsPerSecond: number;
  modelBytes: number;
  loadSeconds: number;
  words: number;
  bigrams: number;
}

export async function benchArxiv(path: string, overrides: EncoderTrainingOverrides, log: (line: string) => void): Promise<ArxivFigures> {
  const documents: TrainingDocument[] = [];
  for await (const { record } of readJsonLines(path)) {
    documents.push({ id: String(record.id), title: String(record.title ?? ""), text: String(record.abstract ?? "") });
  }
  const data = await loadTrainingData({ type: "documents", name: "arxiv-cs-cl-ir", documents });
  log(`== Paper Radar corpus: ${documents.length} papers`);
  const trained = await trainEncoder(data, trainingConfig(overrides), {
    onStage: log,
    onEpoch: (e) => log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, ${e.pairs} pairs, ${e.seconds.toFixed(1)} s${e.validation !== undefined ? `, validation ${e.validation.toFixed(4)}` : ""}`),
  });
  const texts = documents.map((d) => `${d.title} ${d.text}`);
  const started = performance.now();
  trained.model.encode(texts);
  const encodeDocsPerSecond = texts.length / ((performance.now() - started) / 1000);
  const dir = mkdtempSync(join(tmpdir(), "trove-bench-arxiv-"));
  try {
    writeModelFolder(join(dir, "model"), trained);
    const modelBytes = readdirSync(join(dir, "model")).reduce((sum, f) => sum + statSync(join(dir, "model", f)).size, 0);
    const loadStarted = performance.now();
    const encoder = await openTroveEncoder({ type: "trove", path: join(dir, "model") });
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    await encoder.close();
    const r = trained.report;
    return {
      documents: documents.length,
      trainingSeconds: r.seconds,
      epochs: r.epochs.length,
      bestEpoch: r.bestEpoch,
      pairsPerEpoch: r.pairsPerEpoch,
      validation: r.validation,
      encodeDocsPerSecond,
      modelBytes,
      loadSeconds,
      words: trained.corpus.words,
      bigrams: trained.corpus.bigrams,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
