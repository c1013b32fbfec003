/**
 * MovieLens rating files: `u.data` (ML-100K: `user<TAB>item<TAB>rating<TAB>timestamp`),
 * `ratings.dat` (ML-1M/10M: `user::item::rating::timestamp`) and `ratings.csv`
 * (ML-latest/20M/25M: a `userId,movieId,rating,timestamp` header, then rows).
 * The separator is detected from the first data line; `.gz` is accepted.
 * Every rating becomes an event of kind "rating" with the rating as value.
 */
import { InvalidFileError } from "../../core/errors.js";
import { readLines } from "../../io/lines.js";
import { InteractionBuilder, type InteractionData, type InteractionDataOptions } from "../interactions.js";
import { truncate } from "./sequence-file.js";

export interface MovieLensOptions extends InteractionDataOptions {
  /** Keep only ratings >= this value (default: keep all). */
  minRating?: number;
}

export async function readMovieLens(path: string, options: MovieLensOptions = {}): Promise<InteractionData> {
  const builder = new InteractionBuilder(options);
  let separator: string | RegExp | undefined;
  for await (const { line, lineNumber } of readLines(path)) {
    if (line.trim() === "") continue;
    if (separator === undefined) {
      if (line.includes("::")) separator = "::";
      else if (line.includes("\t")) separator = "\t";
      else if (line.includes(",")) separator = ",";
      else separator = /\s+/;
      if (separator === "," && /^\s*userId\s*,/i.test(line)) continue; // ratings.csv header
    }
    const fields = line.trim().split(separator);
    if (fields.length !== 4) {
      throw new InvalidFileError(path, `expected 4 fields (user, item, rating, timestamp), got ${fields.length}: ${JSON.stringify(truncate(line))}`, lineNumber);
    }
    const [user, item, ratingText, timeText] = fields;
    if (user === "" || item === "") throw new InvalidFileError(path, "empty user or item id", lineNumber);
    const rating = Number(ratingText);
    if (ratingText.trim() === "" || !Number.isFinite(rating)) {
      throw new InvalidFileError(path, `rating is not a number: ${JSON.stringify(ratingText)}`, lineNumber);
    }
    const timestamp = Number(timeText);
    if (timeText.trim() === "" || !Number.isFinite(timestamp)) {
      throw new InvalidFileError(path, `timestamp is not a number: ${JSON.stringify(timeText)}`, lineNumber);
    }
    if (options.minRating !== undefined && rating < options.minRating) continue;
    builder.add(user, item, "rating", rating, timestamp);
  }
  return builder.build();
}
