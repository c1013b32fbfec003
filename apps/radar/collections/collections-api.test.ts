/**
 * Collections, notes, export and library import through the HTTP API of a
 * real server holding the test corpus (test-support/test-radar.ts).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { parse as parseCsv } from "csv-parse/sync";
import { openStore } from "../../../src/store/open-store.js";
import type { RunningServer } from "../../../src/server/start-server.js";
import { PAPERS_COLLECTION, PAPER_SCHEMA } from "../papers.js";
import { startRadarServer } from "../radar-server.js";
import { TEST_PAPERS } from "../test-support/test-radar.js";
import { parseLibrary, toBibtex } from "./library-formats.js";

let dataDir: string;
let server: RunningServer;

interface Res {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  headers: Headers;
}

async function call(method: string, path: string, cookie?: string, body?: unknown): Promise<Res> {
  const headers: Record<string, string> = { origin: server.url };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (cookie) headers.cookie = cookie;
  const response = await fetch(path.startsWith("http") ? path : `${server.url}${path}`, { method, headers, body: body !== undefined ? JSON.stringify(body) : undefined });
  const text = await response.text();
  let parsed: unknown = null;
  if ((response.headers.get("content-type") ?? "").includes("json") && text) parsed = JSON.parse(text);
  return { status: response.status, body: parsed, text, headers: response.headers };
}

async function signUp(email: string): Promise<string> {
  const response = await fetch(`${server.url}/api/auth/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: "correct horse battery" }) });
  assert.equal(response.status, 201);
  return /radar_session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")![0];
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "radar-collections-"));
  const store = await openStore(dataDir);
  await store.createCollection(PAPERS_COLLECTION, PAPER_SCHEMA);
  await store.putRecords(PAPERS_COLLECTION, [...TEST_PAPERS, { ...TEST_PAPERS[4], id: "2607.10099", title: "Dense Retrieval with Hard Negatives Revisited", doi: "10.1145/3000000.3000001" }]);
  await store.close();
  server = await startRadarServer({ port: 0, host: "127.0.0.1", dataDir, radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } } } });
});

after(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("collections", () => {
  test("named, several per paper, private to their owner; a share link reads them without an account until unshared", async () => {
    const alice = await signUp("alice@example.org");
    const bob = await signUp("bob@example.org");
    const dense = await call("POST", "/api/collections", alice, { name: "  Dense   retrieval " });
    assert.equal(dense.status, 201, dense.text);
    assert.equal(dense.body.name, "Dense retrieval");
    assert.equal(dense.body.shared, false);
    assert.equal(dense.body.shareUrl, undefined);
    const reading = (await call("POST", "/api/collections", alice, { name: "To read" })).body;
    assert.equal((await call("POST", "/api/collections", alice, { name: "dense retrieval" })).status, 409, "names are unique per reader");
    assert.equal((await call("POST", "/api/collections", alice, { name: "   " })).status, 400);

    for (const id of [dense.body.id, reading.id]) {
      const added = await call("POST", `/api/collections/${id}/papers`, alice, { paperIds: ["2606.10001"] });
      assert.equal(added.status, 200, added.text);
    }
    await call("POST", `/api/collections/${dense.body.id}/papers`, alice, { paperIds: ["2606.10002", "2606.10001"] });
    assert.equal((await call("POST", `/api/collections/${dense.body.id}/papers`, alice, { paperIds: ["nope"] })).status, 404);

    const list = (await call("GET", "/api/collections", alice)).body.items;
    assert.deepEqual(list.map((c: { name: string }) => c.name), ["To read", "Dense retrieval"]);
    assert.deepEqual(list[1].paperIds, ["2606.10002", "2606.10001"], "newest added first, no duplicates");
    assert.deepEqual(list[0].paperIds, ["2606.10001"], "the same paper in two collections");

    // private: another reader sees neither the list nor the collection
    assert.deepEqual((await call("GET", "/api/collections", bob)).body.items, []);
    assert.equal((await call("GET", `/api/collections/${dense.body.id}`, bob)).status, 404);
    assert.equal((await call("GET", `/api/collections/${dense.body.id}`)).status, 401);

    const shared = await call("PATCH", `/api/collections/${dense.body.id}`, alice, { shared: true });
    assert.equal(shared.body.shared, true);
    const token = decodeURIComponent(new URL(shared.body.shareUrl).pathname.split("/").pop()!);
    const view = await call("GET", `/api/shared/collections/${encodeURIComponent(token)}`);
    assert.equal(view.status, 200, view.text);
    assert.equal(view.body.name, "Dense retrieval");
    assert.deepEqual(view.body.papers.map((p: { paper: { id: string } }) => p.paper.id), ["2606.10002", "2606.10001"]);
    assert.equal((await call("GET", `/api/shared/collections/${encodeURIComponent(token.slice(0, -2) + "xx")}`)).status, 404, "a wrong secret");
    await call("PATCH", `/api/collections/${dense.body.id}`, alice, { shared: false });
    assert.equal((await call("GET", `/api/shared/collections/${encodeURIComponent(token)}`)).status, 404, "unshared: the old link stops working");

    assert.equal((await call("DELETE", `/api/collections/${dense.body.id}/papers/2606.10002`, alice)).body.paperIds.length, 1);
    assert.equal((await call("DELETE", `/api/collections/${reading.id}`, alice)).status, 204);
    assert.equal((await call("GET", `/api/collections/${reading.id}`, alice)).status, 404);
  });

  test("more like this collection, and its RSS feed at a secret address that can be replaced", async () => {
    const reader = await signUp("carol@example.org");
    const c = (await call("POST", "/api/collections", reader, { name: "Retrieval" })).body;
    await call("POST", `/api/collections/${c.id}/papers`, reader, { paperIds: ["2606.10001", "2606.10002"] });
    const recs = await call("GET", `/api/collections/${c.id}/recommendations?limit=3`, reader);
    assert.equal(recs.status, 200, recs.text);
    const ids = recs.body.items.map((p: { id: string }) => p.id);
    assert.ok(!ids.includes("2606.10001") && !ids.includes("2606.10002"), "none of its own papers");
    assert.equal(ids[0], "2607.10099", "the paper sharing the most words with the collection comes first");
    assert.ok(!ids.includes("2605.10006"), "the molecules paper shares no words with it");

    const rss = await call("GET", c.feedUrl);
    assert.equal(rss.status, 200);
    assert.match(rss.headers.get("content-type") ?? "", /application\/rss\+xml/);
    const channel = new XMLParser({ isArray: (n) => n === "item" }).parse(rss.text).rss.channel;
    assert.match(channel.title, /Retrieval/);
    assert.equal(channel.item[0].title, "Dense Retrieval with Hard Negatives Revisited");
    const renewed = (await call("PATCH", `/api/collections/${c.id}`, reader, { renewFeedUrl: true })).body;
    assert.notEqual(renewed.feedUrl, c.feedUrl);
    assert.equal((await call("GET", c.feedUrl)).status, 404, "the old address stops working");
    assert.equal((await call("GET", renewed.feedUrl)).status, 200);
  });

  test("notes; export of a collection and of the saved list as BibTeX and CSV", async () => {
    const reader = await signUp("dan@example.org");
    assert.equal((await call("PUT", "/api/notes/2606.10001", reader, { text: 'Read "section 3", = mining' })).status, 200);
    assert.equal((await call("GET", "/api/notes/2606.10001", reader)).body.text, 'Read "section 3", = mining');
    assert.equal((await call("PUT", "/api/notes/no-such-paper", reader, { text: "x" })).status, 404);
    assert.equal((await call("GET", "/api/notes/2606.10001", await signUp("eve@example.org"))).status, 404, "notes are private");
    for (const id of ["2606.10001", "2607.10099"]) await call("POST", "/api/feedback", reader, { paperId: id, kind: "save" });

    const csv = await call("GET", "/api/saved/export?format=csv", reader);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get("content-disposition") ?? "", /attachment; filename="saved-papers\.csv"/);
    const rows = parseCsv(csv.text, { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(rows.map((r) => r.id), ["2607.10099", "2606.10001"], "newest saved first");
    assert.equal(rows[1].note, 'Read "section 3", = mining', "quotes and commas survive");
    assert.equal(rows[0].doi, "10.1145/3000000.3000001");

    const bib = await call("GET", "/api/saved/export?format=bibtex", reader);
    assert.match(bib.text, /@misc\{lovelace2026hard,/);
    assert.match(bib.text, /eprint\s+= \{2606\.10001\}/);
    assert.match(bib.text, /note\s+= \{Read "section 3", = mining\}/);

    const c = (await call("POST", "/api/collections", reader, { name: "RAG & friends" })).body;
    await call("POST", `/api/collections/${c.id}/papers`, reader, { paperIds: ["2607.10003"] });
    const exported = await call("GET", `/api/collections/${c.id}/export?format=bibtex`, reader);
    assert.match(exported.headers.get("content-disposition") ?? "", /filename="rag-friends\.bib"/);
    assert.match(exported.text, /author\s+= \{Alan Turing and Edsger Dijkstra\}/);
    assert.equal((await call("GET", `/api/collections/${c.id}/export?format=docx`, reader)).status, 400);
  });

  test("importing a library saves the papers it names (seeding the feed) and files them in a collection", async () => {
    const reader = await signUp("fay@example.org");
    const c = (await call("POST", "/api/collections", reader, { name: "Imported" })).body;
    const bibtex = [
      "@article{a, title={Hard negatives}, eprint={2606.10001}, archivePrefix={arXiv}}",
      "@inproceedings{b, title={Revisited}, doi={10.1145/3000000.3000001}}",
      '@misc{c, title="RAG survey", url={https://arxiv.org/abs/2607.10003v2}}',
      "@book{d, title={A book without identifiers}}",
      "@misc{e, journal={arXiv preprint arXiv:2699.00001}}",
    ].join("\n");
    const res = await call("POST", "/api/library/import", reader, { text: bibtex, collectionId: c.id });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.format, "bibtex");
    assert.equal(res.body.found, 3);
    assert.equal(res.body.saved, 3);
    assert.equal(res.body.addedToCollection, 3);
    assert.deepEqual(res.body.missing, [{ source: "entry e (line 5)", reference: "arXiv 2699.00001" }]);
    assert.equal(res.body.skipped[0].source, "entry d (line 4)");
    const saved = (await call("GET", "/api/feedback?kind=save", reader)).body.items.map((f: { item: string }) => f.item).sort();
    assert.deepEqual(saved, ["2606.10001", "2607.10003", "2607.10099"]);

    const again = await call("POST", "/api/library/import", reader, { text: "2606.10001\nhttps://arxiv.org/pdf/2605.10006v1 not-an-id" });
    assert.equal(again.body.format, "list");
    assert.equal(again.body.found, 2);
    assert.equal(again.body.saved, 1, "2606.10001 was saved already");
    assert.deepEqual(again.body.skipped, [{ source: "line 2", reason: "“not-an-id” is not an arXiv id, arXiv URL or DOI" }]);
  });
});

describe("library formats", () => {
  test("BibTeX export reads back through the import parser; special characters are escaped", () => {
    const text = toBibtex([{ paper: { ...TEST_PAPERS[0], title: "50% of {Retrieval} & more_things" } }]);
    assert.match(text, /title\s+= \{\{50\\% of \\\{Retrieval\\\} \\& more\\_things\}\}/);
    assert.deepEqual(parseLibrary(text).references.map((r) => r.reference), [{ kind: "arxiv", id: "2606.10001" }]);
  });
});
