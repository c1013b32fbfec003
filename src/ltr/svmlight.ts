/**
 * The SVMlight / LETOR text format that RankLib, XGBoost and LightGBM read:
 *   <label> qid:<query> 1:<value> 2:<value> ... # <document id>
 * one line per (query, document), a query's lines together, features
 * numbered from 1. Every value is written (also zeros): in sparse readers an
 * absent feature means "missing", not 0, and the comparison in bench/ must
 * give both sides the same numbers. Values are float32, written in the
 * shortest form that reads back to the same float32. The feature names go in
 * a header comment, `# features: name1 name2 ...`.
 */
import { InvalidFileError } from "../core/errors.js";
import type { RankingDataset } from "./ranking-dataset.js";
import { checkDataset } from "./ranking-dataset.js";

export function toSvmLight(data: RankingDataset): string {
  checkDataset(data);
  const f = data.featureNames.length;
  const lines = [`# features: ${data.featureNames.join(" ")}`];
  for (let q = 0; q < data.queryIds.length; q++) {
    const qid = svmQueryId(data.queryIds[q]);
    for (let r = data.groups[q]; r < data.groups[q + 1]; r++) {
      const values: string[] = [];
      for (let j = 0; j < f; j++) values.push(`${j + 1}:${data.features[r * f + j]}`);
      lines.push(`${data.labels[r]} qid:${qid} ${values.join(" ")}${data.docIds ? ` # ${data.docIds[r]}` : ""}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Query ids must be one token without spaces or "#"; other characters are kept. */
function svmQueryId(id: string): string {
  if (/[\s#]/.test(id) || id === "") throw new InvalidFileError("svmlight", `query id ${JSON.stringify(id)} cannot be written (no spaces or "#")`);
  return id;
}

/**
 * Reads the format back. Lines of one query must be together; features not
 * given on a line are 0; `judged` is rebuilt from the labels (the file does
 * not carry judgments of documents that are not candidates).
 */
export function fromSvmLight(text: string, source = "<svmlight>"): RankingDataset {
  const lines = text.split(/\r?\n/);
  let names: string[] | null = null;
  const rows: Array<{ label: number; qid: string; values: Map<number, number>; docId?: string }> = [];
  let maxFeature = 0;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    if (line.startsWith("#")) {
      const m = /^#\s*features:\s*(.*)$/.exec(line);
      if (m) names = m[1].split(/\s+/).filter(Boolean);
      return;
    }
    const hash = line.indexOf("#");
    const body = (hash >= 0 ? line.slice(0, hash) : line).trim().split(/\s+/);
    const docId = hash >= 0 ? line.slice(hash + 1).trim() || undefined : undefined;
    const label = Number(body[0]);
    if (!Number.isFinite(label)) throw new InvalidFileError(source, `the label ${JSON.stringify(body[0])} is not a number`, i + 1);
    if (!body[1]?.startsWith("qid:")) throw new InvalidFileError(source, `expected "qid:<id>" after the label`, i + 1);
    const values = new Map<number, number>();
    for (const pair of body.slice(2)) {
      const m = /^(\d+):(\S+)$/.exec(pair);
      const index = m ? Number(m[1]) : 0;
      const value = m ? Number(m[2]) : Number.NaN;
      if (!m || index < 1 || !Number.isFinite(value)) throw new InvalidFileError(source, `${JSON.stringify(pair)} is not <feature>:<number> with features numbered from 1`, i + 1);
      values.set(index, value);
      if (index > maxFeature) maxFeature = index;
    }
    rows.push({ label, qid: body[1].slice(4), values, docId });
  });
  const featureNames: string[] = names ?? Array.from({ length: maxFeature }, (_, j) => `f${j + 1}`);
  if (maxFeature > featureNames.length) throw new InvalidFileError(source, `feature ${maxFeature} is beyond the ${featureNames.length} names of the header`);
  const f = featureNames.length;
  const features = new Float32Array(rows.length * f);
  const labels = new Float32Array(rows.length);
  const queryIds: string[] = [];
  const groups: number[] = [0];
  const seen = new Set<string>();
  rows.forEach((row, r) => {
    if (queryIds[queryIds.length - 1] !== row.qid) {
      if (seen.has(row.qid)) throw new InvalidFileError(source, `the lines of query ${row.qid} are not together`);
      seen.add(row.qid);
      if (queryIds.length) groups.push(r);
      queryIds.push(row.qid);
    }
    labels[r] = row.label;
    for (const [j, v] of row.values) features[r * f + j - 1] = v;
  });
  groups.push(rows.length);
  const groupArray = Int32Array.from(queryIds.length ? groups : [0]);
  const judged = queryIds.map((_, q) => labels.slice(groupArray[q], groupArray[q + 1]).filter((l) => l > 0));
  const docIds = rows.every((r) => r.docId !== undefined) ? rows.map((r) => r.docId!) : undefined;
  const data: RankingDataset = { featureNames, features, labels, groups: groupArray, queryIds, docIds, judged };
  checkDataset(data);
  return data;
}
