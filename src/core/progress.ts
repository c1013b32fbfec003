/**
 * Progress lines for long jobs, on stderr. On a terminal the line is redrawn in
 * place (at most ten times a second); when stderr is a file or a pipe (CI logs,
 * `2> log`), a plain line is written every few seconds instead, so a long job
 * never looks hung. Pass `enabled: false` to silence it.
 */
const LOG_INTERVAL_MS = 5000;

export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private readonly enabled: boolean;
  private readonly redraw: boolean;

  constructor(
    private readonly label: string,
    private readonly total?: number,
    options: { enabled?: boolean; stream?: NodeJS.WritableStream & { isTTY?: boolean }; logIntervalMs?: number } = {},
  ) {
    const stream = options.stream ?? process.stderr;
    this.stream = stream;
    this.enabled = options.enabled ?? true;
    this.redraw = Boolean(stream.isTTY);
    this.logIntervalMs = options.logIntervalMs ?? LOG_INTERVAL_MS;
    // the first plain line comes one interval after the start: short jobs stay quiet
    this.lastDraw = this.redraw ? 0 : this.started;
  }

  private readonly stream: NodeJS.WritableStream;
  private readonly logIntervalMs: number;

  update(done: number, extra = ""): void {
    if (!this.enabled) return;
    const now = performance.now();
    const interval = this.redraw ? 100 : this.logIntervalMs;
    if (now - this.lastDraw < interval && (done !== this.total || !this.redraw)) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const pct = this.total ? ` ${((100 * done) / this.total).toFixed(1)}%` : "";
    const of = this.total ? `/${this.total}` : "";
    const line = `${this.label}: ${done}${of}${pct}  ${rate.toFixed(0)}/s  ${seconds.toFixed(1)}s ${extra}`.trimEnd();
    this.stream.write(this.redraw ? `\r${line}\x1b[K` : `${line}\n`);
  }

  done(message = ""): void {
    if (!this.enabled) return;
    const seconds = (performance.now() - this.started) / 1000;
    // a plain log only reports jobs long enough to have logged a line
    if (!this.redraw && seconds * 1000 < this.logIntervalMs) return;
    const line = `${this.label}: done in ${seconds.toFixed(1)}s ${message}`.trimEnd();
    this.stream.write(this.redraw ? `\r${line}\x1b[K\n` : `${line}\n`);
  }
}
