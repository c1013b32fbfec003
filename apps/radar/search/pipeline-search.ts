/**
 * Searching the papers with a named engine pipeline (src/pipeline), for the
 * HTTP API: the presets that the papers' fields allow (bm25 always; dense and
 * the hybrids when the papers schema has a vector field) and the pipeline
 * files an operator puts in the data directory's `pipelines/` folder
 * (`<name>.json`, validated when the server starts). Requests name a
 * pipeline; they never send one, so a request cannot make the server open a
 * model file or ask for unbounded depths, and each request's cost is that of
 * a pipeline the operator chose. Queries are read as plain words (operators
 * ignored), so pasted text never fails to parse.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { StoredRecord } from "../../../src/core/schema.js";
import type { Collection } from "../../../src/engine/collection.js";
import { defaultRegistry } from "../../../src/pipeline/default-registry.js";
import { Pipeline, type PipelineHit } from "../../../src/pipeline/pipeline.js";
import { collectionContext } from "../../../src/pipeline/pipeline-target.js";
import { PRESET_NAMES, loadPipelineConfig, presetPipeline } from "../../../src/pipeline/presets.js";
import { vectorFieldNames } from "../../../src/segment/index-config.js";
import type { PageRequest } from "../../../src/server/pagination.js";
import { notFound } from "../../../src/server/problem.js";
import type { QueryNode } from "../../../src/lexical/query-ast.js";

export interface PipelineSearchHit {
  paper: StoredRecord;
  score: number;
  features: Record<string, number>;
  explanation?: Array<{ stage: string; detail: string; score?: number }>;
}

/** Candidates a preset's retrievers fetch (and so the deepest page). */
export const PIPELINE_DEPTH = 200;

export class PipelineSearch {
  private readonly pipelines = new Map<string, Pipeline>();

  /** `folder`: the operator's pipeline files (each `<name>.json`), if any. */
  constructor(
    private readonly papers: Collection,
    folder?: string,
  ) {
    const config = papers.index.config;
    const hasVectors = vectorFieldNames(config).length > 0;
    for (const name of PRESET_NAMES) {
      if (name !== "bm25" && !hasVectors) continue;
      const preset = presetPipeline(name, config, { depth: PIPELINE_DEPTH, syntax: "plain" });
      this.pipelines.set(name, Pipeline.compile(preset, defaultRegistry, `preset ${name}`));
    }
    if (folder && existsSync(folder)) {
      for (const file of readdirSync(folder).filter((f) => f.endsWith(".json")).sort()) {
        const { config: json, where } = loadPipelineConfig(join(folder, file), config);
        this.pipelines.set(basename(file, ".json"), Pipeline.compile(json, defaultRegistry, where));
      }
    }
  }

  /** Each pipeline a request may name, with what it does. */
  describe(): Array<{ name: string; pipeline: Record<string, unknown> }> {
    return [...this.pipelines].map(([name, p]) => ({ name, pipeline: p.describe() }));
  }

  /** A page of hits of pipeline `name` for `q`; `filter` restricts every retriever. */
  async search(name: string, q: string, filter: QueryNode | undefined, page: PageRequest, explain: boolean): Promise<{ items: PipelineSearchHit[]; total: number }> {
    const pipeline = this.pipelines.get(name);
    if (!pipeline) throw notFound(`no pipeline named "${name}" (known: ${[...this.pipelines.keys()].join(", ")})`, "path.name");
    const result = await pipeline.run({ query: q, filter, k: page.limit, offset: page.offset, explain }, collectionContext(this.papers));
    const records = await this.papers.store.getRecords(this.papers.name, result.hits.map((h) => h.id));
    const items: PipelineSearchHit[] = [];
    result.hits.forEach((hit: PipelineHit, i) => {
      const paper = records[i];
      if (!paper) return;
      items.push({ paper, score: hit.score, features: hit.features, ...(hit.explanation ? { explanation: hit.explanation } : {}) });
    });
    return { items, total: result.candidates };
  }
}
