/**
 * Progress lines for long jobs: redrawn in place on a terminal (stderr is a
 * TTY), silent otherwise so logs and pipes stay clean.
 */
export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly total?: number,
    options: { enabled?: boolean } = {},
  ) {
    this.enabled = options.enabled ?? Boolean(process.stderr.isTTY);
  }

  update(done: number, extra = ""): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && done !== this.total) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const pct = this.total ? ` ${((100 * done) / this.total).toFixed(1)}%` : "";
    const of = this.total ? `/${this.total}` : "";
    process.stderr.write(`\r${this.label}: ${done}${of}${pct}  ${rate.toFixed(0)}/s  ${seconds.toFixed(1)}s ${extra}\x1b[K`);
  }

  done(message = ""): void {
    if (!this.enabled) return;
    const seconds = (performance.now() - this.started) / 1000;
    process.stderr.write(`\r${this.label}: done in ${seconds.toFixed(1)}s ${message}\x1b[K\n`);
  }
}
