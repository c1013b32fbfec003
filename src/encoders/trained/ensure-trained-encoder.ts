/**
 * "Train on first use, reuse after": the model for a training source lives
 * in a cache folder named by a fingerprint of the training data and the
 * training configuration, so unchanged data and settings reuse it and any
 * change trains a new one. The folder is written under a temporary name and
 * renamed into place, so an interrupted or failed training leaves nothing
 * that looks like a model (and temporary folders of processes that died are
 * removed by the next call).
 *
 * Cache root: `options.cacheDir`, else $TROVE_CACHE_DIR, else `.trove/cache`
 * in the working directory; models go in `<root>/encoders/<name>-<key>`.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { syncDirectory } from "../../core/atomic-file.js";
import { isRunning } from "../../core/dir-lock.js";
import { MODEL_FORMAT_VERSION, writeModelFolder } from "./model-folder.js";
import { loadTrainingData, fingerprintData, type TrainingSource } from "./training-data.js";
import { fingerprintConfig, trainEncoder, trainingConfig, type EncoderTrainingOverrides, type TrainEncoderOptions } from "./train-encoder.js";

export interface EnsureTrainedEncoderOptions extends TrainEncoderOptions {
  /** Cache root (default: $TROVE_CACHE_DIR, else .trove/cache). */
  cacheDir?: string;
  /** Feature and training settings that differ from the defaults (part of the cache key). */
  config?: EncoderTrainingOverrides;
}

export function encoderCacheRoot(cacheDir?: string): string {
  return resolve(cacheDir ?? process.env.TROVE_CACHE_DIR ?? join(".trove", "cache"));
}

export async function ensureTrainedEncoder(source: TrainingSource, options: EnsureTrainedEncoderOptions = {}): Promise<{ path: string; trained: boolean }> {
  const data = await loadTrainingData(source);
  const config = trainingConfig(options.config);
  const key = createHash("sha256")
    .update(`${MODEL_FORMAT_VERSION}\u0000${fingerprintData(data)}\u0000${fingerprintConfig(config)}`)
    .digest("hex")
    .slice(0, 16);
  const dir = join(encoderCacheRoot(options.cacheDir), "encoders");
  const name = data.name.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 64) || "encoder";
  const path = join(dir, `${name}-${key}`);
  if (existsSync(join(path, "config.json"))) return { path, trained: false };
  mkdirSync(dir, { recursive: true });
  removeAbandonedTemporaries(dir);
  const result = await trainEncoder(data, config, options);
  const tmp = join(dir, `.tmp-${name}-${key}-${process.pid}-${Date.now()}`);
  try {
    writeModelFolder(tmp, result);
    if (existsSync(join(path, "config.json"))) {
      // another process finished the same model first: keep theirs
      rmSync(tmp, { recursive: true, force: true });
      return { path, trained: false };
    }
    rmSync(path, { recursive: true, force: true });
    renameSync(tmp, path);
    syncDirectory(dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return { path, trained: true };
}

/** Temporary folders `.tmp-*-<pid>-<time>` whose process no longer runs. */
function removeAbandonedTemporaries(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const match = /^\.tmp-.*-(\d+)-\d+$/.exec(entry);
    if (match && !isRunning(Number(match[1]))) rmSync(join(dir, entry), { recursive: true, force: true });
  }
}
