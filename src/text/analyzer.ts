/**
 * An analyzer turns a field's text into the terms that the index stores and
 * the query side looks up. It reports each term with its position, so that
 * phrase queries can match and removed stop words leave a gap (as in Lucene,
 * where StopFilter increments the next token's position).
 */
export interface TermSink {
  (term: string, position: number): void;
}

export interface Analyzer {
  /** Registry name, e.g. "english", "german", "cjk". Stored in index manifests. */
  readonly name: string;
  /**
   * Calls `sink` once per produced term, in order. Positions start at 0 and
   * increase by one per token the tokenizer saw (stop words included), so a
   * removed stop word leaves a gap. Returns the number of positions used.
   */
  analyze(text: string, sink: TermSink): number;
}

/** Convenience: the terms of a text as an array (tests, query parsing). */
export function analyzeToTerms(analyzer: Analyzer, text: string): string[] {
  const out: string[] = [];
  analyzer.analyze(text, (term) => {
    out.push(term);
  });
  return out;
}
