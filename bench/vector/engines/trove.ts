/**
 * Trove's vector index as a benchmark engine: built from the float file
 * (read straight into the builder's WebAssembly memory), persisted as one
 * section file beside the floats, served by AnnIndexReader. Quantized
 * variants keep the floats on disk and read the rescoring pool from the file.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { AnnIndexReader, buildAnnIndex, floatVectorsFromFile, type BuiltAnnIndex, type FileFloatVectorSource, type VectorQuantization } from "../../../src/vector/index.js";
import type { VectorBenchSpec, VectorEngine } from "../engine.js";
import { openSectionFile, writeSectionFile } from "../section-file.js";

export function troveEngine(quantization: VectorQuantization): VectorEngine {
  let built: BuiltAnnIndex | null = null;
  let reader: AnnIndexReader | null = null;
  let floats: FileFloatVectorSource | null = null;
  let last = { visited: 0, exact: false };
  const indexPath = (spec: VectorBenchSpec) => join(spec.indexDir, "trove-vectors.idx");
  const open = (spec: VectorBenchSpec, meta: BuiltAnnIndex["meta"], sections: Parameters<typeof AnnIndexReader.open>[1]) => {
    floats = floatVectorsFromFile(spec.dataPath, spec.dimensions, { count: spec.count });
    reader = AnnIndexReader.open(meta, sections, floats);
  };
  const rescore = quantization === "none" ? "" : `, rescoring ${quantization === "int8" ? 3 : 10} x k with floats read from disk`;
  return {
    version: "trove 0.1.0",
    setup: `HNSW M=16 (level 0: 32), ${quantization === "none" ? "float32" : quantization} vectors${rescore}; WebAssembly SIMD kernel`,
    filterHow: "in search (ineligible nodes traversed, not returned; exact scan when cheaper)",
    async build(spec) {
      const source = floatVectorsFromFile(spec.dataPath, spec.dimensions, { count: spec.count });
      let lastLine = performance.now();
      built = await buildAnnIndex(source, spec.count, { metric: spec.metric, dimensions: spec.dimensions, m: spec.m, efConstruction: spec.efConstruction, quantization, seed: spec.seed }, {
        onProgress: (done, total) => {
          if (performance.now() - lastLine > 10000) {
            lastLine = performance.now();
            process.stderr.write(`trove-${quantization === "none" ? "float" : quantization}: ${done}/${total} inserted\n`);
          }
        },
      });
      source.close();
    },
    async persist(spec) {
      const bytes = writeSectionFile(indexPath(spec), built!.meta, built!.sections);
      const floatBytes = statSync(spec.dataPath).size;
      return { bytes: bytes + spec.count * spec.dimensions * 4, how: `graph/codes file ${(bytes / 2 ** 20).toFixed(0)} MB + float32 vectors ${((spec.count * spec.dimensions * 4) / 2 ** 20).toFixed(0)} MB (of a ${(floatBytes / 2 ** 20).toFixed(0)} MB file)` };
    },
    async open(spec) {
      const file = openSectionFile(indexPath(spec));
      open(spec, file.meta, file.sections);
      file.close();
      built = null;
    },
    memoryBytes: () => reader?.memoryBytes ?? null,
    search(query, k, ef) {
      const r = reader!.search(query, k, { efSearch: ef });
      last = { visited: r.visited, exact: r.exact };
      return r.ords;
    },
    searchFiltered(query, k, ef, accept, acceptCount) {
      const r = reader!.search(query, k, { efSearch: ef, accept, acceptCount });
      last = { visited: r.visited, exact: r.exact };
      return r.ords;
    },
    lastStats: () => last,
  };
}
