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
import { CADENCE_MS, type DigestSubscriptions } from "./digest-subscriptions.js";

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
    const { digest, until } = await this.next(readerId);
    await this.subscriptions.issued(
      readerId,
      until,
      digest.items.map((i) => i.paper.id),
    );
    return digest;
  }
}
