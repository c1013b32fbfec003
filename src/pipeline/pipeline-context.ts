/**
 * What a running pipeline may use besides its request: the target index,
 * the encoders that turn query text into vectors for each vector field and,
 * for stages that learn (a learned ranker's `train` block), the judged
 * queries of the host's collection and where trained models are cached.
 */
import type { Encoder, EncoderSpec } from "../encoders/encoder.js";
import type { JudgmentSource } from "./judgments.js";
import type { PipelineTarget } from "./pipeline-target.js";

export interface PipelineContext {
  target: PipelineTarget;
  /**
   * The encoder for vector field `field`: the spec a retriever names, else the
   * field's own (the context decides, e.g. the schema's encoder or Trove's own
   * encoder trained on the corpus). Throws a clear error when there is none.
   */
  encoder(field: string, spec: EncoderSpec | undefined): Promise<Encoder>;
  /** Judged queries stages may learn from (e.g. the BEIR dataset being evaluated). */
  judgments?: JudgmentSource;
  /**
   * Identifies the target's documents and the encoders of its vector fields,
   * so a model trained against it is cached under an honest key (default: the
   * index's fields and document count).
   */
  fingerprint?: string;
  /** Root of trained-model caches (default: $TROVE_CACHE_DIR, else .trove/cache). */
  cacheDir?: string;
}
