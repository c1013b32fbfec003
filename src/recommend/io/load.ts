/**
 * One entry point for every interaction format, with detection by file name:
 * `.inter` -> RecBole, `.jsonl` -> JSONL, `.csv`/`.tsv` -> CSV (but
 * `ratings.csv` -> MovieLens), `u.data`/`*.base`/`*.test`/`ratings.dat` ->
 * MovieLens, anything else ending in `.txt` -> S3-Rec sequence file. A
 * trailing `.gz` is ignored for detection and decompressed when reading.
 */
import { basename } from "node:path";
import { InvalidArgumentError } from "../../core/errors.js";
import type { InteractionData, InteractionDataOptions } from "../interactions.js";
import { readMovieLens } from "./movielens.js";
import { readRecBoleInter, type RecBoleOptions } from "./recbole.js";
import { readSequenceFile } from "./sequence-file.js";
import { readInteractionsCsv, readInteractionsJsonl, type ColumnMapping } from "./tabular.js";

export const INTERACTION_FORMATS = ["auto", "sequence", "movielens", "recbole", "jsonl", "csv"] as const;
export type InteractionFormat = (typeof INTERACTION_FORMATS)[number];

export interface LoadInteractionsOptions extends InteractionDataOptions {
  path: string;
  format?: InteractionFormat;
  /** JSONL/CSV: which fields hold user, item, kind, value, timestamp. */
  mapping?: Partial<ColumnMapping>;
  /** CSV delimiter. */
  delimiter?: string;
  /** MovieLens/RecBole: keep only ratings >= this. */
  minRating?: number;
  /** RecBole: column names when they differ from RecBole's defaults. */
  recbole?: Pick<RecBoleOptions, "userField" | "itemField" | "ratingField" | "timeField" | "kindField">;
}

/** The format a path would be read as under "auto". */
export function detectInteractionFormat(path: string): Exclude<InteractionFormat, "auto"> {
  const name = basename(path).toLowerCase().replace(/\.gz$/, "");
  if (name.endsWith(".inter")) return "recbole";
  if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return "jsonl";
  if (name === "ratings.csv" || name === "ratings.dat" || name === "u.data" || /^u[a-z0-9]*\.(base|test)$/.test(name)) return "movielens";
  if (name.endsWith(".csv") || name.endsWith(".tsv")) return "csv";
  if (name.endsWith(".txt")) return "sequence";
  throw new InvalidArgumentError(`cannot tell the interaction format of "${path}" from its name; pass a format (${INTERACTION_FORMATS.slice(1).join(", ")})`);
}

export async function loadInteractions(options: LoadInteractionsOptions): Promise<InteractionData> {
  const format = !options.format || options.format === "auto" ? detectInteractionFormat(options.path) : options.format;
  const common: InteractionDataOptions = options.kindWeights ? { kindWeights: options.kindWeights } : {};
  switch (format) {
    case "sequence":
      return readSequenceFile(options.path, common);
    case "movielens":
      return readMovieLens(options.path, { ...common, minRating: options.minRating });
    case "recbole":
      return readRecBoleInter(options.path, { ...common, ...(options.recbole ?? {}), minRating: options.minRating });
    case "jsonl":
      return readInteractionsJsonl(options.path, { ...common, mapping: options.mapping });
    case "csv":
      return readInteractionsCsv(options.path, { ...common, mapping: options.mapping, delimiter: options.delimiter });
    default:
      throw new InvalidArgumentError(`unknown interaction format "${String(format)}" (expected one of ${INTERACTION_FORMATS.join(", ")})`);
  }
}
