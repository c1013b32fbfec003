import assert from "node:assert/strict";
import { test } from "node:test";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { NotFoundError } from "../../../src/core/errors.js";
import { ResearchAreas, type AreaPaper } from "./research-areas.js";

const PAPERS = "../shared/datasets/arxiv-cs-cl-ir/papers.jsonl.gz";

async function firstPapers(n: number): Promise<AreaPaper[]> {
  const out: AreaPaper[] = [];
  const lines = createInterface({ input: createReadStream(PAPERS).pipe(createGunzip()) });
  for await (const line of lines) {
    const p = JSON.parse(line) as AreaPaper;
    out.push({ id: p.id, title: p.title, abstract: p.abstract, categories: p.categories, date: p.date });
    if (out.length === n) break;
  }
  lines.close();
  return out;
}

test("research areas: papers get semantic IDs from their text; the trail narrows by shared prefix, and areas group related papers", async () => {
  const papers = await firstPapers(200);
  const areas = await ResearchAreas.fit(papers);
  const again = await ResearchAreas.fit(papers);
  assert.deepEqual(papers.map((p) => areas.idOf(p.id)), papers.map((p) => again.idOf(p.id)), "deterministic for a seed");
  assert.equal(new Set(papers.map((p) => areas.idOf(p.id))).size, 200, "every paper its own ID");

  const id = papers[0].id;
  const trail = areas.trail(id, 4);
  assert.equal(trail.length, 3);
  const own = areas.idOf(id).split("-");
  trail.forEach((step, k) => {
    assert.equal(step.depth, k + 1);
    assert.equal(step.prefix, own.slice(0, k + 1).join("-"));
    if (k > 0) assert.ok(step.size <= trail[k - 1].size, "areas narrow");
    assert.ok(step.papers.length <= Math.min(4, step.size - 1));
    for (const other of step.papers) {
      assert.notEqual(other.id, id);
      assert.equal(areas.idOf(other.id).split("-").slice(0, k + 1).join("-"), step.prefix);
    }
    const dates = step.papers.map((p) => p.date);
    assert.deepEqual(dates, [...dates].sort().reverse(), "newest first");
  });
  assert.ok(trail[0].size > 1 && trail[0].category !== undefined);

  // two papers in the same depth-1 area share their primary category more often than two papers at random
  const primary = new Map(papers.map((p) => [p.id, p.categories[0]]));
  let samePairs = 0;
  let pairs = 0;
  let sameArea = 0;
  let areaPairs = 0;
  for (let i = 0; i < papers.length; i++) {
    for (let j = i + 1; j < papers.length; j++) {
      const same = primary.get(papers[i].id) === primary.get(papers[j].id) ? 1 : 0;
      pairs++;
      samePairs += same;
      if (areas.idOf(papers[i].id).split("-")[0] === areas.idOf(papers[j].id).split("-")[0]) {
        areaPairs++;
        sameArea += same;
      }
    }
  }
  assert.ok(sameArea / areaPairs > samePairs / pairs, `within areas ${(sameArea / areaPairs).toFixed(3)} vs overall ${(samePairs / pairs).toFixed(3)}`);
  assert.throws(() => areas.trail("0000.00000"), NotFoundError);
});
