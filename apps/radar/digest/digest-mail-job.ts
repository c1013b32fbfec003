/**
 * The scheduled digest mail: a background job (apps/radar/jobs) that mails
 * each reader who asked for it (`mail` in their digest settings) their daily
 * or weekly digest when it is due. A digest is recorded as issued only once
 * the mail server took it, so one that failed goes out, with the same papers
 * and any newer ones, on a later run; a digest with nothing in it is not sent
 * (and not recorded: the papers that arrive later join the next one).
 *
 * One run handles at most `maxPerRun` due readers (the rest wait for the
 * next run), stops between readers when the server shuts down, and runs on
 * one node at a time (the runner's claim).
 */
import { UnavailableError } from "../../../src/core/errors.js";
import type { Job, JobContext } from "../jobs/job.js";
import type { JobRunner } from "../jobs/job-runner.js";
import type { Digest } from "./digest-types.js";
import type { DigestIssuer } from "./digest-issuer.js";
import type { SentDigest } from "./digest-mailer.js";

export const DIGEST_MAIL_JOB = "digest-mail";

/** What mails a digest (DigestMailer; tests pass their own). */
export interface DigestSender {
  send(digest: Digest, to: string): Promise<SentDigest>;
}

export interface DigestMailResult {
  /** Readers who asked for mail. */
  subscribed: number;
  /** Of those, whose digest was due. */
  due: number;
  sent: number;
  /** Due, but nothing new for them: not sent. */
  empty: number;
  failed: number;
  /** Due readers left for the next run (over maxPerRun). */
  deferred: number;
  /** The first few failures, for admins. */
  errors: string[];
}

export interface DigestMailDeps {
  issuer: DigestIssuer;
  /** Undefined when mail is not configured: the job is off and a run by hand fails saying so. */
  sender: DigestSender | undefined;
  /** The reader's address (undefined: the account is gone). */
  emailOf(readerId: string): Promise<string | undefined>;
  /** Due readers handled per run (default 500). */
  maxPerRun?: number;
}

const SHOWN_ERRORS = 5;
const SETUP = "set RADAR_SMTP_URL (and RADAR_MAIL_FROM) to mail readers their digests";

export class DigestMailJob implements Job<void, DigestMailResult> {
  readonly name = DIGEST_MAIL_JOB;

  constructor(private readonly deps: DigestMailDeps) {}

  async run(_input: void, context: JobContext): Promise<DigestMailResult> {
    const { issuer, sender } = this.deps;
    if (!sender) throw new UnavailableError(`mail is not configured: ${SETUP}`);
    const maxPerRun = this.deps.maxPerRun ?? 500;
    const result: DigestMailResult = { subscribed: 0, due: 0, sent: 0, empty: 0, failed: 0, deferred: 0, errors: [] };
    const due: string[] = [];
    for await (const { readerId, subscription } of issuer.subscriptions.mailed()) {
      result.subscribed++;
      if (issuer.isDue(subscription)) due.push(readerId);
    }
    result.due = due.length;
    result.deferred = Math.max(0, due.length - maxPerRun);
    const batch = due.slice(0, maxPerRun);
    for (const [i, readerId] of batch.entries()) {
      if (context.signal.aborted) break;
      context.progress({ done: i, total: batch.length, message: `${result.sent} sent, ${result.empty} with nothing new, ${result.failed} failed` });
      try {
        const to = await this.deps.emailOf(readerId);
        if (to === undefined) continue;
        const { issued } = await issuer.deliver(readerId, async (digest) => {
          if (digest.items.length === 0) return false;
          await sender.send(digest, to);
          return true;
        });
        if (issued) result.sent++;
        else result.empty++;
      } catch (error) {
        result.failed++;
        if (result.errors.length < SHOWN_ERRORS) result.errors.push(`${readerId}: ${(error as Error).message}`);
      }
    }
    context.progress({ done: batch.length, total: batch.length });
    if (result.failed > 0 && result.sent === 0) {
      // nothing got through: most likely the mail server; the runner tries again sooner
      throw new UnavailableError(`no digest could be mailed (${result.failed} failed; first: ${result.errors[0]})`);
    }
    return result;
  }

  summarize(result: DigestMailResult): string {
    const parts = [`${result.sent} digest${result.sent === 1 ? "" : "s"} mailed`];
    if (result.empty) parts.push(`${result.empty} with nothing new`);
    if (result.failed) parts.push(`${result.failed} failed`);
    if (result.deferred) parts.push(`${result.deferred} left for the next run`);
    return parts.join(", ");
  }
}

/**
 * Registers the digest-mail job with the server's runner and schedules it
 * every `everyMinutes` (default 60), or marks it off, with the reason admins
 * see, when mail is not configured.
 */
export function scheduleDigestMail(jobs: JobRunner, deps: DigestMailDeps, everyMinutes = 60): void {
  jobs.register(new DigestMailJob(deps));
  if (deps.sender) jobs.schedule(DIGEST_MAIL_JOB, { everyMs: everyMinutes * 60_000, input: () => undefined });
  else jobs.setOff(DIGEST_MAIL_JOB, `not configured: ${SETUP}`);
}
