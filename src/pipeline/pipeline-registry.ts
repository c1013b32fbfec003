/**
 * The kinds of retrievers and stages a pipeline file may name. Each kind has a
 * schema for its settings and a factory; the built-in kinds live in
 * retrievers/ and stages/, and applications add their own (Paper Radar adds
 * its feed's scorers) with `with...`, which returns a new registry.
 */
import type { z } from "zod";
import type { Candidate } from "./candidate.js";
import type { PipelineContext } from "./pipeline-context.js";
import type { PipelineRequest } from "./pipeline-request.js";

/** Produces a scored candidate list, best first, with its score under `features[name]`. */
export interface Retriever {
  readonly name: string;
  readonly depth: number;
  describe(): Record<string, unknown>;
  retrieve(request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]>;
}

/** Transforms the candidate list after fusion: filters, scorers, rerankers, diversifiers. */
export interface Stage {
  readonly name: string;
  describe(): Record<string, unknown>;
  run(candidates: Candidate[], request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]>;
}

export interface ComponentKind<T> {
  /** One line for listings (`trove pipeline kinds`, GET /api/pipelines). */
  summary: string;
  schema: z.ZodType;
  create(config: never, where: string): T;
}

export class PipelineRegistry {
  constructor(
    readonly retrievers: ReadonlyMap<string, ComponentKind<Retriever>> = new Map(),
    readonly stages: ReadonlyMap<string, ComponentKind<Stage>> = new Map(),
  ) {}

  withRetriever<C>(type: string, kind: { summary: string; schema: z.ZodType<C>; create(config: C, where: string): Retriever }): PipelineRegistry {
    return new PipelineRegistry(new Map([...this.retrievers, [type, kind as unknown as ComponentKind<Retriever>]]), this.stages);
  }

  withStage<C>(type: string, kind: { summary: string; schema: z.ZodType<C>; create(config: C, where: string): Stage }): PipelineRegistry {
    return new PipelineRegistry(this.retrievers, new Map([...this.stages, [type, kind as unknown as ComponentKind<Stage>]]));
  }

  /** Kinds and their one-line summaries, for help texts and the HTTP description. */
  describe(): { retrievers: Record<string, string>; stages: Record<string, string> } {
    const summaries = (m: ReadonlyMap<string, { summary: string }>) => Object.fromEntries([...m].map(([k, v]) => [k, v.summary]));
    return { retrievers: summaries(this.retrievers), stages: summaries(this.stages) };
  }
}
