/**
 * Builds the scorer tree of a plan for one segment, and evaluates filter
 * clauses (keyword, number, date, prefix) into per-segment bitsets.
 */
import type { FilterSpec, PlanNode } from "./query-plan.js";
import {
  BitsetScorer,
  BooleanScorer,
  DisjunctionScorer,
  EmptyScorer,
  ExclusionScorer,
  NO_MORE_DOCS,
  PhraseScorer,
  type Scorer,
  TermScorer,
} from "./scorer.js";
import type { SegmentReader } from "../segment/segment-reader.js";
import { encodeUtf8 } from "../core/utf8.js";

/** Maximum number of terms a prefix clause expands to. */
export const MAX_PREFIX_EXPANSION = 4096;

export function buildScorer(node: PlanNode, segment: SegmentReader): Scorer {
  switch (node.kind) {
    case "none":
      return new EmptyScorer();
    case "matchAll":
      return new BitsetScorer(allDocs(segment), 0, "match all", segment.docCount);
    case "term": {
      const field = segment.text.get(node.field);
      const ord = field ? field.lookup(node.termBytes) : -1;
      if (!field || ord < 0) return new EmptyScorer();
      return new TermScorer(field.postingsCursor(ord), node.weight, node.field, node.term);
    }
    case "phrase": {
      const field = segment.text.get(node.field);
      if (!field) return new EmptyScorer();
      const ords = node.terms.map((t) => field.lookup(t));
      if (ords.some((o) => o < 0)) return new EmptyScorer();
      return new PhraseScorer(
        ords.map((o) => field.postingsCursor(o)),
        node.offsets,
        node.slop,
        node.weight,
        node.field,
        node.text,
      );
    }
    case "filter": {
      const bits = filterBits(node.spec, segment);
      return new BitsetScorer(bits, node.boost, describeFilter(node.spec));
    }
    case "bool": {
      const must = node.must.map((n) => buildScorer(n, segment));
      const should = node.should.map((n) => buildScorer(n, segment));
      const mustNot = node.mustNot.map((n) => buildScorer(n, segment));
      if (must.length > 0) return new BooleanScorer(must, should, mustNot);
      if (should.length === 0) return new BooleanScorer([buildScorer({ kind: "matchAll" }, segment)], [], mustNot);
      const disjunction = should.length === 1 ? should[0] : new DisjunctionScorer(should);
      return mustNot.length > 0 ? new ExclusionScorer(disjunction, mustNot) : disjunction;
    }
  }
}

function allDocs(segment: SegmentReader): Uint8Array {
  return new Uint8Array(segment.docCount).fill(1);
}

function describeFilter(spec: FilterSpec): string {
  switch (spec.kind) {
    case "keywordEquals":
      return `${spec.field}:${spec.value}`;
    case "keywordPrefix":
    case "textPrefix":
      return `${spec.field}:${spec.prefix}*`;
    case "keywordRange":
    case "numericRange":
      return `${spec.field}:${spec.includeLower ? "[" : "{"}${spec.lower ?? "*"} TO ${spec.upper ?? "*"}${spec.includeUpper ? "]" : "}"}`;
  }
}

/** Evaluates a filter clause into a bitset over the segment's docs (1 = matches). */
export function filterBits(spec: FilterSpec, segment: SegmentReader): Uint8Array {
  const bits = new Uint8Array(segment.docCount);
  switch (spec.kind) {
    case "keywordEquals":
    case "keywordPrefix":
    case "keywordRange": {
      const kw = segment.keywords.get(spec.field);
      if (!kw) return bits;
      const wanted = new Uint8Array(kw.valueCount);
      let any = false;
      for (let o = 0; o < kw.valueCount; o++) {
        const v = kw.valueAt(o);
        let ok: boolean;
        if (spec.kind === "keywordEquals") ok = v === spec.value;
        else if (spec.kind === "keywordPrefix") ok = v.startsWith(spec.prefix);
        else {
          ok =
            (spec.lower === undefined || spec.lower === "*" || (spec.includeLower ? v >= spec.lower : v > spec.lower)) &&
            (spec.upper === undefined || spec.upper === "*" || (spec.includeUpper ? v <= spec.upper : v < spec.upper));
        }
        if (ok) {
          wanted[o] = 1;
          any = true;
        }
      }
      if (!any) return bits;
      const { docOffsets, ords } = kw;
      for (let d = 0; d < segment.docCount; d++) {
        for (let i = docOffsets[d]; i < docOffsets[d + 1]; i++) {
          if (wanted[ords[i]]) {
            bits[d] = 1;
            break;
          }
        }
      }
      return bits;
    }
    case "numericRange": {
      const values = segment.numerics.get(spec.field);
      if (!values) return bits;
      const { lower, upper, includeLower, includeUpper } = spec;
      for (let d = 0; d < values.length; d++) {
        const v = values[d];
        if (v !== v) continue; // NaN: missing
        if ((includeLower ? v >= lower : v > lower) && (includeUpper ? v <= upper : v < upper)) bits[d] = 1;
      }
      return bits;
    }
    case "textPrefix": {
      const field = segment.text.get(spec.field);
      if (!field) return bits;
      if (spec.prefix === "") {
        // field:* -- the field has at least one token
        for (let d = 0; d < segment.docCount; d++) if (field.norms[d] !== 0) bits[d] = 1;
        return bits;
      }
      const [from, to] = field.prefixRange(encodeUtf8(spec.prefix));
      const end = Math.min(to, from + MAX_PREFIX_EXPANSION);
      for (let o = from; o < end; o++) {
        const cursor = field.postingsCursor(o);
        for (let d = cursor.nextDoc(); d !== NO_MORE_DOCS; d = cursor.nextDoc()) bits[d] = 1;
      }
      return bits;
    }
  }
}

/**
 * If the plan is a disjunction of term clauses, optionally grouped one level
 * by field (the bag-of-words shape), returns the flat clause list with group
 * numbers for the MaxScore path; otherwise null.
 */
export function flattenTermDisjunction(node: PlanNode): Array<{ node: Extract<PlanNode, { kind: "term" }>; group: number }> | null {
  if (node.kind === "term") return [{ node, group: 0 }];
  if (node.kind !== "bool" || node.must.length > 0 || node.mustNot.length > 0) return null;
  const out: Array<{ node: Extract<PlanNode, { kind: "term" }>; group: number }> = [];
  let group = 0;
  for (const child of node.should) {
    if (child.kind === "term") out.push({ node: child, group: group++ });
    else if (child.kind === "bool" && child.must.length === 0 && child.mustNot.length === 0 && child.should.every((c) => c.kind === "term")) {
      for (const c of child.should) out.push({ node: c as Extract<PlanNode, { kind: "term" }>, group });
      group++;
    } else return null;
  }
  return out;
}
