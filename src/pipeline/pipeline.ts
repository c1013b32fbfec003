/**
 * A compiled pipeline: rewriters (in order) -> retrievers (side by side) ->
 * fusion -> stages, then the requested page of hits. `Pipeline.compile`
 * validates a PipelineConfig against a registry of kinds; `run` executes one
 * request; `describe` says what the pipeline does, as JSON (the CLI prints
 * it, the HTTP API serves it); `needs` names the index fields it reads.
 */
import { InterruptedError, InvalidArgumentError } from "../core/errors.js";
import { describeAnalyzedQuery } from "../lexical/analyzed-query.js";
import type { Candidate } from "./candidate.js";
import { note } from "./candidate.js";
import { fuse } from "./fusion/fuse.js";
import { parseWith, pipelineSchema, type PipelineConfig, type TypedConfig } from "./pipeline-config.js";
import type { PipelineContext } from "./pipeline-context.js";
import { mergeNeeds, type ComponentKind, type FieldNeeds, type PipelineRegistry, type Retriever, type Rewriter, type Stage, type Upstream } from "./pipeline-registry.js";
import type { PipelineRequest } from "./pipeline-request.js";

export interface PipelineHit {
  id: string;
  score: number;
  /** Every feature a retriever or stage computed for the hit. */
  features: Record<string, number>;
  /** What each rewriter, retriever and stage did to the hit (when the request asked). */
  explanation?: Array<{ stage: string; detail: string; score?: number }>;
}

export interface PipelineResult {
  hits: PipelineHit[];
  /** Candidates after fusion (before stages cut or re-ordered them). */
  candidates: number;
  tookMs: number;
  /** Milliseconds per rewriter, retriever and stage. */
  timings: Record<string, number>;
  /** What rewriters made of the query (when the request asked for explanations). */
  expansion?: { terms?: string; vectors?: string[] };
}

/** Most hits one request may ask for, unless the pipeline was compiled with another bound. */
const DEFAULT_MAX_K = 10_000;

export class Pipeline {
  private readonly prepared = new WeakMap<PipelineContext, Promise<void>>();

  private constructor(
    readonly config: PipelineConfig,
    private readonly rewriters: Rewriter[],
    private readonly retrievers: Retriever[],
    private readonly stages: Stage[],
    private readonly maxK: number,
  ) {}

  /**
   * Validates `config` (from a file named by `where`) and builds its parts.
   * `maxK` bounds the hits a request may ask for (default 10,000; in-process
   * callers that rank a whole candidate list, as Paper Radar's feed, raise it).
   */
  static compile(config: unknown, registry: PipelineRegistry, where = "pipeline", options: { maxK?: number } = {}): Pipeline {
    const parsed = parseWith(pipelineSchema, config, where);
    const rewriters = (parsed.rewriters ?? []).map((entry, i) => build(registry.rewriters, "rewriter", entry, where, `rewriters[${i}]`, registry));
    const retrievers = parsed.retrievers.map((entry, i) => build(registry.retrievers, "retriever", entry, where, `retrievers[${i}]`, registry));
    const names = new Set<string>();
    for (const r of retrievers) {
      if (names.has(r.name)) throw new InvalidArgumentError(`${where}: two retrievers are named "${r.name}"; give them distinct "name" settings`);
      names.add(r.name);
    }
    if (retrievers.length > 1 && !parsed.fusion) throw new InvalidArgumentError(`${where}: ${retrievers.length} retrievers need a "fusion" ({"type": "rrf"} or {"type": "convex"})`);
    for (const name of Object.keys(parsed.fusion?.weights ?? {})) {
      if (!names.has(name)) throw new InvalidArgumentError(`${where}: fusion.weights names "${name}", which is not a retriever (retrievers: ${[...names].join(", ")})`);
    }
    const stages = (parsed.stages ?? []).map((entry, i) => build(registry.stages, "stage", entry, where, `stages[${i}]`, registry));
    return new Pipeline(parsed, rewriters, retrievers, stages, options.maxK ?? DEFAULT_MAX_K);
  }

  get name(): string {
    return this.config.name ?? "pipeline";
  }

  /** The pipeline as JSON: its settings and each part with its defaults filled in. */
  describe(): Record<string, unknown> {
    return {
      name: this.name,
      description: this.config.description,
      k: this.config.k ?? 10,
      ...(this.rewriters.length ? { rewriters: this.rewriters.map((r) => r.describe()) } : {}),
      retrievers: this.retrievers.map((r) => r.describe()),
      fusion: this.config.fusion ?? null,
      stages: this.stages.map((s) => s.describe()),
    };
  }

  /** Index fields the pipeline reads by name (vector fields to embed, text fields to index). */
  needs(): Required<FieldNeeds> {
    return mergeNeeds([...this.rewriters, ...this.retrievers, ...this.stages].map((c) => c.needs?.()));
  }

  /**
   * Lets stages get ready for `ctx` (a learned ranker loads or trains its
   * model); `run` calls it on first use, and hosts may call it earlier to
   * keep that time out of their per-query timings. Runs once per context.
   */
  prepare(ctx: PipelineContext): Promise<void> {
    let done = this.prepared.get(ctx);
    if (!done) {
      done = this.prepareStages(ctx, this.stages.length);
      this.prepared.set(ctx, done);
      done.catch(() => this.prepared.delete(ctx));
    }
    return done;
  }

  /** Prepares the first `count` stages (what runs before stage `count`). */
  async prepareStages(ctx: PipelineContext, count: number): Promise<void> {
    for (let i = 0; i < Math.min(count, this.stages.length); i++) {
      const stage = this.stages[i];
      if (stage.prepare) await stage.prepare(ctx, this.upstreamOf(i));
    }
  }

  /** The compiled stages, in order (tools such as `trove ltr train` work with one of them). */
  get stageList(): readonly Stage[] {
    return this.stages;
  }

  /** The pipeline up to (not including) stage `index`. */
  upstreamOf(index: number): Upstream {
    return {
      run: async (request, ctx) => {
        const { candidates, rewritten } = await this.candidatesBefore(index, request, ctx, {}, false);
        return { candidates, request: rewritten };
      },
      describe: () => ({
        rewriters: this.rewriters.map((r) => r.describe()),
        retrievers: this.retrievers.map((r) => r.describe()),
        fusion: this.config.fusion ?? null,
        stages: this.stages.slice(0, index).map((s) => s.describe()),
      }),
    };
  }

  async run(request: PipelineRequest, ctx: PipelineContext): Promise<PipelineResult> {
    const started = performance.now();
    const k = request.k ?? this.config.k ?? 10;
    const offset = request.offset ?? 0;
    if (!Number.isInteger(k) || k < 1 || k > this.maxK) throw new InvalidArgumentError(`k must be an integer from 1 to ${this.maxK}, got ${k}`);
    if (!Number.isInteger(offset) || offset < 0) throw new InvalidArgumentError(`offset must be a non-negative integer, got ${offset}`);
    await this.prepare(ctx);
    const timings: Record<string, number> = {};
    const trace = request.explain === true;
    const { candidates, fused, rewritten } = await this.candidatesBefore(this.stages.length, request, ctx, timings, trace);
    const hits = candidates.slice(offset, offset + k).map((c) => {
      const hit: PipelineHit = { id: c.id, score: c.score, features: c.features };
      if (trace) hit.explanation = c.trace ?? [];
      return hit;
    });
    const result: PipelineResult = { hits, candidates: fused, tookMs: performance.now() - started, timings };
    if (trace && rewritten.expansion) {
      const { terms, vectors } = rewritten.expansion;
      result.expansion = { terms: terms ? describeAnalyzedQuery(terms.query) : undefined, vectors: vectors ? Object.keys(vectors) : undefined };
    }
    return result;
  }

  /** Rewriters, retrievers, fusion and the first `stageCount` stages: the candidates stage `stageCount` would receive. */
  private async candidatesBefore(
    stageCount: number,
    original: PipelineRequest,
    ctx: PipelineContext,
    timings: Record<string, number>,
    trace: boolean,
  ): Promise<{ candidates: Candidate[]; fused: number; rewritten: PipelineRequest }> {
    let request = original;
    for (const rewriter of this.rewriters) {
      const t = performance.now();
      request = await rewriter.rewrite(request, ctx);
      timings[rewriter.name] = performance.now() - t;
      checkAborted(request);
    }
    const expansionNotes = trace ? describeExpansion(request) : [];
    const exclude = new Set(request.exclude ?? []);
    const lists = await Promise.all(
      this.retrievers.map(async (r) => {
        const t = performance.now();
        const found = (await r.retrieve(request, ctx)).filter((c) => !exclude.has(c.id));
        timings[r.name] = performance.now() - t;
        if (trace) {
          found.forEach((c, i) => {
            c.trace = [];
            for (const [by, detail] of expansionNotes) note(c, by, detail);
            note(c, r.name, `rank ${i + 1}, score ${round(c.score)}`);
          });
        }
        return { name: r.name, candidates: found };
      }),
    );
    checkAborted(request);
    let t = performance.now();
    let candidates: Candidate[] = fuse(lists, this.config.fusion, trace);
    if (this.config.fusion) timings.fusion = performance.now() - t;
    const fused = candidates.length;
    for (const stage of this.stages.slice(0, stageCount)) {
      t = performance.now();
      candidates = await stage.run(candidates, request, ctx);
      timings[stage.name] = performance.now() - t;
      checkAborted(request);
    }
    return { candidates, fused, rewritten: request };
  }
}

function describeExpansion(request: PipelineRequest): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const terms = request.expansion?.terms;
  if (terms) out.push([terms.by, `expanded query: ${describeAnalyzedQuery(terms.query)}`]);
  for (const [field, v] of Object.entries(request.expansion?.vectors ?? {})) out.push([v.by, `query vector for "${field}" moved toward the feedback documents`]);
  return out;
}

function build<T>(kinds: ReadonlyMap<string, ComponentKind<T>>, what: string, entry: TypedConfig, where: string, at: string, registry: PipelineRegistry): T {
  const kind = kinds.get(entry.type);
  if (!kind) throw new InvalidArgumentError(`${where}: ${at}: unknown ${what} type "${entry.type}" (known: ${[...kinds.keys()].join(", ") || "none"})`);
  const config = parseWith(kind.schema, entry, where, at);
  return kind.create(config as never, `${where}: ${at}`, registry);
}

function checkAborted(request: PipelineRequest): void {
  if (request.signal?.aborted) throw new InterruptedError("the pipeline was stopped");
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}
