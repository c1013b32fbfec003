/**
 * Compressed sparse rows: the user -> items and item -> users views of the
 * interaction matrix. Row r's column indices are `indices[indptr[r] ..
 * indptr[r + 1])`, sorted ascending and without duplicates; `data` holds the
 * matching values.
 */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float32Array;
}

/** Number of stored entries. */
export function csrNnz(m: CsrMatrix): number {
  return m.indptr[m.rows];
}

/** Row r's column indices (a view, not a copy). */
export function csrRow(m: CsrMatrix, r: number): Int32Array {
  return m.indices.subarray(m.indptr[r], m.indptr[r + 1]);
}

/** Row r's values (a view, not a copy). */
export function csrRowData(m: CsrMatrix, r: number): Float32Array {
  return m.data.subarray(m.indptr[r], m.indptr[r + 1]);
}

/**
 * Builds a CSR matrix from coordinates; duplicate (row, col) pairs are summed.
 * Two counting-sort passes (by column, then stably by row) give sorted rows
 * in O(nnz + rows + cols) without comparison sorts.
 */
export function csrFromCoordinates(
  rows: number,
  cols: number,
  rowOf: Int32Array,
  colOf: Int32Array,
  valueOf: Float32Array | null,
  count = rowOf.length,
): CsrMatrix {
  // Pass 1: order entries by column.
  const colStart = new Int32Array(cols + 1);
  for (let e = 0; e < count; e++) colStart[colOf[e] + 1]++;
  for (let c = 0; c < cols; c++) colStart[c + 1] += colStart[c];
  const byCol = new Int32Array(count);
  const fill = colStart.slice(0, cols);
  for (let e = 0; e < count; e++) byCol[fill[colOf[e]]++] = e;
  // Pass 2: stable order by row, which keeps columns ascending inside a row.
  const rowStart = new Int32Array(rows + 1);
  for (let e = 0; e < count; e++) rowStart[rowOf[e] + 1]++;
  for (let r = 0; r < rows; r++) rowStart[r + 1] += rowStart[r];
  const order = new Int32Array(count);
  const rowFill = rowStart.slice(0, rows);
  for (let p = 0; p < count; p++) {
    const e = byCol[p];
    order[rowFill[rowOf[e]]++] = e;
  }
  // Merge duplicates.
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(count);
  const data = new Float32Array(count);
  let nnz = 0;
  for (let r = 0; r < rows; r++) {
    let last = -1;
    for (let p = rowStart[r]; p < rowStart[r + 1]; p++) {
      const e = order[p];
      const c = colOf[e];
      const v = valueOf ? valueOf[e] : 1;
      if (c === last) {
        data[nnz - 1] += v;
      } else {
        indices[nnz] = c;
        data[nnz] = v;
        nnz++;
        last = c;
      }
    }
    indptr[r + 1] = nnz;
  }
  return { rows, cols, indptr, indices: indices.slice(0, nnz), data: data.slice(0, nnz) };
}

/** The transpose (item -> users from user -> items), rows sorted. */
export function csrTranspose(m: CsrMatrix): CsrMatrix {
  const nnz = csrNnz(m);
  const indptr = new Int32Array(m.cols + 1);
  for (let p = 0; p < nnz; p++) indptr[m.indices[p] + 1]++;
  for (let c = 0; c < m.cols; c++) indptr[c + 1] += indptr[c];
  const fill = indptr.slice(0, m.cols);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) {
      const q = fill[m.indices[p]]++;
      indices[q] = r;
      data[q] = m.data[p];
    }
  }
  return { rows: m.cols, cols: m.rows, indptr, indices, data };
}

/** Keeps the entries for which `keep(value)` holds. */
export function csrFilter(m: CsrMatrix, keep: (value: number) => boolean): CsrMatrix {
  const indptr = new Int32Array(m.rows + 1);
  const indices = new Int32Array(csrNnz(m));
  const data = new Float32Array(csrNnz(m));
  let nnz = 0;
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) {
      if (!keep(m.data[p])) continue;
      indices[nnz] = m.indices[p];
      data[nnz] = m.data[p];
      nnz++;
    }
    indptr[r + 1] = nnz;
  }
  return { rows: m.rows, cols: m.cols, indptr, indices: indices.slice(0, nnz), data: data.slice(0, nnz) };
}

/** Binary search for `col` in row r; returns the entry position or -1. */
export function csrFind(m: CsrMatrix, r: number, col: number): number {
  let lo = m.indptr[r];
  let hi = m.indptr[r + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = m.indices[mid];
    if (c === col) return mid;
    if (c < col) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
