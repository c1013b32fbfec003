/**
 * A compiled pipeline: retrievers (run side by side) -> fusion -> stages, then
 * the requested page of hits. `Pipeline.compile` validates a PipelineConfig
 * against a registry of kinds; `run` executes one request; `describe` says
 * what the pipeline does, as JSON (the CLI prints it, the HTTP API serves it).
 */
import { InterruptedError, InvalidArgumentError } from "../core/errors.js";
import type { Candidate } from "./candidate.js";
import { note } from "./candidate.js";
import { fuse } from "./fusion/fuse.js";
import { parseWith, pipelineSchema, type PipelineConfig, type TypedConfig } from "./pipeline-config.js";
import type { PipelineContext } from "./pipeline-context.js";
import type { ComponentKind, PipelineRegistry, Retriever, Stage } from "./pipeline-registry.js";
import type { PipelineRequest } from "./pipeline-request.js";

export interface PipelineHit {
  id: string;
  score: number;
  /** Every feature a retriever or stage computed for the hit. */
  features: Record<string, number>;
  /** What each stage did to the hit (when the request asked). */
  explanation?: Array<{ stage: string; detail: string; score?: number }>;
}

export interface PipelineResult {
  hits: PipelineHit[];
  /** Candidates after fusion (before stages cut or re-ordered them). */
  candidates: number;
  tookMs: number;
  /** Milliseconds per retriever and stage. */
  timings: Record<string, number>;
}

/** Most hits one request may ask for, unless the pipeline was compiled with another bound. */
const DEFAULT_MAX_K = 10_000;

export class Pipeline {
  private constructor(
    readonly config: PipelineConfig,
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
    const retrievers = parsed.retrievers.map((entry, i) => build(registry.retrievers, "retriever", entry, where, `retrievers[${i}]`));
    const names = new Set<string>();
    for (const r of retrievers) {
      if (names.has(r.name)) throw new InvalidArgumentError(`${where}: two retrievers are named "${r.name}"; give them distinct "name" settings`);
      names.add(r.name);
    }
    if (retrievers.length > 1 && !parsed.fusion) throw new InvalidArgumentError(`${where}: ${retrievers.length} retrievers need a "fusion" ({"type": "rrf"} or {"type": "convex"})`);
    for (const name of Object.keys(parsed.fusion?.weights ?? {})) {
      if (!names.has(name)) throw new InvalidArgumentError(`${where}: fusion.weights names "${name}", which is not a retriever (retrievers: ${[...names].join(", ")})`);
    }
    const stages = (parsed.stages ?? []).map((entry, i) => build(registry.stages, "stage", entry, where, `stages[${i}]`));
    return new Pipeline(parsed, retrievers, stages, options.maxK ?? DEFAULT_MAX_K);
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
      retrievers: this.retrievers.map((r) => r.describe()),
      fusion: this.config.fusion ?? null,
      stages: this.stages.map((s) => s.describe()),
    };
  }

  async run(request: PipelineRequest, ctx: PipelineContext): Promise<PipelineResult> {
    const started = performance.now();
    const k = request.k ?? this.config.k ?? 10;
    const offset = request.offset ?? 0;
    if (!Number.isInteger(k) || k < 1 || k > this.maxK) throw new InvalidArgumentError(`k must be an integer from 1 to ${this.maxK}, got ${k}`);
    if (!Number.isInteger(offset) || offset < 0) throw new InvalidArgumentError(`offset must be a non-negative integer, got ${offset}`);
    const timings: Record<string, number> = {};
    const trace = request.explain === true;
    const exclude = new Set(request.exclude ?? []);
    const lists = await Promise.all(
      this.retrievers.map(async (r) => {
        const t = performance.now();
        const found = (await r.retrieve(request, ctx)).filter((c) => !exclude.has(c.id));
        timings[r.name] = performance.now() - t;
        if (trace) found.forEach((c, i) => ((c.trace = []), note(c, r.name, `rank ${i + 1}, score ${round(c.score)}`)));
        return { name: r.name, candidates: found };
      }),
    );
    checkAborted(request);
    let t = performance.now();
    let candidates: Candidate[] = fuse(lists, this.config.fusion, trace);
    if (this.config.fusion) timings.fusion = performance.now() - t;
    const fused = candidates.length;
    for (const stage of this.stages) {
      t = performance.now();
      candidates = await stage.run(candidates, request, ctx);
      timings[stage.name] = performance.now() - t;
      checkAborted(request);
    }
    const hits = candidates.slice(offset, offset + k).map((c) => {
      const hit: PipelineHit = { id: c.id, score: c.score, features: c.features };
      if (trace) hit.explanation = c.trace ?? [];
      return hit;
    });
    return { hits, candidates: fused, tookMs: performance.now() - started, timings };
  }
}

function build<T>(kinds: ReadonlyMap<string, ComponentKind<T>>, what: string, entry: TypedConfig, where: string, at: string): T {
  const kind = kinds.get(entry.type);
  if (!kind) throw new InvalidArgumentError(`${where}: ${at}: unknown ${what} type "${entry.type}" (known: ${[...kinds.keys()].join(", ")})`);
  const config = parseWith(kind.schema, entry, where, at);
  return kind.create(config as never, `${where}: ${at}`);
}

function checkAborted(request: PipelineRequest): void {
  if (request.signal?.aborted) throw new InterruptedError("the pipeline was stopped");
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}
