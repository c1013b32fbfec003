/**
 * Computes a corpus map on a worker thread, so that the server keeps
 * answering while the embeddings, clusters and UMAP layout are computed
 * (several seconds for a few thousand papers), and a shutdown can stop it at
 * once (`signal`).
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { InterruptedError, UnavailableError } from "../../../src/core/errors.js";
import { CORPUS_MAP_DEFAULTS, computeCorpusMap, newestPapers, type CorpusMap, type CorpusMapOptions, type MapPaper } from "./corpus-map.js";

interface MapJob {
  corpusMapJob: true;
  papers: readonly MapPaper[];
  corpusSize: number;
  version: string;
  options: Partial<CorpusMapOptions>;
}

type MapMessage = { ok: true; map: CorpusMap } | { ok: false; error: string; code?: string };

/**
 * The map of `papers`, computed on a worker thread (only the papers it places
 * are sent there); rejects with InterruptedError when `signal` aborts.
 */
export function computeCorpusMapOnWorker(papers: readonly MapPaper[], version: string, options: Partial<CorpusMapOptions>, signal?: AbortSignal): Promise<CorpusMap> {
  if (signal?.aborted) return Promise.reject(new InterruptedError("the corpus map's computation was stopped"));
  return new Promise((resolve, reject) => {
    const settings: Partial<CorpusMapOptions> = {};
    if (options.clusters !== undefined) settings.clusters = options.clusters;
    if (options.maxPoints !== undefined) settings.maxPoints = options.maxPoints;
    if (options.seed !== undefined) settings.seed = options.seed;
    const placed = newestPapers(papers, options.maxPoints ?? CORPUS_MAP_DEFAULTS.maxPoints);
    const job: MapJob = { corpusMapJob: true, papers: placed, corpusSize: papers.length, version, options: settings };
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    let settled = false;
    const stop = () => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(new InterruptedError("the corpus map's computation was stopped"));
    };
    signal?.addEventListener("abort", stop, { once: true });
    worker.once("message", (message: MapMessage) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", stop);
      if (message.ok) resolve(message.map);
      else reject(message.code === "UNAVAILABLE" ? new UnavailableError(message.error) : new Error(`corpus map failed: ${message.error}`));
    });
    worker.once("error", (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`corpus map worker exited with code ${code}`));
    });
  });
}

if (!isMainThread && parentPort && (workerData as MapJob | undefined)?.corpusMapJob) {
  const job = workerData as MapJob;
  const port = parentPort;
  computeCorpusMap(job.papers, job.version, job.options, job.corpusSize).then(
    (map) => port.postMessage({ ok: true, map } satisfies MapMessage),
    (error: unknown) =>
      port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error), code: (error as { code?: string }).code } satisfies MapMessage),
  );
}
