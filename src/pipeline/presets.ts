/**
 * Named pipelines for the common cases, resolved against an index's fields:
 *
 *   bm25           BM25 alone (exactly the lexical engine's ranking)
 *   dense          nearest neighbours of the embedded query in the vector field
 *   hybrid-rrf     BM25 + dense, reciprocal rank fusion (k 60)
 *   hybrid-convex  BM25 + dense, min-max normalized, equal weights
 *
 * `loadPipelineConfig` takes a preset name or a path to a JSON file.
 */
import { existsSync, readFileSync } from "node:fs";
import { InvalidArgumentError, InvalidFileError } from "../core/errors.js";
import { vectorFieldNames, type IndexConfig } from "../segment/index-config.js";
import type { PipelineConfig } from "./pipeline-config.js";

export const PRESET_NAMES = ["bm25", "dense", "hybrid-rrf", "hybrid-convex"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface PresetOptions {
  /** Candidates each retriever fetches (default 100). */
  depth?: number;
  /** BM25 query syntax (default "query"; evaluations on BEIR use "plain"). */
  syntax?: "query" | "plain";
  /** The vector field of dense retrieval (default: the index's first vector field). */
  vectorField?: string;
  /** Text fields with boosts for BM25 (default: the index's). */
  fields?: Record<string, number>;
  /** Fields whose text is the BM25 query of an item request (related items). */
  itemFields?: string[];
  k?: number;
}

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

export function presetPipeline(name: PresetName, config: IndexConfig | null, options: PresetOptions = {}): PipelineConfig {
  const depth = options.depth ?? 100;
  const bm25 = { type: "bm25", depth, syntax: options.syntax, fields: options.fields, itemFields: options.itemFields };
  const vectorField = () => {
    if (options.vectorField) return options.vectorField;
    const fields = config ? vectorFieldNames(config) : [];
    if (fields.length === 0) throw new InvalidArgumentError(`pipeline "${name}" needs a vector field, and this index has none (add one to the schema, e.g. {"type": "vector", "dimensions": 256})`);
    return fields[0];
  };
  const base = { name, k: options.k };
  switch (name) {
    case "bm25":
      return { ...base, retrievers: [bm25] };
    case "dense":
      return { ...base, retrievers: [{ type: "vector", name: "dense", depth, field: vectorField() }] };
    case "hybrid-rrf":
      return { ...base, retrievers: [bm25, { type: "vector", name: "dense", depth, field: vectorField() }], fusion: { type: "rrf", k: 60 } };
    case "hybrid-convex":
      return {
        ...base,
        retrievers: [bm25, { type: "vector", name: "dense", depth, field: vectorField() }],
        fusion: { type: "convex", normalization: "min-max", weights: { bm25: 0.5, dense: 0.5 } },
      };
  }
}

/** A preset name, or a path to a pipeline JSON file (its `where` for errors is the path). */
export function loadPipelineConfig(nameOrPath: string, config: IndexConfig | null, options: PresetOptions = {}): { config: PipelineConfig | unknown; where: string } {
  if (isPresetName(nameOrPath)) return { config: presetPipeline(nameOrPath, config, options), where: `pipeline preset "${nameOrPath}"` };
  if (!existsSync(nameOrPath)) {
    throw new InvalidArgumentError(`--pipeline ${nameOrPath}: not a preset (${PRESET_NAMES.join(", ")}) and no such file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(nameOrPath, "utf8"));
  } catch (error) {
    throw new InvalidFileError(nameOrPath, `is not valid JSON: ${(error as Error).message}`);
  }
  return { config: json, where: nameOrPath };
}
