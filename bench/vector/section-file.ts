/**
 * How the benchmark stores a Trove vector index on disk: one file holding the
 * meta and the sections (a JSON header, then each section 16-byte aligned),
 * read back through a SectionSource that copies each section straight from
 * the file into the reader's WebAssembly memory. The segments store them
 * their own way; this is the smallest container that shows the contract.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { writeFileAtomic } from "../../src/core/atomic-file.js";
import type { AnnIndexMeta, AnnSections, SectionSource } from "../../src/vector/index.js";

interface Header {
  meta: AnnIndexMeta;
  sections: Array<{ name: string; offset: number; byteLength: number }>;
}

const align = (n: number) => (n + 15) & ~15;

/** Writes meta + sections; returns the file size. */
export function writeSectionFile(path: string, meta: AnnIndexMeta, sections: AnnSections): number {
  const entries: Header["sections"] = [];
  let offset = 0;
  for (const [name, data] of sections) {
    entries.push({ name, offset, byteLength: data.byteLength });
    offset = align(offset + data.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ meta, sections: entries } satisfies Header));
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(header.length, 0);
  const start = align(8 + header.length);
  const parts: Uint8Array[] = [prefix, header, new Uint8Array(start - 8 - header.length)];
  let written = 0;
  for (const [, data] of sections) {
    parts.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    parts.push(new Uint8Array(align(data.byteLength) - data.byteLength));
    written += align(data.byteLength);
  }
  writeFileAtomic(path, parts);
  return start + written;
}

/** Opens a file written by writeSectionFile: its meta and a SectionSource reading from it. */
export function openSectionFile(path: string): { meta: AnnIndexMeta; sections: SectionSource; bytes: number; close(): void } {
  const fd = openSync(path, "r");
  const prefix = Buffer.alloc(8);
  readSync(fd, prefix, 0, 8, 0);
  const headerLength = prefix.readUInt32LE(0);
  const headerBytes = Buffer.alloc(headerLength);
  readSync(fd, headerBytes, 0, headerLength, 8);
  const header = JSON.parse(headerBytes.toString("utf8")) as Header;
  const start = align(8 + headerLength);
  const byName = new Map(header.sections.map((s) => [s.name, s]));
  return {
    meta: header.meta,
    bytes: fstatSync(fd).size,
    sections: {
      has: (name) => byName.has(name),
      byteLength: (name) => byName.get(name)!.byteLength,
      readInto: (name, target) => {
        const s = byName.get(name)!;
        let done = 0;
        while (done < s.byteLength) {
          const n = readSync(fd, target, done, Math.min(1 << 30, s.byteLength - done), start + s.offset + done);
          if (n <= 0) throw new Error(`${path}: section ${name} is truncated`);
          done += n;
        }
      },
    },
    close: () => closeSync(fd),
  };
}
