/**
 * Runs a segment merge on a worker thread so that the main thread keeps
 * serving searches (and accepting writes) while the merged file is written.
 * The worker reads the input segment files itself; live-docs snapshots taken
 * when the merge started tell it which documents to keep.
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import type { IndexConfig } from "./index-config.js";
import { mergeSegments } from "./segment-merger.js";
import { SegmentReader } from "./segment-reader.js";

export interface MergeJob {
  config: IndexConfig;
  inputs: Array<{ name: string; path: string; liveDocs: Uint8Array | null }>;
  outputPath: string;
}

export interface MergeOutcome {
  docCount: number;
  byteLength: number;
}

/** Merges on a worker thread; resolves when the output file is durable. */
export function mergeOnWorker(job: MergeJob): Promise<MergeOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    let settled = false;
    worker.once("message", (message: { ok: true; outcome: MergeOutcome } | { ok: false; error: string }) => {
      settled = true;
      if (message.ok) resolve(message.outcome);
      else reject(new Error(`segment merge failed: ${message.error}`));
    });
    worker.once("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`segment merge worker exited with code ${code}`));
    });
  });
}

/** Merges in the calling thread (used by the worker, and where threads are unwanted). */
export function mergeInProcess(job: MergeJob): MergeOutcome {
  const readers = job.inputs.map((i) => new SegmentReader(i.name, i.path, i.liveDocs));
  return mergeSegments(job.config, readers, job.outputPath);
}

if (!isMainThread && parentPort && (workerData as MergeJob | undefined)?.outputPath) {
  try {
    parentPort.postMessage({ ok: true, outcome: mergeInProcess(workerData as MergeJob) });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}
