import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidFileError, InvalidRecordError } from "../../src/core/errors.js";
import { PAPERS_COLLECTION, httpUrl, normalizeArxivId, normalizePaper, openPapers, samePaper, storePapers, storedPaper } from "./papers.js";
import type { StoredRecord } from "../../src/core/schema.js";

const BASE = {
  id: "2503.12855",
  title: "VITED: Video Temporal Evidence Distillation",
  abstract: "We investigate complex video question answering.",
  authors: ["Yujie Lu", "Yale Song"],
  categories: ["cs.CV", "cs.CL"],
  comment: null,
  date: "2025-03-18",
};

test("normalizePaper keeps a clean record as it is, with the primary category first", () => {
  assert.deepEqual(normalizePaper(BASE), {
    id: "2503.12855",
    title: "VITED: Video Temporal Evidence Distillation",
    abstract: "We investigate complex video question answering.",
    authors: ["Yujie Lu", "Yale Song"],
    categories: ["cs.CV", "cs.CL"],
    primaryCategory: "cs.CV",
    date: "2025-03-18",
  });
});

test("normalizePaper collapses whitespace, splits lists and moves the primary category to the front", () => {
  const paper = normalizePaper({
    id: "arXiv:2503.12855v3",
    title: "  Dense   retrieval\n  with LLMs ",
    summary: "line one\nline two\n\n  line three",
    authors: "Ada  Lovelace; Alan Turing |Grace Hopper;;",
    categories: "cs.CL cs.IR  I.2.7",
    primary_category: "cs.IR",
    published: "2024-12-31T23:59:59-05:00",
    updated: "2025-01-02T10:00:00Z",
    comment: "  12 pages,\n 3 figures ",
    extra: "dropped",
  });
  assert.deepEqual(paper, {
    id: "2503.12855",
    title: "Dense retrieval with LLMs",
    abstract: "line one line two line three",
    authors: ["Ada Lovelace", "Alan Turing", "Grace Hopper"],
    categories: ["cs.IR", "cs.CL", "I.2.7"],
    primaryCategory: "cs.IR",
    date: "2024-12-31",
    updated: "2025-01-02",
    comment: "12 pages, 3 figures",
  });
});

test("normalizePaper reads JSON arrays in strings and author objects", () => {
  const paper = normalizePaper({ ...BASE, authors: '["A. One", "B. Two"]', categories: '["cs.IR"]' });
  assert.deepEqual(paper.authors, ["A. One", "B. Two"]);
  assert.deepEqual(paper.categories, ["cs.IR"]);
  assert.deepEqual(normalizePaper({ ...BASE, authors: [{ name: "C. Three" }] }).authors, ["C. Three"]);
  // ACM classes with "; " inside one list entry stay one entry, as the arXiv corpus has them
  assert.deepEqual(normalizePaper({ ...BASE, categories: ["cs.CL", "I.2; I.2.7"] }).categories, ["cs.CL", "I.2; I.2.7"]);
});

test("normalizeArxivId strips prefixes and versions of arXiv ids only", () => {
  assert.equal(normalizeArxivId("2503.12855v2"), "2503.12855");
  assert.equal(normalizeArxivId("https://arxiv.org/abs/2503.12855v2"), "2503.12855");
  assert.equal(normalizeArxivId("http://arxiv.org/abs/hep-ex/0307015v1"), "hep-ex/0307015");
  assert.equal(normalizeArxivId("arXiv:cs/9901002"), "cs/9901002");
  assert.equal(normalizeArxivId("acl-2024.long.12v2"), "acl-2024.long.12v2");
});

test("normalizePaper names the field at fault", () => {
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ ...BASE, id: 2503.1285 }, "id", /as a string/],
    [{ ...BASE, id: "" }, "id", /required/],
    [{ ...BASE, title: " \n " }, "title", /required/],
    [{ ...BASE, title: 42 }, "title", /expected a string/],
    [{ ...BASE, date: "18/03/2025" }, "date", /YYYY-MM-DD/],
    [{ ...BASE, date: "2025-02-30" }, "date", /no such day/],
    [{ ...BASE, date: undefined }, "date", /required/],
    [{ ...BASE, authors: [1] }, "authors", /entry 1/],
    [{ ...BASE, categories: "[cs.IR" }, "categories", /not valid JSON/],
  ];
  for (const [raw, field, message] of cases) {
    assert.throws(
      () => normalizePaper(raw, { recordNumber: 7 }),
      (error: unknown) => error instanceof InvalidRecordError && error.field === field && message.test(error.message) && /record 7/.test(error.message),
      `${field}: ${JSON.stringify(raw[field])}`,
    );
  }
  assert.throws(
    () => normalizePaper({ ...BASE, date: "soon" }, { file: "papers.jsonl", line: 12 }),
    (error: unknown) => error instanceof InvalidFileError && error.message === 'papers.jsonl:12: id "2503.12855", field "date": expected a date YYYY-MM-DD (or an ISO 8601 timestamp), got "soon"',
  );
});

test("openPapers creates the papers collection once and reopens it with its records", async () => {
  const dir = mkdtempSync(join(tmpdir(), "radar-papers-"));
  try {
    const first = await openPapers(dir, { quiet: true });
    assert.equal(first.papers.name, PAPERS_COLLECTION);
    const stored = await storePapers(first.papers, [normalizePaper(BASE), normalizePaper({ ...BASE, id: "2503.00001", title: "Sparse retrieval" })]);
    assert.deepEqual(stored, { inserted: 2, updated: 0, unchanged: 0 });
    assert.deepEqual(await storePapers(first.papers, [normalizePaper(BASE)]), { inserted: 0, updated: 0, unchanged: 1 });
    await first.close();

    const again = await openPapers(dir, { quiet: true });
    const result = await again.papers.search("sparse", { filter: "primaryCategory:cs.CV" });
    assert.deepEqual(
      result.hits.map((h) => h.id),
      ["2503.00001"],
    );
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("links must be http(s) URLs: javascript:, data: and other schemes are refused at import, naming the field", () => {
  const base = { id: "2401.00001", title: "t", date: "2024-01-01" };
  assert.deepEqual(normalizePaper({ ...base, links: { abs: " https://arxiv.org/abs/2401.00001 ", pdf: "http://x.org/p.pdf" } }).links, {
    abs: "https://arxiv.org/abs/2401.00001",
    pdf: "http://x.org/p.pdf",
  });
  for (const bad of ["javascript:alert(1)", "JAVASCRIPT:alert(document.cookie)", "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd", "//evil.example", "arxiv.org/abs/1"]) {
    assert.throws(
      () => normalizePaper({ ...base, links: { abs: bad } }, { file: "papers.jsonl", line: 7 }),
      (e: unknown) => e instanceof InvalidFileError && e.line === 7 && /field "links": abs: expected an http:\/\/ or https:\/\/ URL/.test(e.message),
      bad,
    );
  }
  assert.equal(httpUrl("https://example.org/x"), "https://example.org/x");
  assert.equal(httpUrl("javascript:alert(1)"), undefined);
});

test("a stored paper's vector is never part of the paper: storedPaper drops it, samePaper ignores it", () => {
  const paper = normalizePaper({ id: "2401.00001", title: "Dense retrieval", date: "2024-01-01" });
  const stored = { ...paper, embedding: [0.6, 0.8], embedding_encoder: "trove:abc" } as unknown as StoredRecord;
  assert.deepEqual(storedPaper(stored), paper);
  assert.equal("embedding" in stored, true, "the stored record itself is left as it is");
  assert.equal(samePaper(stored, paper), true, "importing the paper again does not rewrite it (and drop its vector)");
  assert.equal(samePaper(stored, { ...paper, title: "Sparse retrieval" }), false);
});
