/**
 * The kinds of rewriters, retrievers and stages a pipeline file may name.
 * Each kind has a schema for its settings and a factory; the built-in kinds
 * live in rewriters/, retrievers/ and stages/, and applications add their own
 * (Paper Radar adds its feed's scorers) with `with...`, which returns a new
 * registry. Factories get the registry too, so a kind can hold a nested
 * pipeline (a rewriter's feedback run).
 */
import type { z } from "zod";
import type { EncoderSpec } from "../encoders/encoder.js";
import type { Candidate } from "./candidate.js";
import type { PipelineContext } from "./pipeline-context.js";
import type { PipelineRequest } from "./pipeline-request.js";

/**
 * Index fields a component reads by name, so that a host can provide them:
 * the BEIR runner embeds the vector fields and indexes the text fields named.
 */
export interface FieldNeeds {
  text?: string[];
  /** Vector fields, with the encoder a component names for its queries. */
  vectors?: Array<{ field: string; encoder?: EncoderSpec }>;
}

interface Component {
  readonly name: string;
  describe(): Record<string, unknown>;
  /** The fields this component reads by name (default: none). */
  needs?(): FieldNeeds;
}

/**
 * Rewrites the request before the retrievers run: query expansion from
 * pseudo-relevance feedback sets `request.expansion` (weighted terms for BM25
 * retrievers, a new query vector for vector retrievers).
 */
export interface Rewriter extends Component {
  rewrite(request: PipelineRequest, ctx: PipelineContext): Promise<PipelineRequest>;
}

/** Produces a scored candidate list, best first, with its score under `features[name]`. */
export interface Retriever extends Component {
  readonly depth: number;
  retrieve(request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]>;
}

/** The pipeline up to (not including) one stage. */
export interface Upstream {
  /** What the stage would receive for `request`: the candidates, and the request as rewriters left it (with its expansion). */
  run(request: PipelineRequest, ctx: PipelineContext): Promise<{ candidates: Candidate[]; request: PipelineRequest }>;
  /** That part of the pipeline described with its defaults (for cache keys of what a stage learns from it). */
  describe(): Record<string, unknown>;
}

/** Transforms the candidate list after fusion: filters, scorers, rerankers, diversifiers. */
export interface Stage extends Component {
  run(candidates: Candidate[], request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]>;
  /**
   * Called once per context before the first request (a learned ranker trains
   * or loads its model here); `upstream` runs the pipeline up to this stage.
   */
  prepare?(ctx: PipelineContext, upstream: Upstream): Promise<void>;
}

export interface ComponentKind<T> {
  /** One line for listings (`trove pipeline kinds`, GET /api/pipelines). */
  summary: string;
  schema: z.ZodType;
  create(config: never, where: string, registry: PipelineRegistry): T;
}

type KindOf<C, T> = { summary: string; schema: z.ZodType<C>; create(config: C, where: string, registry: PipelineRegistry): T };

export class PipelineRegistry {
  constructor(
    readonly retrievers: ReadonlyMap<string, ComponentKind<Retriever>> = new Map(),
    readonly stages: ReadonlyMap<string, ComponentKind<Stage>> = new Map(),
    readonly rewriters: ReadonlyMap<string, ComponentKind<Rewriter>> = new Map(),
  ) {}

  withRetriever<C>(type: string, kind: KindOf<C, Retriever>): PipelineRegistry {
    return new PipelineRegistry(new Map([...this.retrievers, [type, kind as unknown as ComponentKind<Retriever>]]), this.stages, this.rewriters);
  }

  withStage<C>(type: string, kind: KindOf<C, Stage>): PipelineRegistry {
    return new PipelineRegistry(this.retrievers, new Map([...this.stages, [type, kind as unknown as ComponentKind<Stage>]]), this.rewriters);
  }

  withRewriter<C>(type: string, kind: KindOf<C, Rewriter>): PipelineRegistry {
    return new PipelineRegistry(this.retrievers, this.stages, new Map([...this.rewriters, [type, kind as unknown as ComponentKind<Rewriter>]]));
  }

  /** Kinds and their one-line summaries, for help texts and the HTTP description. */
  describe(): { rewriters: Record<string, string>; retrievers: Record<string, string>; stages: Record<string, string> } {
    const summaries = (m: ReadonlyMap<string, { summary: string }>) => Object.fromEntries([...m].map(([k, v]) => [k, v.summary]));
    return { rewriters: summaries(this.rewriters), retrievers: summaries(this.retrievers), stages: summaries(this.stages) };
  }
}

/** Merges field needs, keeping the first encoder named for a vector field. */
export function mergeNeeds(all: Iterable<FieldNeeds | undefined>): Required<FieldNeeds> {
  const text = new Set<string>();
  const vectors = new Map<string, EncoderSpec | undefined>();
  for (const n of all) {
    for (const f of n?.text ?? []) text.add(f);
    for (const v of n?.vectors ?? []) if (!vectors.has(v.field) || (vectors.get(v.field) === undefined && v.encoder)) vectors.set(v.field, v.encoder);
  }
  return { text: [...text], vectors: [...vectors].map(([field, encoder]) => (encoder ? { field, encoder } : { field })) };
}
