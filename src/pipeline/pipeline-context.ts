/**
 * What a running pipeline may use besides its request: the target index and
 * the encoders that turn query text into vectors for each vector field.
 */
import type { Encoder, EncoderSpec } from "../encoders/encoder.js";
import type { PipelineTarget } from "./pipeline-target.js";

export interface PipelineContext {
  target: PipelineTarget;
  /**
   * The encoder for vector field `field`: the spec a retriever names, else the
   * field's own (the context decides, e.g. the schema's encoder or Trove's own
   * encoder trained on the corpus). Throws a clear error when there is none.
   */
  encoder(field: string, spec: EncoderSpec | undefined): Promise<Encoder>;
}
