/**
 * Where an uploaded papers file waits for its import job. The import runs
 * in the background, and with several nodes on one PostgreSQL store the node
 * that finishes it may not be the node that received the upload (the first
 * died mid-import and another took the run over), so the upload must be
 * readable by every node:
 * - `DirectoryUploads`: a file under the data directory (one node: the
 *   embedded SQLite store);
 * - `StoreUploads`: the file's bytes in the store, collection `radar_uploads`,
 *   in parts of 1 MiB written in one all-or-nothing write (a header record
 *   names the parts); a node about to import copies them to a local file.
 * The job's input carries an `UploadRef` (JSON), never a node's local path
 * unless the upload lives on that node only.
 */
import { createWriteStream, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { StoredRecord } from "../../../src/core/schema.js";
import { NotFoundError } from "../../../src/core/errors.js";
import { ensureCollection } from "../../../src/store/ensure-collection.js";
import type { Store } from "../../../src/store/store.js";
import { newId } from "../accounts/tokens.js";

/** An upload, as the import job's input names it. */
export type UploadRef = { file: string } | { stored: string };

/** A local copy of an upload for the importer; `close` removes it if it is a copy. */
export interface LocalUpload {
  path: string;
  close(): Promise<void>;
}

export interface UploadStash {
  /** Saves an upload (streamed; gzip is detected from the content); `name` is already a safe base name. */
  save(body: Readable, name: string): Promise<UploadRef>;
  /** A local file with the upload's bytes, named `name` (plus ".gz" when gzipped). */
  open(ref: UploadRef, signal?: AbortSignal): Promise<LocalUpload>;
  /** Removes the upload (idempotent). */
  remove(ref: UploadRef): Promise<void>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

function isGzip(head: Buffer | undefined): boolean {
  return head !== undefined && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/** `name` with ".gz" added or removed to match the content, so the importer reads it right. */
function nameFor(name: string, gzip: boolean): string {
  if (gzip === name.endsWith(".gz")) return name;
  return gzip ? `${name}.gz` : name.replace(/\.gz$/, "");
}

/** Uploads as files under one directory (a node's data directory). */
export class DirectoryUploads implements UploadStash {
  constructor(private readonly dir: string) {}

  async save(body: Readable, name: string): Promise<UploadRef> {
    mkdirSync(this.dir, { recursive: true });
    const folder = mkdtempSync(join(this.dir, "import-"));
    const path = join(folder, name);
    try {
      let head: Buffer | undefined;
      const sniff = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          head ??= Buffer.from(chunk.subarray(0, 2));
          done(null, chunk);
        },
      });
      await pipeline(body, sniff, createWriteStream(path));
      const renamed = join(folder, nameFor(name, isGzip(head)));
      if (renamed !== path) renameSync(path, renamed);
      return { file: renamed };
    } catch (error) {
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
  }

  async open(ref: UploadRef): Promise<LocalUpload> {
    if (!("file" in ref)) throw new NotFoundError("this upload is kept in the store, not in a directory");
    return { path: ref.file, close: async () => undefined };
  }

  async remove(ref: UploadRef): Promise<void> {
    if ("file" in ref) rmSync(join(ref.file, ".."), { recursive: true, force: true });
  }
}

export const UPLOADS_COLLECTION = "radar_uploads";
const PART_BYTES = 1024 * 1024;

interface UploadHeader {
  id: string;
  upload: string;
  part: number;
  parts: number;
  bytes: number;
  gzip: boolean;
  name: string;
}

/** Uploads kept in the store, readable by every node sharing it. */
export class StoreUploads implements UploadStash {
  private constructor(
    private readonly store: Store,
    /** Where local copies are made for the importer. */
    private readonly localDir: string,
  ) {}

  static async open(store: Store, localDir: string): Promise<StoreUploads> {
    await ensureCollection(store, UPLOADS_COLLECTION, { fields: { upload: { type: "keyword", required: true }, part: { type: "number", required: true } } });
    // copies left by a run this node did not finish (it was killed): the upload itself is in the store
    rmSync(localDir, { recursive: true, force: true });
    return new StoreUploads(store, localDir);
  }

  async save(body: Readable, name: string): Promise<UploadRef> {
    const upload = newId(12);
    let bytes = 0;
    let gzip = false;
    async function* records(): AsyncGenerator<StoredRecord> {
      let part = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = (): StoredRecord => {
        const data = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        return { id: `${upload}.${part}`, upload, part: part++, data: data.toString("base64") };
      };
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (bytes === 0) gzip = isGzip(chunk);
        bytes += chunk.length;
        let rest: Buffer = chunk;
        while (pendingBytes + rest.length >= PART_BYTES) {
          const take = PART_BYTES - pendingBytes;
          pending.push(rest.subarray(0, take));
          pendingBytes += take;
          rest = rest.subarray(take);
          yield flush();
        }
        if (rest.length > 0) {
          pending.push(rest);
          pendingBytes += rest.length;
        }
      }
      if (pendingBytes > 0) yield flush();
      const header: UploadHeader = { id: upload, upload, part: -1, parts: part, bytes, gzip, name };
      yield header as unknown as StoredRecord;
    }
    // one write: the upload is stored whole or not at all; a few parts per batch bound the memory
    await this.store.putRecords(UPLOADS_COLLECTION, records(), { batchSize: 4 });
    return { stored: upload };
  }

  async open(ref: UploadRef, signal?: AbortSignal): Promise<LocalUpload> {
    if (!("stored" in ref)) throw new NotFoundError("this upload was saved on one node's disk, not in the store");
    const header = (await this.store.getRecord(UPLOADS_COLLECTION, ref.stored)) as unknown as UploadHeader | undefined;
    if (!header) throw new NotFoundError(`upload ${ref.stored} is no longer in the store`);
    mkdirSync(this.localDir, { recursive: true });
    const folder = mkdtempSync(join(this.localDir, "import-"));
    const path = join(folder, nameFor(header.name, header.gzip));
    const close = async () => rmSync(folder, { recursive: true, force: true });
    try {
      const file = await open(path, "w", 0o600);
      try {
        for (let part = 0; part < header.parts; part++) {
          signal?.throwIfAborted();
          const record = await this.store.getRecord(UPLOADS_COLLECTION, `${ref.stored}.${part}`);
          if (!record) throw new NotFoundError(`upload ${ref.stored} lost its part ${part}`);
          await file.write(Buffer.from(record.data as string, "base64"));
        }
      } finally {
        await file.close();
      }
      return { path, close };
    } catch (error) {
      await close();
      throw error;
    }
  }

  async remove(ref: UploadRef): Promise<void> {
    if (!("stored" in ref)) return;
    const header = (await this.store.getRecord(UPLOADS_COLLECTION, ref.stored)) as unknown as UploadHeader | undefined;
    if (!header) return;
    await this.store.deleteRecords(UPLOADS_COLLECTION, [...Array.from({ length: header.parts }, (_, part) => `${ref.stored}.${part}`), ref.stored]);
  }
}
