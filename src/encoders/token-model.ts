/**
 * An ONNX network over token inputs, run with ONNX Runtime on the CPU: the
 * part that the text encoders, the cross-encoder, the late-interaction model
 * and the SPLADE encoder share. Opening checks that every input is one Trove
 * can feed (input_ids, attention_mask, token_type_ids, position_ids; int64 or
 * int32) and names the file in every error; `run` pads a batch of token rows
 * on the right and feeds only the inputs the network has.
 */
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { InvalidFileError } from "../core/errors.js";

type Ort = typeof import("onnxruntime-node");

const KNOWN_INPUTS = ["input_ids", "attention_mask", "token_type_ids", "position_ids"];

/** One row of a batch: its token ids, optionally their segment (type) ids and which positions attention may see. */
export interface TokenRow {
  ids: Int32Array;
  /** token_type_ids (default all 0). */
  typeIds?: Int32Array;
  /** attention_mask per position (default 1 for every id; padding is always 0). */
  mask?: Uint8Array;
}

export class TokenModel {
  private readonly inputTypes = new Map<string, "int64" | "int32">();

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly file: string,
    exportHint: string,
  ) {
    for (const meta of session.inputMetadata) {
      if (!KNOWN_INPUTS.includes(meta.name)) {
        throw new InvalidFileError(file, `the model needs an input "${meta.name}"; Trove feeds only ${KNOWN_INPUTS.join(", ")} (${exportHint})`);
      }
      const type = meta.isTensor ? meta.type : undefined;
      if (type !== "int64" && type !== "int32") throw new InvalidFileError(file, `input "${meta.name}" has type ${type ?? "non-tensor"}; expected int64 or int32`);
      this.inputTypes.set(meta.name, type);
    }
    if (!this.inputTypes.has("input_ids")) throw new InvalidFileError(file, 'the model has no "input_ids" input');
  }

  /** Opens `file` with `threads` intra-op threads; `exportHint` says how to export a model Trove can feed. */
  static async open(file: string, threads: number, exportHint: string): Promise<TokenModel> {
    const ort: Ort = await import("onnxruntime-node");
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
        logSeverityLevel: 3,
      });
    } catch (error) {
      throw new InvalidFileError(file, `ONNX Runtime cannot load it: ${(error as Error).message}`);
    }
    try {
      return new TokenModel(ort, session, file, exportHint);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  hasInput(name: string): boolean {
    return this.inputTypes.has(name);
  }

  /** The first of `preferred` among the outputs, else the first output. */
  pickOutput(preferred: readonly string[]): string {
    return this.session.outputNames.find((name) => preferred.includes(name)) ?? this.session.outputNames[0];
  }

  /** One inference call over right-padded rows (padded with `padId`); returns the named output. */
  async run(rows: readonly TokenRow[], padId: number, output: string): Promise<Tensor> {
    const batch = rows.length;
    const length = Math.max(1, ...rows.map((r) => r.ids.length));
    const size = batch * length;
    const values: Record<string, Int32Array> = {
      input_ids: new Int32Array(size).fill(padId),
      attention_mask: new Int32Array(size),
      token_type_ids: new Int32Array(size),
      position_ids: new Int32Array(size),
    };
    rows.forEach((row, r) => {
      const at = r * length;
      values.input_ids.set(row.ids, at);
      if (row.typeIds) values.token_type_ids.set(row.typeIds, at);
      for (let t = 0; t < row.ids.length; t++) {
        values.attention_mask[at + t] = row.mask ? row.mask[t] : 1;
        values.position_ids[at + t] = t;
      }
    });
    const feeds: Record<string, Tensor> = {};
    for (const [name, type] of this.inputTypes) {
      const data = type === "int64" ? BigInt64Array.from(values[name], (v) => BigInt(v)) : values[name];
      feeds[name] = new this.ort.Tensor(type, data, [batch, length]);
    }
    const result = await this.session.run(feeds, [output]);
    return result[output];
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
