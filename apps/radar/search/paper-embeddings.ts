/**
 * The papers' vectors for semantic search, made in the background so the
 * server starts at once and serves lexical search until they exist:
 *
 * 1. the encoder: the configured model (an ONNX folder or an
 *    OpenAI-compatible endpoint, as an encoder spec), else the encoder Trove
 *    trained earlier for the papers (remembered in the store), else Trove's
 *    own encoder trained now on the papers' titles and abstracts (title ↔
 *    abstract and inverse-cloze pairs, docs/trained-encoder.md; cached under
 *    `<dataDir>/models`, offline, nothing downloaded);
 * 2. every paper without a vector from that encoder is embedded (title and
 *    abstract) and written back to the store (src/engine/collection-embedder.ts),
 *    so the store keeps the vectors and the index gets them through its
 *    change feed;
 * 3. from then on, papers that arrive (the scheduled fetch, an admin import,
 *    another node) are embedded as the store announces them: the changes
 *    since the last pass are read, not the whole collection.
 *
 * `ready` turns true when the encoder is known and the papers have been
 * embedded once (at once on a restart with a remembered encoder); search and
 * "more like this collection" stay lexical until then and say why.
 */
import { join } from "node:path";
import type { StoredRecord } from "../../../src/core/schema.js";
import { Progress } from "../../../src/core/progress.js";
import type { Encoder, EncoderSpec } from "../../../src/encoders/encoder.js";
import type { EncoderTrainingOverrides } from "../../../src/encoders/trained/train-encoder.js";
import type { Collection } from "../../../src/engine/collection.js";
import { embedCollection, embeddingMetaKey, encoderMarkField, rememberedEncoder } from "../../../src/engine/collection-embedder.js";
import { EMBEDDING_FIELD } from "../papers.js";

/** Where the papers' vectors stand, for the API and the web page. */
export interface SemanticStatus {
  /** off: not configured; training: Trove's own encoder is learning; embedding: papers are being embedded; ready; failed. */
  state: "off" | "training" | "embedding" | "ready" | "failed";
  /** Whether searches are hybrid now. */
  ready: boolean;
  /** Papers embedded by this run so far. */
  embedded: number;
  /** The encoder's id (once known). */
  encoder?: string;
  /** For people: what is happening (progress, or the error). */
  message: string;
}

export interface PaperEmbeddingsOptions {
  /** A configured model (encoder spec: onnx folder, http endpoint, trove folder); default: Trove's own, trained on the papers. */
  encoder?: EncoderSpec;
  /** Where Trove's own encoder is trained and cached (default `<dataDir>/models`). */
  cacheDir: string;
  /** Training settings that differ from the defaults (tests use tiny ones). */
  training?: EncoderTrainingOverrides;
  /** Text fields embedded (default title and abstract). */
  source?: string[];
  /** Papers embedded per batch (default 256). */
  batchSize?: number;
  /** Progress lines on stderr (default true). */
  progress?: boolean;
  /** The encoder's dimensions: the papers' vector field is made with them (default 256, Trove's own encoder). */
  dimensions?: number;
}

/** The options of a server whose data directory is `dataDir`. */
export function defaultEmbeddingOptions(dataDir: string, options: Partial<PaperEmbeddingsOptions> = {}): PaperEmbeddingsOptions {
  return { cacheDir: join(dataDir, "models"), ...options };
}

export class PaperEmbeddings {
  readonly field = EMBEDDING_FIELD;
  private status_: SemanticStatus = { state: "training", ready: false, embedded: 0, message: "preparing semantic search" };
  private readonly abort = new AbortController();
  private running: Promise<void> = Promise.resolve();
  private followSeq = 0;
  private unwatch: (() => void) | undefined;
  private followTimer: NodeJS.Timeout | undefined;
  private followAgain = false;
  private following = false;
  private readonly source: string[];

  private constructor(
    private readonly papers: Collection,
    private readonly options: PaperEmbeddingsOptions,
  ) {
    this.source = options.source ?? ["title", "abstract"];
  }

  /** Starts the background work (returns at once); `whenSettled` waits for the first pass. */
  static start(papers: Collection, options: PaperEmbeddingsOptions): PaperEmbeddings {
    const embeddings = new PaperEmbeddings(papers, options);
    embeddings.running = embeddings.firstPass();
    return embeddings;
  }

  status(): SemanticStatus {
    return { ...this.status_ };
  }

  get ready(): boolean {
    return this.status_.ready;
  }

  /** Resolves when the first pass has ended (ready, or failed). */
  async whenSettled(): Promise<SemanticStatus> {
    await this.running;
    return this.status();
  }

  /** The query's vector, or null while the papers' vectors are not ready (or the text has no word the encoder knows). */
  async embedQuery(text: string, signal?: AbortSignal): Promise<ArrayLike<number> | null> {
    if (!this.ready || text.trim() === "") return null;
    const encoder = await this.papers.encoders.encoderFor(this.field);
    const [vector] = await encoder.encode([text], { kind: "query", signal });
    return vector && hasDirection(vector) ? vector : null;
  }

  private set(status: Partial<SemanticStatus>): void {
    this.status_ = { ...this.status_, ...status };
  }

  private async firstPass(): Promise<void> {
    // let the server finish starting first
    await new Promise((resolve) => setImmediate(resolve));
    const { papers, options } = this;
    const signal = this.abort.signal;
    try {
      let spec = options.encoder;
      if (!spec) {
        spec = await rememberedEncoder(papers.store, papers.name, this.field);
        if (spec) {
          // embedded before with this encoder: hybrid at once, the pass below only adds missing papers
          this.set({ ready: true });
        } else {
          spec = await this.train(signal);
          await papers.store.setMeta(embeddingMetaKey(papers.name, this.field), { path: (spec as { path: string }).path, trainedAt: new Date().toISOString() });
        }
      }
      // queries are embedded by the encoder the papers were embedded with
      papers.encoders.setFieldEncoder(this.field, spec);
      this.set({ state: "embedding", message: "embedding the papers" });
      const seqBefore = await papers.store.latestSeq(papers.name);
      const progress = new Progress("embedding papers", await papers.store.countRecords(papers.name), { enabled: options.progress !== false });
      const result = await embedCollection(papers, {
        field: this.field,
        source: this.source,
        encoder: spec,
        batchSize: options.batchSize ?? 256,
        signal,
        onProgress: ({ embedded }) => {
          this.set({ embedded, message: `embedding the papers: ${embedded} done` });
          progress.update(embedded);
        },
      });
      progress.done();
      // papers written during the pass are caught by the follower from where the pass began
      this.followSeq = seqBefore;
      this.set({ state: "ready", ready: true, encoder: result.encoder, embedded: result.embedded, message: `semantic search ready (${result.encoder})` });
      this.unwatch = papers.store.watch((notice) => {
        if (notice.collection === undefined || notice.collection === papers.name) this.followSoon();
      });
      this.followSoon();
    } catch (error) {
      if (signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      this.set({ state: "failed", message: `semantic search unavailable: ${message}` });
      if (options.progress !== false) process.stderr.write(`paper radar: semantic search unavailable: ${message}\n`);
    }
  }

  /** Trains Trove's own encoder on the papers (or finds it in the cache); its spec. */
  private async train(signal: AbortSignal): Promise<EncoderSpec> {
    const { papers, options } = this;
    this.set({ state: "training", message: "training the encoder on the papers" });
    const [titleField, ...bodyFields] = this.source;
    const documents: Array<{ id: string; title?: string; text: string }> = [];
    for await (const { id, record } of papers.store.scanRecords(papers.name)) {
      const title = typeof record[titleField] === "string" ? (record[titleField] as string) : undefined;
      const text = bodyFields.map((f) => record[f]).filter((v): v is string => typeof v === "string" && v.trim() !== "").join("\n\n");
      if (text || title) documents.push({ id, title, text });
    }
    if (documents.length === 0) throw new Error("there are no papers to train the encoder on yet (import some, then restart)");
    let progress: Progress | undefined;
    const { ensureTrainedEncoder } = await import("../../../src/encoders/trained/ensure-trained-encoder.js");
    const model = await ensureTrainedEncoder(
      { type: "documents", name: papers.name, documents },
      {
        cacheDir: options.cacheDir,
        config: options.training,
        signal,
        onProgress: (p) => {
          this.set({ message: `training the encoder on ${documents.length} papers: epoch ${p.epoch} of ${p.epochs}, batch ${p.batch} of ${p.batches}` });
          // batches over all epochs (training may stop early, when validation stops gaining)
          progress ??= new Progress("training the papers' encoder (batches)", p.epochs * p.batches, { enabled: options.progress !== false });
          progress.update((p.epoch - 1) * p.batches + p.batch, `epoch ${p.epoch}/${p.epochs}`);
        },
      },
    );
    progress?.done();
    return { type: "trove", path: model.path };
  }

  private followSoon(): void {
    if (this.abort.signal.aborted) return;
    if (this.following) {
      this.followAgain = true;
      return;
    }
    if (this.followTimer) return;
    this.followTimer = setTimeout(() => {
      this.followTimer = undefined;
      this.running = this.follow();
    }, 250);
    this.followTimer.unref();
  }

  /** Embeds the papers written since the last pass that lack this encoder's vector. */
  private async follow(): Promise<void> {
    this.following = true;
    const { papers } = this;
    try {
      const encoder: Encoder = await papers.encoders.encoderFor(this.field);
      const mark = encoderMarkField(this.field);
      for (;;) {
        const changes = await papers.store.changesSince(papers.name, this.followSeq, 1000);
        if (changes.length === 0) break;
        const pending = changes.filter((c) => c.op === "put" && c.record && !(c.record[mark] === encoder.id && Array.isArray(c.record[this.field])) && this.textOf(c.record) !== "");
        const idField = papers.info.schema.idField;
        const batchSize = this.options.batchSize ?? 256;
        for (let start = 0; start < pending.length; start += batchSize) {
          const batch = pending.slice(start, start + batchSize);
          const vectors = await encoder.encode(
            batch.map((c) => this.textOf(c.record!)),
            { kind: "document", signal: this.abort.signal },
          );
          const updated = batch.map((c, i) => ({ ...c.record, [idField]: c.id, [this.field]: Array.from(vectors[i], (x) => Number(x.toPrecision(9))), [mark]: encoder.id }));
          await papers.put(updated, { signal: this.abort.signal });
          this.set({ embedded: this.status_.embedded + batch.length });
        }
        this.followSeq = changes[changes.length - 1].seq;
      }
    } catch (error) {
      // retried at the next notice; a closed server stops here
      if (!this.abort.signal.aborted) process.stderr.write(`paper radar: embedding new papers failed (retried at the next change): ${error instanceof Error ? error.message : String(error)}\n`);
    } finally {
      this.following = false;
      if (this.followAgain && !this.abort.signal.aborted) {
        this.followAgain = false;
        this.followSoon();
      }
    }
  }

  private textOf(record: StoredRecord): string {
    return this.source
      .map((f) => record[f])
      .filter((v): v is string => typeof v === "string" && v.trim() !== "")
      .join("\n\n");
  }

  /** Stops the background work at its next step and waits for it. */
  async close(): Promise<void> {
    this.abort.abort();
    this.unwatch?.();
    clearTimeout(this.followTimer);
    await this.running.catch(() => undefined);
  }
}

function hasDirection(vector: ArrayLike<number>): boolean {
  for (let i = 0; i < vector.length; i++) if (vector[i] !== 0) return true;
  return false;
}
