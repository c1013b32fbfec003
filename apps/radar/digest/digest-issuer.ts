/**
 * Daily or weekly digests (the reader's choice) of the papers that arrived
 * since the reader's last digest, each paper in one digest only.
 *
 * The next digest covers the papers that arrived after the last one was
 * issued; the first covers one period (a day or a week) back from the
 * newest arrival, so a reader who signs up on a quiet day still gets one.
 * `preview` builds it without recording anything; `issue` records it: its
 * time becomes the next one's start and its papers are never shown again.
 */
import type { Digest } from "./digest-types.js";
import type { DigestBuilder } from "./digest-builder.js";
import { CADENCE_MS, type DigestSubscription, type DigestSubscriptions } from "./digest-subscriptions.js";

export interface ArrivalClock {
  /** When the newest paper arrived (ISO), or undefined. */
  newest(): Promise<string | undefined>;
}

export class DigestIssuer {
  constructor(
    readonly subscriptions: DigestSubscriptions,
    private readonly builder: DigestBuilder,
    private readonly arrivals: ArrivalClock,
    private readonly now: () => number = Date.now,
  ) {}

  private async next(readerId: string): Promise<{ digest: Digest; until: string }> {
    const sub = await this.subscriptions.get(readerId);
    const until = new Date(this.now()).toISOString();
    let after = sub.lastIssuedAt;
    if (after === undefined) {
      const newest = (await this.arrivals.newest()) ?? until;
      const end = newest < until ? newest : until;
      after = new Date(Date.parse(end) - CADENCE_MS[sub.cadence]).toISOString();
    }
    const digest = await this.builder.buildSince(readerId, { cadence: sub.cadence, after, until }, new Set(sub.shown));
    return { digest, until };
  }

  /** The reader's next digest, nothing recorded. */
  async preview(readerId: string): Promise<Digest> {
    return (await this.next(readerId)).digest;
  }

  /** The reader's next digest, recorded as issued (for sending it). */
  async issue(readerId: string): Promise<Digest> {
    return (await this.deliver(readerId, async () => true)).digest;
  }

  /**
   * Builds the reader's next digest and hands it to `send`; records it as
   * issued only when `send` answers true (false: not sent, e.g. nothing in
   * it; a throw: not sent, the error goes on), so a digest that did not
   * leave is built again next time, with the same papers and more.
   */
  async deliver(readerId: string, send: (digest: Digest) => Promise<boolean>): Promise<{ digest: Digest; issued: boolean }> {
    const { digest, until } = await this.next(readerId);
    if (!(await send(digest))) return { digest, issued: false };
    await this.subscriptions.issued(
      readerId,
      until,
      digest.items.map((i) => i.paper.id),
    );
    return { digest, issued: true };
  }

  /** Whether a reader's digest is due at `now`: never issued, or a cadence since the last one. */
  isDue(subscription: DigestSubscription): boolean {
    if (subscription.lastIssuedAt === undefined) return true;
    return this.now() - Date.parse(subscription.lastIssuedAt) >= CADENCE_MS[subscription.cadence] - DUE_SLACK_MS;
  }
}

/**
 * How early a digest may go: the mail job runs on a timer, so a daily
 * digest issued at 07:00:30 would otherwise wait a whole extra run when the
 * next run comes at 07:00:10.
 */
const DUE_SLACK_MS = 15 * 60_000;
