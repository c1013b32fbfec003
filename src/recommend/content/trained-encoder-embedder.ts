/**
 * Item embeddings from the encoder Trove trains itself (src/encoders/trained:
 * an embedding-bag dual encoder trained contrastively on the collection's own
 * text). `fit` trains it, or reuses the cached model trained on the same item
 * texts and settings, on the items the embedder is fitted on (title ↔ the rest
 * of the item's text: brand, categories, attributes, description); `embed`
 * encodes any item, so new items are embedded without refitting. The model
 * folder's path is saved with the recommender; a model whose folder is gone
 * still serves, but cannot embed new items.
 */
import { existsSync } from "node:fs";
import { InvalidArgumentError } from "../../core/errors.js";
import { ensureTrainedEncoder } from "../../encoders/trained/ensure-trained-encoder.js";
import { readModelFolder } from "../../encoders/trained/model-folder.js";
import { TroveEncoder } from "../../encoders/trained/trove-encoder.js";
import type { EncoderTrainingOverrides } from "../../encoders/trained/train-encoder.js";
import type { ModelArray } from "../model-io.js";
import type { ItemContent } from "./item-content.js";
import { EncoderItemEmbedder, itemText, type ItemEmbedder } from "./item-embedder.js";

export class TrainedEncoderEmbedder implements ItemEmbedder {
  private inner: EncoderItemEmbedder | undefined;
  private path = "";

  /** `config`: training settings that differ from the encoder's defaults (dimensions and seed, when given, win over it). */
  constructor(private readonly options: { cacheDir?: string; dimensions?: number; seed?: number; config?: EncoderTrainingOverrides } = {}) {}

  get id(): string {
    return this.inner ? this.inner.id : "trove-encoder (not trained)";
  }

  get dimensions(): number {
    if (!this.inner) throw new InvalidArgumentError("trained-encoder embedding: fit it before asking its dimensions");
    return this.inner.dimensions;
  }

  async fit(items: readonly (ItemContent | undefined)[]): Promise<void> {
    const documents = items
      .filter((item): item is ItemContent => item !== undefined && itemText(item) !== "")
      .map((item) => ({ id: item.id, title: item.title ?? "", text: itemText({ ...item, title: undefined }) || (item.title ?? "") }));
    if (documents.length === 0) throw new InvalidArgumentError("trained-encoder embedding: no item has text to train on");
    const { path } = await ensureTrainedEncoder(
      { type: "documents", name: "items", documents },
      {
        cacheDir: this.options.cacheDir,
        config: {
          ...this.options.config,
          training: {
            ...this.options.config?.training,
            ...(this.options.dimensions ? { dimensions: this.options.dimensions } : {}),
            ...(this.options.seed !== undefined ? { seed: this.options.seed } : {}),
          },
        },
      },
    );
    this.open(path);
  }

  private open(path: string): void {
    const { config, model } = readModelFolder(path);
    this.inner = new EncoderItemEmbedder(new TroveEncoder(model, config));
    this.path = path;
  }

  async embed(items: readonly (ItemContent | undefined)[]): Promise<Float32Array> {
    if (!this.inner) throw new InvalidArgumentError("trained-encoder embedding: fit it (or restore it) before embedding");
    return this.inner.embed(items);
  }

  exportState(): { kind: string; state: Record<string, unknown>; arrays: Record<string, ModelArray> } {
    return { kind: "trove-encoder", state: { path: this.path, encoder: this.id }, arrays: {} };
  }

  /** The saved embedder, when its model folder still exists. */
  static restore(state: Record<string, unknown>): TrainedEncoderEmbedder | undefined {
    const path = String(state.path ?? "");
    if (!path || !existsSync(path)) return undefined;
    const embedder = new TrainedEncoderEmbedder();
    embedder.open(path);
    return embedder;
  }
}
