/**
 * The manifest names the segments that make up the committed index (and the
 * deletion generation of each). It is the only mutable file: a commit writes
 * new segment files first, then replaces the manifest atomically, so a crash
 * leaves the previous commit readable. Files the manifest does not name are
 * leftovers of an interrupted commit or merge and are removed on open.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CorruptIndexError, NotFoundError } from "../core/errors.js";
import { writeFileAtomic } from "../core/atomic-file.js";
import type { IndexConfig } from "./index-config.js";

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_FORMAT = "trove-lexical-index";
export const MANIFEST_VERSION = 1;

export interface SegmentEntry {
  name: string;
  docCount: number;
  deletedCount: number;
  /** Generation of the live-docs file; 0 = no deletions. */
  delGen: number;
  byteLength: number;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: number;
  generation: number;
  nextSegment: number;
  config: IndexConfig;
  segments: SegmentEntry[];
  /** Free-form data committed with the index, e.g. the store sequence it reflects. */
  userData: Record<string, unknown>;
}

export function segmentFileName(name: string): string {
  return `${name}.trs`;
}

export function liveDocsFileName(name: string, delGen: number): string {
  return `${name}.del${delGen}`;
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new NotFoundError(`no lexical index at ${dir} (missing ${MANIFEST_FILE})`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch (error) {
    throw new CorruptIndexError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (manifest.format !== MANIFEST_FORMAT) throw new CorruptIndexError(`${path} is not a Trove lexical index manifest`);
  if (manifest.formatVersion !== MANIFEST_VERSION) {
    throw new CorruptIndexError(`${path}: index format version ${manifest.formatVersion} is not supported (expected ${MANIFEST_VERSION}); rebuild the index`);
  }
  return manifest;
}

export function writeManifest(dir: string, manifest: Manifest): void {
  writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
}

/**
 * Deletes segment and live-docs files in `dir` that the manifest does not
 * reference and `keep` does not name. Temporary files are removed only when
 * `temporaries` is set (at open, when no write can be in flight).
 */
export function removeUnreferencedFiles(dir: string, manifest: Manifest, keep: ReadonlySet<string> = new Set(), temporaries = false): void {
  const referenced = new Set<string>([MANIFEST_FILE, ...keep]);
  for (const s of manifest.segments) {
    referenced.add(segmentFileName(s.name));
    if (s.delGen > 0) referenced.add(liveDocsFileName(s.name, s.delGen));
  }
  for (const file of readdirSync(dir)) {
    if (referenced.has(file)) continue;
    if (/^seg_\d+\.(trs|del\d+)$/.test(file) || (temporaries && /^\..*\.tmp$/.test(file))) rmSync(join(dir, file), { force: true });
  }
}
