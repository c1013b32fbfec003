/**
 * Where the recommendation commands read their data: an interaction file
 * (--dataset, --format) or a Trove store (--data, --collection), and item
 * content files (--items) for content models.
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { InvalidArgumentError, NotFoundError } from "../../core/errors.js";
import { DEFAULT_INTERACTIONS_COLLECTION, InteractionStore } from "../../recommend/interaction-store.js";
import type { InteractionData } from "../../recommend/interactions.js";
import { loadInteractions, type InteractionFormat } from "../../recommend/io/load.js";
import { openStore } from "../../store/open-store.js";
import { parseNumberOption } from "../output.js";

export type Opts = Record<string, string | boolean | string[] | undefined>;

const FORMATS: Record<string, InteractionFormat> = {
  s3rec: "sequence", sequence: "sequence", movielens: "movielens", recbole: "recbole", jsonl: "jsonl", csv: "csv", auto: "auto",
};

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function addFileOptions(command: Command): Command {
  return command
    .option("--format <name>", "s3rec, movielens, recbole, jsonl, csv or auto (from the file name)", "auto")
    .option("--min-rating <x>", "MovieLens/RecBole: keep only ratings >= x");
}

export function addDatasetOptions(command: Command): Command {
  return addFileOptions(
    command
      .option("--items <files>", "item content for content models (generative/tiger, content-knn, sasrec-sid): JSONL, CSV or RecBole .item files, comma-separated or repeated, merged by item id", collect, [])
      .option("--dataset <path>", "interaction file (S3-Rec sequence file, MovieLens u.data/ratings.dat, RecBole .inter, JSONL, CSV; .gz ok)")
      .option("--data <dir>", "or: read the interactions stored in this Trove data directory (see `trove rec import`)")
      .option("--collection <name>", "with --data: the interactions collection", DEFAULT_INTERACTIONS_COLLECTION),
  );
}

/** Reads the interactions a command names: a file (--dataset) or a store's collection (--data). */
export async function loadSource(opts: Opts): Promise<{ label: string; data: InteractionData }> {
  if ((opts.dataset === undefined) === (opts.data === undefined)) {
    throw new InvalidArgumentError("give the interactions either as a file (--dataset <path>) or from a store (--data <dir>), not both");
  }
  if (opts.dataset !== undefined) {
    const path = String(opts.dataset);
    const data = await loadInteractions({ path, format: parseFormat(String(opts.format)), minRating: parseNumberOption("min-rating", opts.minRating as string | undefined) });
    return { label: path, data };
  }
  const dir = String(opts.data);
  if (!existsSync(dir)) throw new NotFoundError(`no Trove data directory at ${dir} (import interactions first: trove rec import <file> --data ${dir})`);
  const store = await openStore(dir);
  try {
    const interactions = await InteractionStore.open(store, String(opts.collection));
    const data = await interactions.load();
    if (data.length === 0) throw new NotFoundError(`the collection "${interactions.collection}" in ${dir} holds no interactions`);
    return { label: `${dir} (collection ${interactions.collection})`, data };
  } finally {
    await store.close();
  }
}

/** The item content files named by --items (comma-separated and/or repeated). */
export function itemFiles(opts: Opts): string[] {
  return ((opts.items as string[] | undefined) ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
}

export function parseFormat(value: string): InteractionFormat {
  const format = FORMATS[value.toLowerCase()];
  if (!format) throw new InvalidArgumentError(`--format must be one of ${Object.keys(FORMATS).join(", ")}, got "${value}"`);
  return format;
}

