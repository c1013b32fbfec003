/**
 * `trove demo` (what `npm start` runs until Paper Radar lands): loads the
 * bundled arXiv sample into a local store, indexes it (once; later runs reuse
 * both), shows a few searches with filters and facets, then reads queries from
 * the terminal when there is one.
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { TroveError } from "../../core/errors.js";
import { Collection } from "../../engine/collection.js";
import { readJsonLines } from "../../io/lines.js";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";

const PAPER_SCHEMA = {
  fields: {
    title: { type: "text" as const, boost: 2 },
    abstract: { type: "text" as const },
    authors: { type: "keyword" as const, multi: true },
    categories: { type: "keyword" as const, multi: true },
    date: { type: "date" as const },
    comment: { type: "text" as const },
  },
};

function bundledSample(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/src/cli/commands -> repository root
  return join(here, "..", "..", "..", "..", "data", "arxiv-sample.jsonl.gz");
}

async function* papers(path: string): AsyncGenerator<Record<string, unknown>> {
  for await (const { record } of readJsonLines(path)) yield record;
}

async function ensureCollection(store: Store, sample: string): Promise<void> {
  const names = (await store.listCollections()).map((c) => c.name);
  if (names.includes("papers")) return;
  await store.createCollection("papers", PAPER_SCHEMA);
  const result = await store.putRecords("papers", papers(sample));
  process.stderr.write(`loaded ${result.inserted} papers from ${sample}\n`);
}

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("search the bundled arXiv sample (what npm start runs)")
    .option("--data <dir>", "where the demo keeps its store and index", ".trove/demo")
    .option("--no-interactive", "only run the example searches")
    .action(async (opts: { data: string; interactive: boolean }) => {
      const sample = bundledSample();
      if (!existsSync(sample)) throw new TroveError("NOT_FOUND", `bundled sample not found at ${sample}`);
      const started = performance.now();
      const store = await openStore(opts.data);
      try {
        await ensureCollection(store, sample);
        const papersCollection = await Collection.open(store, "papers", join(opts.data, "indexes"));
        process.stdout.write(`Trove demo: ${papersCollection.index.documentCount} arXiv papers ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
        const show = async (query: string, filter?: string) => {
          const result = await papersCollection.search(query, { k: 5, filter, facets: ["categories"] });
          process.stdout.write(`\n> ${query}${filter ? `   [filter: ${filter}]` : ""}   (${result.totalHits} matches, ${result.tookMs.toFixed(1)} ms)\n`);
          for (const hit of result.hits) {
            const r = hit.record ?? {};
            process.stdout.write(`  ${hit.score.toFixed(2).padStart(6)}  ${String(r.date ?? "")}  ${String(r.title ?? hit.id).replace(/\s+/g, " ").slice(0, 90)}  [${hit.id}]\n`);
          }
          const facets = result.facets?.categories ?? [];
          if (facets.length) process.stdout.write(`  categories: ${facets.slice(0, 6).map((f) => `${f.value} ${f.count}`).join(", ")}\n`);
        };
        await show("dense retrieval with large language models");
        await show('"query expansion"', "categories:cs.IR AND date:[2026-01-01 TO *]");
        await show("title:recommendation -llm");
        if (opts.interactive && process.stdin.isTTY) {
          const rl = createInterface({ input: process.stdin, output: process.stdout });
          process.stdout.write("\nType a query (field:term, \"phrases\", AND/OR/NOT, date:[2025-01-01 TO *]); empty line to quit.\n");
          for (;;) {
            const line = (await rl.question("search> ")).trim();
            if (!line) break;
            try {
              await show(line);
            } catch (error) {
              if (error instanceof TroveError) process.stdout.write(`  ${error.message}\n`);
              else throw error;
            }
          }
          rl.close();
        }
        await papersCollection.close();
      } finally {
        await store.close();
      }
    });
}
