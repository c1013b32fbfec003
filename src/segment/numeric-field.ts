/**
 * Number and date doc values: one Float64 per document (`<field>.values`;
 * dates as epoch milliseconds; NaN = no value), for range filters and sorting.
 */
import { parseDateValue } from "../core/schema.js";
import type { NumericFieldStats, Sections } from "./segment-format.js";

export function toNumericValue(type: "number" | "date", value: unknown): number {
  if (value === undefined || value === null) return Number.NaN;
  if (type === "date") return parseDateValue(value);
  return typeof value === "number" ? value : Number.NaN;
}

export class NumericFieldWriter {
  private readonly values: number[] = [];

  constructor(private readonly type: "number" | "date") {}

  add(value: unknown): void {
    this.values.push(toNumericValue(this.type, value));
  }

  finish(name: string, sections: Sections): NumericFieldStats {
    sections.set(`${name}.values`, Float64Array.from(this.values));
    return { type: this.type };
  }
}

export function mergeNumericField(
  name: string,
  type: "number" | "date",
  inputs: ReadonlyArray<{ docCount: number; numerics: ReadonlyMap<string, Float64Array> }>,
  docMaps: readonly Int32Array[],
  newCount: number,
  sections: Sections,
): NumericFieldStats {
  const values = new Float64Array(newCount).fill(Number.NaN);
  inputs.forEach((seg, s) => {
    const column = seg.numerics.get(name);
    if (!column) return;
    for (let d = 0; d < seg.docCount; d++) if (docMaps[s][d] >= 0) values[docMaps[s][d]] = column[d];
  });
  sections.set(`${name}.values`, values);
  return { type };
}
