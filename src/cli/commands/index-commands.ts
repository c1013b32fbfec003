/** `trove index ...` and `trove search`: build, change and query a lexical index directory. */
import type { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InvalidArgumentError, InvalidFileError, InvalidRecordError } from "../../core/errors.js";
import { InterruptSignal } from "../../core/interrupt.js";
import { Progress } from "../../core/progress.js";
import { readJsonLines } from "../../io/lines.js";
import type { StoredRecord } from "../../core/schema.js";
import { SearchIndex } from "../../engine/search-index.js";
import type { Explanation } from "../../lexical/scorer.js";
import { FieldEncoders } from "../../engine/field-encoders.js";
import { encoderSpecFromLocation } from "../../encoders/encoder-location.js";
import { defaultRegistry } from "../../pipeline/default-registry.js";
import { Pipeline } from "../../pipeline/pipeline.js";
import { indexContext } from "../../pipeline/pipeline-target.js";
import { loadPipelineConfig } from "../../pipeline/presets.js";
import { formatTable, parseFieldBoosts, parseNumberOption, printJson } from "../output.js";
import { openStore } from "../../store/open-store.js";
import { textFieldNames } from "../../segment/index-config.js";

function readSchema(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidFileError(path, `schema must be a JSON file: ${(error as Error).message}`);
  }
}

/** Parses "title:text,text:text,category:keyword" into a schema. */
function schemaFromFieldList(list: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const part of list.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [name, type, option] = part.split(":");
    if (!type) throw new InvalidArgumentError(`--fields entries look like name:type[:analyzer], got "${part}"`);
    if (type === "vector") {
      const dimensions = Number(option);
      if (!Number.isInteger(dimensions) || dimensions < 1) throw new InvalidArgumentError(`--fields: a vector field needs its dimensions, e.g. "${name}:vector:384"`);
      fields[name] = { type, dimensions };
    } else fields[name] = type === "text" && option ? { type, analyzer: option } : type === "keyword" ? { type, multi: true } : { type };
  }
  return { fields };
}

export function registerIndexCommands(program: Command): void {
  const index = program.command("index").description("build and maintain a lexical (BM25) index directory");

  index
    .command("create <dir>")
    .description("create an empty index from a schema")
    .option("--schema <file>", "JSON schema: { idField?, fields: { name: { type: text|keyword|number|date, analyzer? } } }")
    .option("--fields <list>", 'inline schema, e.g. "title:text,abstract:text,category:keyword,date:date"')
    .option("--k1 <k1>", "BM25 k1 (default 0.9)")
    .option("--b <b>", "BM25 b (default 0.4)")
    .option("--overwrite", "replace an existing index")
    .action(async (dir: string, opts: { schema?: string; fields?: string; k1?: string; b?: string; overwrite?: boolean }) => {
      if (!opts.schema && !opts.fields) throw new InvalidArgumentError("give --schema <file> or --fields <list>");
      const schema = opts.schema ? readSchema(opts.schema) : schemaFromFieldList(opts.fields!);
      const created = await SearchIndex.create(dir, {
        ...(schema as { fields: Record<string, never> }),
        bm25: { k1: parseNumberOption("k1", opts.k1, { min: 0 }), b: parseNumberOption("b", opts.b, { min: 0, max: 1 }) },
        overwrite: opts.overwrite,
      });
      await created.close();
      process.stdout.write(`created index at ${dir}\n`);
    });

  index
    .command("add <dir> <files...>")
    .description("add or replace documents from JSONL files (.gz accepted); all-or-nothing per run")
    .option("--encoder <location>", "embed records without a vector with this encoder instead of the vector field's own")
    .action(async (dir: string, files: string[], opts: { encoder?: string }) => {
      const idx = await SearchIndex.open(dir);
      const encoders = new FieldEncoders(idx.config, opts.encoder ? encoderSpecFromLocation(opts.encoder) : undefined);
      const interrupt = new InterruptSignal();
      try {
        let total = 0;
        for (const file of files) {
          const progress = new Progress(`indexing ${file}`);
          const batch: Record<string, unknown>[] = [];
          const flushBatch = async () => {
            try {
              await encoders.embedMissing(batch, interrupt.signal);
              idx.addDocuments(batch);
            } catch (error) {
              if (error instanceof InvalidRecordError) {
                const line = (batch[(error.recordNumber ?? 1) - 1] as { __line?: number }).__line;
                throw new InvalidFileError(file, error.message.replace(/^record \d+, /, ""), line);
              }
              throw error;
            }
            total += batch.length;
            batch.length = 0;
            progress.update(total);
          };
          for await (const { record, lineNumber } of readJsonLines(file)) {
            Object.defineProperty(record, "__line", { value: lineNumber, enumerable: false });
            batch.push(record);
            if (batch.length === 2000) {
              await flushBatch();
              interrupt.check("indexing");
            }
          }
          await flushBatch();
          progress.done();
        }
        await idx.commit();
        process.stdout.write(`added ${total} documents; the index holds ${idx.documentCount}\n`);
      } finally {
        interrupt.dispose();
        await encoders.close();
        await idx.close();
      }
    });

  index
    .command("delete <dir> <ids...>")
    .description("delete documents by id")
    .action(async (dir: string, ids: string[]) => {
      const idx = await SearchIndex.open(dir);
      const n = idx.deleteDocuments(ids);
      await idx.commit();
      await idx.close();
      process.stdout.write(`deleted ${n} of ${ids.length} ids\n`);
    });

  index
    .command("merge <dir>")
    .description("merge segments (default: into one)")
    .option("--max-segments <n>", "segments to keep", "1")
    .action(async (dir: string, opts: { maxSegments: string }) => {
      const idx = await SearchIndex.open(dir);
      await idx.merge({ maxSegments: parseNumberOption("max-segments", opts.maxSegments, { integer: true, min: 1 }) });
      process.stdout.write(`${idx.stats().segments} segment(s)\n`);
      await idx.close();
    });

  index
    .command("stats <dir>")
    .description("documents, segments, size on disk and field statistics")
    .action(async (dir: string) => {
      const idx = await SearchIndex.open(dir);
      printJson({ ...idx.stats(), config: idx.config });
      await idx.close();
    });

  program
    .command("search <dir> <query>")
    .description("search an index with the query language (see docs/query-language.md)")
    .option("-k, --k <n>", "hits to show", "10")
    .option("--offset <n>", "hits to skip (pagination)", "0")
    .option("--filter <query>", "non-scoring filter, e.g. 'category:cs.IR AND date:[2024-01-01 TO *]'")
    .option("--facet <field...>", "keyword fields to count over all matches")
    .option("--fields <list>", "fields for unfielded words with boosts, e.g. title=2,abstract=1")
    .option("--plain", "treat the query as plain text (no operators), as BEIR evaluation does")
    .option("--k1 <k1>", "BM25 k1 for this query")
    .option("--b <b>", "BM25 b for this query")
    .option("--explain", "show how each hit's score is computed")
    .option("--sort <field[:order]>", "rank by a number or date field instead of relevance, e.g. date:desc (default order desc)")
    .option("--pipeline <name|file>", "rank with a pipeline: a preset (bm25, dense, hybrid-rrf, hybrid-convex) or a pipeline JSON file (docs/pipelines.md)")
    .option("--encoder <location>", "with --pipeline: the encoder for query text (default: the vector field's own)")
    .option("--item <id>", "with --pipeline: items like this one (its vector and text) instead of, or besides, the query")
    .option("--vector <json>", "with --pipeline: an explicit query vector, a JSON list of numbers")
    .option("--records <file>", "the JSONL (or .gz) the index was built from: the text of each hit (--show), and for pipeline stages that read text (RM3, Rocchio, rerankers)")
    .option("--show <fields>", "stored fields to print beside each hit, comma-separated (default: title, or the first text field); from --records, or from the store of an index under <data>/indexes/<name> (a collection's or Paper Radar's)")
    .option("--json", "print JSON")
    .action(async (dir: string, query: string, opts: Record<string, string | boolean | string[] | undefined>) => {
      if (opts.pipeline) return searchWithPipeline(dir, query, opts);
      for (const flag of ["encoder", "item", "vector"]) if (opts[flag] !== undefined) throw new InvalidArgumentError(`--${flag} needs --pipeline`);
      const idx = await SearchIndex.open(dir);
      try {
        const result = idx.search(query, {
          // exact, as Paper Radar's search page and `trove collection search` count
          exactTotalHits: true,
          k: parseNumberOption("k", opts.k as string, { integer: true, min: 0 }),
          offset: parseNumberOption("offset", opts.offset as string, { integer: true, min: 0 }),
          filter: opts.filter as string | undefined,
          facets: opts.facet as string[] | undefined,
          fields: parseFieldBoosts(opts.fields as string | undefined),
          syntax: opts.plain ? "plain" : "query",
          explain: Boolean(opts.explain),
          sort: parseSortOption(opts.sort as string | undefined),
          bm25: { k1: parseNumberOption("k1", opts.k1 as string, { min: 0 }), b: parseNumberOption("b", opts.b as string, { min: 0, max: 1 }) } as {
            k1: number;
            b: number;
          },
        });
        if (opts.json) {
          printJson(result);
          return;
        }
        process.stdout.write(`${result.totalHits.toLocaleString("en")} hits in ${result.tookMs.toFixed(1)} ms\n`);
        const sortColumn = opts.sort ? [String(opts.sort).split(":")[0]] : [];
        const ids = result.hits.map((h) => h.id);
        const text = textFieldNames(idx.config);
        const show = opts.show ? String(opts.show).split(",").map((f) => f.trim()).filter(Boolean) : text.includes("title") ? ["title"] : text.slice(0, 1);
        const records = show.length && ids.length ? await hitRecords(dir, idx.config.idField, ids, opts.records as string | undefined) : undefined;
        if (opts.show && !records && ids.length) {
          throw new InvalidArgumentError(`--show needs the records: pass --records <file> (the JSONL the index was built from), or search an index under <data>/indexes/<name> that has its store in <data>`);
        }
        const shown = records ? show : [];
        const rows = result.hits.map((h, i) => [
          i + 1 + Number(opts.offset ?? 0),
          h.id,
          h.score,
          ...(opts.sort ? [h.sortValue ?? ""] : []),
          ...shown.map((f) => displayValue(records![i]?.[f])),
        ]);
        process.stdout.write(`${formatTable(["rank", "id", "score", ...sortColumn, ...shown], rows)}\n`);
        for (const hit of result.hits) if (hit.explanation) process.stdout.write(`\n${hit.id}\n${renderExplanation(hit.explanation, "  ")}`);
        for (const [field, counts] of Object.entries(result.facets ?? {})) {
          process.stdout.write(`\n${field}: ${counts.map((c) => `${c.value} (${c.count})`).join(", ")}\n`);
        }
      } finally {
        await idx.close();
      }
    });
}

/**
 * The stored records of the hits of index `dir`: from `recordsFile` (the
 * JSONL the index was built from), or from the store of a collection's index
 * (`<data>/indexes/<name>` with the SQLite store in `<data>`); undefined when
 * neither is at hand.
 */
async function hitRecords(dir: string, idField: string, ids: string[], recordsFile: string | undefined): Promise<Array<StoredRecord | undefined> | undefined> {
  if (recordsFile !== undefined) return (await recordsFrom(recordsFile, idField))(ids);
  const indexDir = resolve(dir);
  const dataDir = dirname(dirname(indexDir));
  if (basename(dirname(indexDir)) !== "indexes" || !existsSync(join(dataDir, "trove.db"))) return undefined;
  const store = await openStore(dataDir);
  try {
    return await store.getRecords(basename(indexDir), ids);
  } catch {
    // not a collection of that store: the index stands alone
    return undefined;
  } finally {
    await store.close();
  }
}

/** A stored value on one table line. */
function displayValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = Array.isArray(value) ? value.join(", ") : typeof value === "object" ? JSON.stringify(value) : String(value);
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/**
 * The records of a JSONL file by id, as a pipeline target's `records`: a bare
 * index keeps no text, and feedback and reranking stages need it.
 */
async function recordsFrom(file: string, idField: string): Promise<(ids: readonly string[]) => Promise<Array<StoredRecord | undefined>>> {
  const byId = new Map<string, StoredRecord>();
  for await (const { record, lineNumber } of readJsonLines(file)) {
    const id = record[idField];
    if (typeof id !== "string" && typeof id !== "number") throw new InvalidFileError(file, `line ${lineNumber}: no "${idField}" field (string or number)`);
    byId.set(String(id), record as StoredRecord);
  }
  return async (ids) => ids.map((id) => byId.get(id));
}

/** `trove search <dir> <query> --pipeline ...`: one request through a pipeline over the index. */
async function searchWithPipeline(dir: string, query: string, opts: Record<string, string | boolean | string[] | undefined>): Promise<void> {
  for (const flag of ["facet", "sort", "fields", "plain", "k1", "b"]) {
    if (opts[flag] !== undefined) throw new InvalidArgumentError(`--${flag} does not apply with --pipeline (set it in the pipeline file)`);
  }
  let vector: number[] | undefined;
  if (opts.vector !== undefined) {
    try {
      vector = JSON.parse(opts.vector as string) as number[];
    } catch {
      throw new InvalidArgumentError(`--vector must be a JSON list of numbers, e.g. [0.1, -0.2, ...]`);
    }
    if (!Array.isArray(vector)) throw new InvalidArgumentError(`--vector must be a JSON list of numbers`);
  }
  const idx = await SearchIndex.open(dir);
  const encoders = new FieldEncoders(idx.config, opts.encoder ? encoderSpecFromLocation(opts.encoder as string) : undefined);
  try {
    const { config, where } = loadPipelineConfig(opts.pipeline as string, idx.config);
    const pipeline = Pipeline.compile(config, defaultRegistry, where);
    const result = await pipeline.run(
      {
        query: query === "" ? undefined : query,
        item: opts.item as string | undefined,
        vector,
        filter: opts.filter as string | undefined,
        k: parseNumberOption("k", opts.k as string, { integer: true, min: 1 }),
        offset: parseNumberOption("offset", opts.offset as string, { integer: true, min: 0 }),
        explain: Boolean(opts.explain),
      },
      indexContext(idx, encoders, opts.records ? await recordsFrom(opts.records as string, idx.config.idField) : undefined),
    );
    if (opts.json) {
      printJson({ pipeline: pipeline.describe(), ...result });
      return;
    }
    process.stdout.write(`${pipeline.name}: ${result.candidates} candidates in ${result.tookMs.toFixed(1)} ms\n`);
    const rows = result.hits.map((h, i) => [i + 1 + Number(opts.offset ?? 0), h.id, h.score]);
    process.stdout.write(`${formatTable(["rank", "id", "score"], rows)}\n`);
    for (const hit of result.hits) {
      if (!hit.explanation) continue;
      process.stdout.write(`\n${hit.id}\n${hit.explanation.map((e) => `  ${e.stage}: ${e.detail}`).join("\n")}\n`);
    }
  } finally {
    await encoders.close();
    await idx.close();
  }
}

/** `--sort date` or `--sort year:asc` -> the search option. */
export function parseSortOption(value: string | undefined): { field: string; order: "asc" | "desc" } | undefined {
  if (value === undefined) return undefined;
  const match = /^([^:\s]+)(?::(asc|desc))?$/.exec(value);
  if (!match) throw new InvalidArgumentError(`--sort must be <field> or <field>:asc|desc, got "${value}"`);
  return { field: match[1], order: (match[2] as "asc" | "desc" | undefined) ?? "desc" };
}

export function renderExplanation(e: Explanation, indent = ""): string {
  let out = `${indent}${e.value.toFixed(6)}  ${e.description}\n`;
  for (const d of e.details ?? []) out += renderExplanation(d, `${indent}  `);
  return out;
}
