/**
 * Turns texts into token ids with a model folder's tokenizer.json, through
 * Hugging Face's own tokenizers library (npm `tokenizers`: the Rust crate that
 * Python's transformers and sentence-transformers use, as a native addon that
 * ships inside the npm package). So WordPiece (BERT), SentencePiece Unigram
 * (XLM-R, E5-multilingual) and byte-level BPE (Qwen, GPT-style) tokenizers give
 * exactly the reference ids; see docs/DECISIONS.md for the measurements.
 *
 * Ids include the special tokens of the tokenizer's post-processor ([CLS] ...
 * [SEP], <s> ... </s>) and are truncated to `maxLength` counting them. Pairs
 * (a query and a document, for cross-encoders) follow the post-processor's
 * pair template, with its type ids, truncated longest-first as transformers'
 * fast tokenizers do.
 */
import { Tokenizer } from "tokenizers";
import { InvalidFileError } from "../core/errors.js";

export class TextTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly file: string,
    readonly maxLength: number,
    /** Id used to pad a batch to its longest row. */
    readonly padId: number,
  ) {}

  static open(file: string, maxLength: number, padToken?: string): TextTokenizer {
    let tokenizer: Tokenizer;
    try {
      tokenizer = Tokenizer.fromFile(file);
    } catch (error) {
      throw new InvalidFileError(file, `not a valid Hugging Face tokenizer file: ${(error as Error).message}`);
    }
    tokenizer.setTruncation(maxLength);
    tokenizer.disablePadding();
    const padId = (padToken !== undefined ? tokenizer.tokenToId(padToken) : null) ?? padIdFromFile(tokenizer) ?? 0;
    return new TextTokenizer(tokenizer, file, maxLength, padId);
  }

  /** Token ids per text, special tokens included (unless told not to), truncated to maxLength. */
  async encode(texts: readonly string[], options: { addSpecialTokens?: boolean } = {}): Promise<Int32Array[]> {
    if (texts.length === 0) return [];
    const encodings = await this.tokenizer.encodeBatch([...texts], { addSpecialTokens: options.addSpecialTokens ?? true });
    return encodings.map((encoding) => Int32Array.from(encoding.getIds()));
  }

  /** Token ids and type ids per pair (first, second), special tokens included, truncated longest-first to maxLength. */
  async encodePairs(pairs: ReadonlyArray<readonly [string, string]>): Promise<Array<{ ids: Int32Array; typeIds: Int32Array }>> {
    const encodings = await Promise.all(pairs.map(([a, b]) => this.tokenizer.encode(a, b, { addSpecialTokens: true })));
    return encodings.map((encoding) => ({ ids: Int32Array.from(encoding.getIds()), typeIds: Int32Array.from(encoding.getTypeIds()) }));
  }

  /** The id of a token of the vocabulary (added tokens included), or undefined. */
  tokenId(token: string): number | undefined {
    return this.tokenizer.tokenToId(token) ?? undefined;
  }

  /** The token of an id, or undefined. */
  tokenOf(id: number): string | undefined {
    return this.tokenizer.idToToken(id) ?? undefined;
  }

  /** Vocabulary size, added tokens included. */
  get vocabularySize(): number {
    return this.tokenizer.getVocabSize(true);
  }

  /** Vocabulary size of the model's own vocabulary (added tokens left out). */
  get baseVocabularySize(): number {
    return this.tokenizer.getVocabSize(false);
  }
}

function padIdFromFile(tokenizer: Tokenizer): number | null {
  for (const token of ["[PAD]", "<pad>", "<|endoftext|>"]) {
    const id = tokenizer.tokenToId(token);
    if (id !== null && id !== undefined) return id;
  }
  return null;
}
