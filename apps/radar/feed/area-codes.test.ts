/**
 * The feed's research-area signal: papers placed by the fitted code books
 * (no refit) land in the areas of papers on their subject, so a reader's
 * saves lift new papers of their subject over new papers of another.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SeededRandom } from "../../../src/core/random.js";
import { ResearchAreas, type AreaPaper } from "../semantic-ids/research-areas.js";
import { areaCodesFor, areaScores, sharedPrefix } from "./area-codes.js";
import { TfidfModel } from "./tfidf.js";

const SUBJECTS = {
  retrieval: { category: "cs.IR", words: ["retrieval", "ranking", "query", "document", "reranker", "bm25", "index", "relevance", "search", "passage"] },
  vision: { category: "cs.CV", words: ["image", "pixel", "segmentation", "convolution", "camera", "detection", "video", "object", "depth", "scene"] },
  speech: { category: "eess.AS", words: ["speech", "acoustic", "speaker", "phoneme", "audio", "waveform", "prosody", "asr", "vocoder", "spectrogram"] },
};

function papers(count: number, first: number, random: SeededRandom): Array<AreaPaper & { subject: string; authors: string[] }> {
  const out = [];
  const subjects = Object.entries(SUBJECTS);
  for (let i = 0; i < count; i++) {
    const [subject, { category, words }] = subjects[i % subjects.length];
    const pick = () => words[Math.floor(random.next() * words.length)];
    const title = `${pick()} ${pick()} ${pick()} methods`;
    const abstract = Array.from({ length: 25 }, pick).join(" ");
    out.push({ id: `p${first + i}`, title, abstract, categories: [category], date: `2026-0${1 + Math.floor((first + i) / 60)}-1${i % 9}`, subject, authors: [] });
  }
  return out;
}

test("papers placed after the fit share areas with the papers of their subject, and the reader's saves lift them", async () => {
  const random = new SeededRandom(7);
  const old = papers(90, 0, random);
  const fresh = papers(30, 90, random);
  const areas = await ResearchAreas.fit(old, { levels: 2 });
  assert.equal(areas.has("p95"), false);
  await areas.add(fresh);
  assert.equal(areas.addedSinceFit, 30);
  assert.deepEqual(areas.codesOf("p95")?.length, 2, "a placed paper has a code per level");

  const all = [...old, ...fresh];
  const model = TfidfModel.build(all);
  const codes = areaCodesFor(model, areas);
  const row = (id: string) => model.rowOf(id);
  // the broadest code tells the subjects apart for placed papers too
  const firstCode = (id: string) => codes.codes[row(id) * codes.levels];
  const bySubject = new Map<string, Set<number>>();
  for (const p of fresh) {
    if (!bySubject.has(p.subject)) bySubject.set(p.subject, new Set());
    bySubject.get(p.subject)!.add(firstCode(p.id));
  }
  for (const [subject, set] of bySubject) {
    for (const [other, otherSet] of bySubject) if (other !== subject) for (const c of set) assert.ok(!otherSet.has(c), `${subject} and ${other} share a broad area`);
  }
  assert.equal(sharedPrefix(codes, row("p0"), row("p0")), 2);

  const saved = old.filter((p) => p.subject === "retrieval").slice(0, 5).map((p) => row(p.id));
  const candidates = Int32Array.from(fresh.map((p) => row(p.id)));
  const scores = areaScores(codes, candidates, saved);
  const mean = (subject: string) => {
    const xs = fresh.flatMap((p, k) => (p.subject === subject ? [scores[k]] : []));
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  assert.ok(mean("retrieval") >= 0.5, `new retrieval papers share at least the broad area: ${mean("retrieval")}`);
  assert.equal(mean("vision"), 0);
  assert.equal(mean("speech"), 0);
});
