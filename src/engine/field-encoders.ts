/**
 * The encoders of an index's vector fields: each field's own (its schema's
 * `encoder`), unless a caller overrides it. Opens each encoder once and
 * caches it. Embeds the `source` text of records written without a vector, so
 * that the store keeps the vectors (the system of record) and a rebuild does
 * not need the model; and answers a pipeline's "which encoder embeds queries
 * for this field".
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { Encoder, EncoderSpec } from "../encoders/encoder.js";
import { parseEncoderSpec } from "../encoders/encoder-spec.js";
import { openEncoder } from "../encoders/open-encoder.js";
import type { IndexConfig, VectorFieldConfig } from "../segment/index-config.js";

export class FieldEncoders {
  private readonly open = new Map<string, Promise<Encoder>>();
  /** Encoders known for fields whose schema names none (e.g. Trove's own, trained for the field). */
  private readonly known = new Map<string, EncoderSpec>();

  constructor(
    private readonly config: IndexConfig,
    /** Used for every vector field instead of its schema's encoder (e.g. `--encoder`). */
    private readonly override?: EncoderSpec,
  ) {}

  /** Sets the encoder of a field whose schema names none (the schema's own still wins). */
  setFieldEncoder(field: string, spec: EncoderSpec): void {
    this.known.set(field, spec);
  }

  /** Whether writes need embedding: some vector field has source fields and an encoder. */
  get embedsOnWrite(): boolean {
    return this.sourcedFields().length > 0;
  }

  private sourcedFields(): Array<[string, VectorFieldConfig]> {
    return Object.entries(this.config.fields).filter((e): e is [string, VectorFieldConfig] => e[1].type === "vector" && e[1].source !== undefined);
  }

  /** The encoder for `field`: `spec` when given, else the override, else the field's own. */
  encoderFor(field: string, spec?: EncoderSpec): Promise<Encoder> {
    const config = this.config.fields[field];
    if (!config || config.type !== "vector") throw new InvalidArgumentError(`"${field}" is not a vector field of this index`);
    const chosen = spec ?? this.override ?? (config.encoder ? parseEncoderSpec(config.encoder, `vector field "${field}": encoder`) : this.known.get(field));
    if (!chosen) {
      throw new InvalidArgumentError(
        `vector field "${field}" has no encoder to embed query text: give the field an "encoder" in the schema, embed the collection (trove collection embed), pass --encoder, or search with a vector`,
      );
    }
    const key = JSON.stringify(chosen);
    let encoder = this.open.get(key);
    if (!encoder) {
      encoder = openEncoder(chosen).then((e) => {
        if (e.dimensions !== config.dimensions) {
          throw new InvalidArgumentError(`the encoder ${e.id} makes ${e.dimensions}-dimensional vectors; vector field "${field}" holds ${config.dimensions}`);
        }
        return e;
      });
      encoder.catch(() => this.open.delete(key));
      this.open.set(key, encoder);
    }
    return encoder;
  }

  /**
   * Fills each sourced vector field of `records` that lacks a vector with the
   * document embedding of its source text (records without source text keep
   * no vector). Vectors are written as plain number lists (JSON for the store).
   */
  async embedMissing(records: Array<Record<string, unknown>>, signal?: AbortSignal): Promise<void> {
    for (const [field, config] of this.sourcedFields()) {
      const targets: number[] = [];
      const texts: string[] = [];
      records.forEach((record, i) => {
        if (record === null || typeof record !== "object" || (record[field] !== undefined && record[field] !== null)) return;
        const text = config.source!.map((f) => record[f]).filter((v): v is string => typeof v === "string" && v.trim() !== "").join("\n\n");
        if (text === "") return;
        targets.push(i);
        texts.push(text);
      });
      if (texts.length === 0) continue;
      const encoder = await this.encoderFor(field);
      const vectors = await encoder.encode(texts, { kind: "document", signal });
      // nine significant digits give back the same float32 when read, in fewer characters than a double's seventeen
      targets.forEach((i, j) => (records[i][field] = Array.from(vectors[j], (x) => Number(x.toPrecision(9)))));
    }
  }

  async close(): Promise<void> {
    const opened = [...this.open.values()];
    this.open.clear();
    for (const e of opened) await (await e.catch(() => null))?.close();
  }
}
