/**
 * Learning-to-rank data, columnar: one row per (query, candidate document),
 * rows of a query contiguous. `features` is row-major (row r's feature f at
 * r * featureCount + f), `labels` the graded relevance of each row (0 when
 * unjudged), `groups[q]..groups[q+1]` the rows of query q. `judged[q]` holds
 * the positive relevance values of ALL documents judged for query q, also
 * those no candidate found, so nDCG's ideal ranking is the one trec_eval
 * computes and a candidate list that misses relevant documents is not
 * rewarded.
 */
import { InvalidArgumentError } from "../core/errors.js";

export interface RankingDataset {
  featureNames: readonly string[];
  features: Float32Array;
  labels: Float32Array;
  groups: Int32Array;
  queryIds: readonly string[];
  /** The document of each row (for run files and exports); optional. */
  docIds?: readonly string[];
  judged: ReadonlyArray<Float32Array>;
}

export function rowCount(data: RankingDataset): number {
  return data.labels.length;
}

export function queryCount(data: RankingDataset): number {
  return data.groups.length - 1;
}

/** Throws when the arrays disagree in size or the groups are not increasing. */
export function checkDataset(data: RankingDataset): void {
  const rows = data.labels.length;
  const f = data.featureNames.length;
  if (f === 0) throw new InvalidArgumentError("a ranking dataset needs at least one feature");
  if (data.features.length !== rows * f) throw new InvalidArgumentError(`ranking dataset: ${data.features.length} feature values for ${rows} rows of ${f} features`);
  if (data.groups.length !== data.queryIds.length + 1 || data.groups[0] !== 0 || data.groups[data.groups.length - 1] !== rows) {
    throw new InvalidArgumentError("ranking dataset: groups must start at 0, end at the row count and have one entry per query plus one");
  }
  for (let q = 0; q < data.queryIds.length; q++) if (data.groups[q + 1] < data.groups[q]) throw new InvalidArgumentError(`ranking dataset: query ${data.queryIds[q]} has a negative row count`);
  if (data.judged.length !== data.queryIds.length) throw new InvalidArgumentError("ranking dataset: judged needs one entry per query");
  if (data.docIds && data.docIds.length !== rows) throw new InvalidArgumentError("ranking dataset: docIds needs one entry per row");
}

/** The queries at `indices` (in that order) as a dataset of their own. */
export function selectQueries(data: RankingDataset, indices: ArrayLike<number>): RankingDataset {
  const f = data.featureNames.length;
  let rows = 0;
  for (let i = 0; i < indices.length; i++) rows += data.groups[indices[i] + 1] - data.groups[indices[i]];
  const features = new Float32Array(rows * f);
  const labels = new Float32Array(rows);
  const groups = new Int32Array(indices.length + 1);
  const docIds: string[] | undefined = data.docIds ? [] : undefined;
  let at = 0;
  for (let i = 0; i < indices.length; i++) {
    const q = indices[i];
    const [from, to] = [data.groups[q], data.groups[q + 1]];
    features.set(data.features.subarray(from * f, to * f), at * f);
    labels.set(data.labels.subarray(from, to), at);
    if (docIds) for (let r = from; r < to; r++) docIds.push(data.docIds![r]);
    at += to - from;
    groups[i + 1] = at;
  }
  return {
    featureNames: data.featureNames,
    features,
    labels,
    groups,
    queryIds: Array.from(indices, (q) => data.queryIds[q]),
    docIds,
    judged: Array.from(indices, (q) => data.judged[q]),
  };
}

/** Builds a dataset from per-query lists of rows. */
export function datasetFromQueries(
  featureNames: readonly string[],
  queries: ReadonlyArray<{ id: string; rows: ReadonlyArray<{ docId: string; label: number; features: ArrayLike<number> }>; judged: ArrayLike<number> }>,
): RankingDataset {
  const f = featureNames.length;
  const rows = queries.reduce((n, q) => n + q.rows.length, 0);
  const features = new Float32Array(rows * f);
  const labels = new Float32Array(rows);
  const groups = new Int32Array(queries.length + 1);
  const docIds: string[] = [];
  let r = 0;
  queries.forEach((q, i) => {
    for (const row of q.rows) {
      if (row.features.length !== f) throw new InvalidArgumentError(`query ${q.id}, document ${row.docId}: ${row.features.length} features, expected ${f}`);
      features.set(row.features, r * f);
      labels[r] = row.label;
      docIds.push(row.docId);
      r++;
    }
    groups[i + 1] = r;
  });
  const data = { featureNames, features, labels, groups, queryIds: queries.map((q) => q.id), docIds, judged: queries.map((q) => Float32Array.from(q.judged)) };
  checkDataset(data);
  return data;
}
