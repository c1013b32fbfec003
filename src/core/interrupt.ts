/**
 * Safe interruption of long jobs (indexing, training, evaluation): the first
 * Ctrl-C sets a flag that the job checks at a safe point (between batches),
 * so it can stop without leaving half-written state; a second Ctrl-C exits
 * at once.
 */
import { InterruptedError } from "./errors.js";

export class InterruptSignal {
  private requested = false;
  private readonly controller = new AbortController();
  private readonly handler = () => {
    if (this.requested) process.exit(130);
    this.requested = true;
    this.controller.abort();
    process.stderr.write("\ninterrupt: stopping at the next safe point (Ctrl-C again to quit now)\n");
  };

  constructor() {
    process.on("SIGINT", this.handler);
  }

  /** Aborted at the first Ctrl-C, for APIs that take an AbortSignal. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get interrupted(): boolean {
    return this.requested;
  }

  /** Throws InterruptedError if an interrupt was requested. */
  check(what: string): void {
    if (this.requested) throw new InterruptedError(`${what} interrupted; nothing was committed, the previous state is intact`);
  }

  dispose(): void {
    process.off("SIGINT", this.handler);
  }
}
