/**
 * S3-Rec / ICLRec sequence files: one user per line, `user item item ...`
 * separated by spaces, items in time order (e.g. Amazon Beauty's Beauty.txt).
 * The files carry no times, so increasing timestamps are synthesized: a
 * counter over the whole file (the k-th item token read gets timestamp k).
 * Within a user that is the sequence order; across users it means nothing,
 * so global temporal splits are not meaningful on these files.
 */
import { InvalidFileError } from "../../core/errors.js";
import { readLines } from "../../io/lines.js";
import { InteractionBuilder, type InteractionData, type InteractionDataOptions } from "../interactions.js";

export interface SequenceFileOptions extends InteractionDataOptions {
  /** Kind recorded for every event (default "interaction"). */
  kind?: string;
}

export async function readSequenceFile(path: string, options: SequenceFileOptions = {}): Promise<InteractionData> {
  const builder = new InteractionBuilder(options);
  const kind = options.kind ?? "interaction";
  const users = new Set<string>();
  let clock = 0;
  for await (const { line, lineNumber } of readLines(path)) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    const tokens = trimmed.split(/\s+/);
    if (tokens.length < 2) {
      throw new InvalidFileError(path, `expected "user item [item ...]" separated by spaces, got ${JSON.stringify(truncate(trimmed))}`, lineNumber);
    }
    const user = tokens[0];
    if (users.has(user)) throw new InvalidFileError(path, `user "${user}" appears on more than one line`, lineNumber);
    users.add(user);
    for (let t = 1; t < tokens.length; t++) builder.add(user, tokens[t], kind, 1, clock++);
  }
  return builder.build();
}

export function truncate(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max)}...`;
}
