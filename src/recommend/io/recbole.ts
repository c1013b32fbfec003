/**
 * RecBole atomic interaction files (`.inter`): tab-separated, a header of
 * `name:type` columns (type token, token_seq, float or float_seq), e.g.
 * `user_id:token	item_id:token	rating:float	timestamp:float`.
 * The user, item, rating and time columns default to RecBole's standard names
 * (user_id, item_id, rating, timestamp) and can be renamed. Without a rating
 * column every event has value 1; without a time column input order stands
 * in for time.
 */
import { InvalidFileError } from "../../core/errors.js";
import { readLines } from "../../io/lines.js";
import { InteractionBuilder, type InteractionData, type InteractionDataOptions } from "../interactions.js";

export interface RecBoleOptions extends InteractionDataOptions {
  userField?: string;
  itemField?: string;
  ratingField?: string;
  timeField?: string;
  /** Optional column holding the interaction kind (a token). */
  kindField?: string;
  /** Keep only events whose rating >= this value. */
  minRating?: number;
}

const TYPES = new Set(["token", "token_seq", "float", "float_seq"]);

export async function readRecBoleInter(path: string, options: RecBoleOptions = {}): Promise<InteractionData> {
  const builder = new InteractionBuilder(options);
  let columns: { name: string; type: string }[] | undefined;
  let userCol = -1;
  let itemCol = -1;
  let ratingCol = -1;
  let timeCol = -1;
  let kindCol = -1;
  for await (const { line, lineNumber } of readLines(path)) {
    if (columns === undefined) {
      columns = line.split("\t").map((spec, c) => {
        const colon = spec.lastIndexOf(":");
        const name = colon > 0 ? spec.slice(0, colon).trim() : "";
        const type = colon > 0 ? spec.slice(colon + 1).trim() : "";
        if (!name || !TYPES.has(type)) {
          throw new InvalidFileError(path, `header column ${c + 1} must be "name:type" with type token, token_seq, float or float_seq; got ${JSON.stringify(spec)}`, lineNumber);
        }
        return { name, type };
      });
      const find = (name: string, required: boolean): number => {
        const c = columns!.findIndex((col) => col.name === name);
        if (c < 0 && required) {
          throw new InvalidFileError(path, `header has no "${name}" column (columns: ${columns!.map((col) => col.name).join(", ")})`, lineNumber);
        }
        return c;
      };
      userCol = find(options.userField ?? "user_id", true);
      itemCol = find(options.itemField ?? "item_id", true);
      ratingCol = find(options.ratingField ?? "rating", options.ratingField !== undefined);
      timeCol = find(options.timeField ?? "timestamp", options.timeField !== undefined);
      kindCol = options.kindField !== undefined ? find(options.kindField, true) : -1;
      for (const c of [ratingCol, timeCol]) {
        if (c >= 0 && columns[c].type !== "float") {
          throw new InvalidFileError(path, `column "${columns[c].name}" must have type float, has ${columns[c].type}`, lineNumber);
        }
      }
      continue;
    }
    if (line.trim() === "") continue;
    const fields = line.split("\t");
    if (fields.length !== columns.length) {
      throw new InvalidFileError(path, `expected ${columns.length} tab-separated fields as in the header, got ${fields.length}`, lineNumber);
    }
    const user = fields[userCol];
    const item = fields[itemCol];
    if (user === "" || item === "") throw new InvalidFileError(path, "empty user or item id", lineNumber);
    let value = 1;
    if (ratingCol >= 0) {
      value = Number(fields[ratingCol]);
      if (fields[ratingCol].trim() === "" || !Number.isFinite(value)) {
        throw new InvalidFileError(path, `"${columns[ratingCol].name}" is not a number: ${JSON.stringify(fields[ratingCol])}`, lineNumber);
      }
      if (options.minRating !== undefined && value < options.minRating) continue;
    }
    let timestamp: number | undefined;
    if (timeCol >= 0) {
      timestamp = Number(fields[timeCol]);
      if (fields[timeCol].trim() === "" || !Number.isFinite(timestamp)) {
        throw new InvalidFileError(path, `"${columns[timeCol].name}" is not a number: ${JSON.stringify(fields[timeCol])}`, lineNumber);
      }
    }
    const kind = kindCol >= 0 ? fields[kindCol] : ratingCol >= 0 ? "rating" : "interaction";
    builder.add(user, item, kind, value, timestamp);
  }
  if (columns === undefined) throw new InvalidFileError(path, "empty file: expected a name:type header line");
  return builder.build();
}
