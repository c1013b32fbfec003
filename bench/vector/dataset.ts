/**
 * The vector benchmark's data: seeded clustered vectors (src/vector/synthetic-vectors.ts),
 * the queries (another stream of the same generator), a 10% filter (each vector
 * eligible with probability `selectivity`, independent of its cluster) and the
 * exact top-k of every query with and without the filter (truth.ts, in a child
 * process). Everything is written once under the work directory and reused
 * while the description matches.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SeededRandom } from "../../src/core/random.js";
import { ClusteredVectors, type ClusteredVectorOptions } from "../../src/vector/synthetic-vectors.js";
import { PROJECT_ROOT } from "./engine.js";

export interface DatasetSpec {
  count: number;
  dimensions: number;
  queries: number;
  k: number;
  selectivity: number;
  seed: number;
  generator: ClusteredVectorOptions;
}

export interface Dataset {
  spec: DatasetSpec;
  dir: string;
  dataPath: string;
  queriesPath: string;
  acceptPath: string;
  truthPath: string;
  filteredTruthPath: string;
  acceptCount: number;
}

/** How the generator is described in the output. */
export function describeGenerator(spec: DatasetSpec): string {
  const g = spec.generator;
  return (
    `seeded clustered generator (src/vector/synthetic-vectors.ts, seed ${spec.seed}): ${g.clusters} clusters, each a centre plus a ` +
    `rank-${g.rank} subspace (spread ${g.spread}) plus isotropic noise (${g.noise}), ${spec.dimensions} dimensions; ` +
    `queries from the same generator; cosine; filter: each vector eligible with probability ${spec.selectivity}, independent of its cluster`
  );
}

export function prepareDataset(workDir: string, spec: DatasetSpec, log: (line: string) => void): Dataset {
  const dir = join(workDir, `vectors-${spec.count}x${spec.dimensions}-seed${spec.seed}`);
  mkdirSync(dir, { recursive: true });
  const ds: Dataset = {
    spec,
    dir,
    dataPath: join(dir, "data.f32"),
    queriesPath: join(dir, "queries.f32"),
    acceptPath: join(dir, "accept.u8"),
    truthPath: join(dir, `truth-k${spec.k}.i32`),
    filteredTruthPath: join(dir, `truth-filtered-k${spec.k}.i32`),
    acceptCount: 0,
  };
  const descriptionPath = join(dir, "dataset.json");
  const description = JSON.stringify(spec);
  const ready = existsSync(descriptionPath) && readFileSync(descriptionPath, "utf8") === description && existsSync(ds.filteredTruthPath);
  const accept = new Uint8Array(spec.count);
  const rng = new SeededRandom(spec.seed ^ 0xf11e7);
  for (let i = 0; i < spec.count; i++) ds.acceptCount += accept[i] = rng.next() < spec.selectivity ? 1 : 0;
  if (ready) {
    log(`dataset ${dir}: reused`);
    return ds;
  }
  const gen = new ClusteredVectors({ ...spec.generator, dimensions: spec.dimensions, seed: spec.seed });
  const started = performance.now();
  const fd = openSync(ds.dataPath, "w");
  const chunk = 10000;
  for (let first = 0; first < spec.count; first += chunk) {
    const rows = gen.rows(first, Math.min(chunk, spec.count - first), 0);
    writeSync(fd, new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
    if ((first / chunk) % 20 === 19) log(`generated ${first + chunk}/${spec.count} vectors, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  closeSync(fd);
  const queries = gen.rows(0, spec.queries, 1);
  writeFileSync(ds.queriesPath, new Uint8Array(queries.buffer));
  writeFileSync(ds.acceptPath, accept);
  log(`generated ${spec.count} vectors in ${((performance.now() - started) / 1000).toFixed(0)} s; computing the exact top-${spec.k} of ${spec.queries} queries`);
  const truth = spawnSync(
    process.execPath,
    [join(PROJECT_ROOT, "dist/bench/vector/truth.js"), ds.dataPath, ds.queriesPath, ds.acceptPath, String(spec.count), String(spec.dimensions), String(spec.k), ds.truthPath, ds.filteredTruthPath],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  if (truth.status !== 0) throw new Error(`ground truth failed (exit ${truth.status})`);
  writeFileSync(descriptionPath, description);
  return ds;
}
