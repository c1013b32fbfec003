/**
 * Computes the features of feature-specs.ts for a list of candidates, one
 * call per feature for the whole list (the engine scores given documents in
 * one pass per segment), into a row-major Float32Array ready for a model.
 */
import { parseEncoderSpec } from "../../encoders/encoder-spec.js";
import type { EncoderSpec } from "../../encoders/encoder.js";
import { InvalidArgumentError } from "../../core/errors.js";
import type { Candidate } from "../candidate.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { FieldNeeds } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";
import { queryWords } from "../retrievers/query-words.js";
import { sdmQuery } from "../retrievers/sdm-query.js";
import { queryVector } from "../retrievers/vector-retriever.js";
import { namedFields } from "../text-fields.js";
import { similarity } from "../vector-math.js";
import { checkFeatureNames, type FeatureSpec } from "./feature-specs.js";

const DAY_MS = 86_400_000;

export class FeatureExtractor {
  readonly names: string[];
  private readonly encoders: Array<EncoderSpec | undefined>;

  constructor(
    readonly specs: readonly FeatureSpec[],
    private readonly where: string,
  ) {
    this.names = checkFeatureNames(specs, where);
    this.encoders = specs.map((s, i) => (s.type === "vector" && s.encoder ? parseEncoderSpec(s.encoder, `${where}.features[${i}].encoder`) : undefined));
  }

  /** Fields the features read by name. */
  needs(): FieldNeeds {
    const text: string[] = [];
    const vectors: NonNullable<FieldNeeds["vectors"]> = [];
    this.specs.forEach((s, i) => {
      if (s.type === "bm25" || s.type === "sdm") text.push(...namedFields(s.fields));
      if (s.type === "length" || s.type === "coverage") text.push(s.field);
      if (s.type === "vector") vectors.push(this.encoders[i] ? { field: s.field, encoder: this.encoders[i] } : { field: s.field });
    });
    return { text, vectors };
  }

  /** Row-major features of the candidates (names.length per row). */
  async extract(candidates: readonly Candidate[], request: PipelineRequest, ctx: PipelineContext): Promise<Float32Array> {
    const ids = candidates.map((c) => c.id);
    const f = this.specs.length;
    const out = new Float32Array(ids.length * f);
    for (let j = 0; j < f; j++) {
      const column = await this.column(j, candidates, ids, request, ctx);
      for (let r = 0; r < ids.length; r++) out[r * f + j] = column[r];
    }
    return out;
  }

  private async column(j: number, candidates: readonly Candidate[], ids: string[], request: PipelineRequest, ctx: PipelineContext): Promise<ArrayLike<number>> {
    const spec = this.specs[j];
    const where = `${this.where}.features[${j}]`;
    const zeros = () => new Float64Array(ids.length);
    switch (spec.type) {
      case "bm25": {
        if (queryWords(request.query, "plain") === "") return zeros();
        return ctx.target.scoreDocuments(request.query!, ids, { syntax: spec.syntax, fields: spec.fields, bm25: spec.bm25 });
      }
      case "expansion": {
        const expanded = request.expansion?.terms;
        return expanded ? ctx.target.scoreDocuments(expanded.query, ids, { bm25: spec.bm25 }) : zeros();
      }
      case "sdm": {
        const words = queryWords(request.query, spec.syntax ?? "query");
        if (words === "") return zeros();
        return ctx.target.scoreDocuments(await sdmQuery(words, spec, ctx, where), ids, { bm25: spec.bm25 });
      }
      case "vector": {
        const config = ctx.target.config.fields[spec.field];
        if (!config || config.type !== "vector") throw new InvalidArgumentError(`${where}: "${spec.field}" is not a vector field of the index`);
        const expanded = spec.expanded ? request.expansion?.vectors?.[spec.field]?.vector : undefined;
        const query = expanded ?? (await queryVector(request, ctx, spec.field, this.encoders[j]));
        const missing = spec.missing ?? 0;
        if (!query) return new Float64Array(ids.length).fill(missing);
        const vectors = await Promise.all(ids.map((id) => ctx.target.vectorOf(id, spec.field)));
        return Float64Array.from(vectors, (v) => (v ? similarity(config.metric, query, v) : missing));
      }
      case "length":
        return ctx.target.fieldLengths(ids, spec.field);
      case "coverage": {
        const words = queryWords(request.query, spec.syntax ?? "query");
        const terms = words === "" ? [] : [...new Set((await ctx.target.analyze(spec.field, words)).map((t) => t.term))];
        const found = zeros();
        for (const term of terms) {
          const scores = await ctx.target.scoreDocuments({ kind: "analyzed", clauses: [{ field: spec.field, terms: [term], weight: 1 }] }, ids, {});
          for (let r = 0; r < ids.length; r++) if (scores[r] > 0) found[r] += 1 / terms.length;
        }
        return found;
      }
      case "number": {
        const values = await ctx.target.numericValues(ids, spec.field);
        return values.map((v) => (Number.isNaN(v) ? (spec.missing ?? 0) : v));
      }
      case "recency": {
        const values = await ctx.target.numericValues(ids, spec.field);
        const now = referenceTime(request);
        const halfLife = spec.halfLifeDays ?? 365;
        return values.map((v) => (Number.isNaN(v) ? (spec.missing ?? 0) : 2 ** (-Math.max(0, now - v) / DAY_MS / halfLife)));
      }
      case "feature": {
        return Float64Array.from(candidates, (c) => c.features[spec.name] ?? spec.missing ?? 0);
      }
    }
  }
}

/** The moment ages are measured from: the request's `attributes.now` (epoch ms or a date string), else now. */
function referenceTime(request: PipelineRequest): number {
  const now = request.attributes?.now;
  if (typeof now === "number" && Number.isFinite(now)) return now;
  if (typeof now === "string" && Number.isFinite(Date.parse(now))) return Date.parse(now);
  return Date.now();
}
