/**
 * Test support: a small BEIR directory cut from the shared SciFact copy, so
 * tests of BEIR pipelines run in seconds on real text and judgments.
 */
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";

/** The shared SciFact copy (../shared/datasets/scifact from the repository root). */
export const SCIFACT = join(process.cwd(), "..", "shared", "datasets", "scifact");

/** A small BEIR directory: the documents judged for the first `testRows` test and `trainRows` train judgments, plus `others` other documents. */
export async function sliceScifact(dir: string, sizes: { testRows?: number; trainRows?: number; others?: number } = {}): Promise<void> {
  const { testRows = 40, trainRows = 120, others: otherCount = 300 } = sizes;
  const qrels = (split: string) => readFileSync(join(SCIFACT, "qrels", `${split}.tsv`), "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
  const test = qrels("test").slice(0, testRows);
  const train = qrels("train").slice(0, trainRows);
  const wanted = new Set([...test, ...train].map((r) => r[1]));
  const queries = new Set([...test, ...train].map((r) => r[0]));
  const docs: string[] = [];
  let others = 0;
  const lines = createInterface({ input: createReadStream(join(SCIFACT, "corpus.jsonl.gz")).pipe(createGunzip()) });
  for await (const line of lines) {
    const id = (JSON.parse(line) as { _id: string })._id;
    if (wanted.has(id) || others++ < otherCount) docs.push(line);
  }
  mkdirSync(join(dir, "qrels"), { recursive: true });
  writeFileSync(join(dir, "corpus.jsonl"), `${docs.join("\n")}\n`);
  writeFileSync(join(dir, "queries.jsonl"), readFileSync(join(SCIFACT, "queries.jsonl"), "utf8").split("\n").filter((l) => l && queries.has((JSON.parse(l) as { _id: string })._id)).join("\n") + "\n");
  for (const [split, rows] of [["test", test], ["train", train]] as const) {
    writeFileSync(join(dir, "qrels", `${split}.tsv`), `query-id\tcorpus-id\tscore\n${rows.map((r) => r.join("\t")).join("\n")}\n`);
  }
}
