/**
 * A bounded memory of recent answers by key, least recently used dropped
 * first (as Solr's query result cache). Concurrent requests for the same key
 * share one computation; a computation that fails is not remembered. Answers
 * are shared between callers: they must not be mutated.
 */
export class RecentAnswers<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly capacity: number) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const known = this.entries.get(key);
    if (known) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    const answer = compute();
    this.entries.set(key, answer);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    answer.catch(() => {
      if (this.entries.get(key) === answer) this.entries.delete(key);
    });
    return answer;
  }

  get size(): number {
    return this.entries.size;
  }
}
