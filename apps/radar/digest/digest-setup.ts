/**
 * The digest's settings and its parts built from them: the builder over the
 * services (its papers come from `source()`, read at each request so the
 * feed can be plugged in after start-up, else from the fallback source) and
 * the mailer when SMTP is configured. The app's wiring (radar-server.ts)
 * hands both to the digest routes.
 */
import type { Feedback } from "../feedback/feedback.js";
import type { Pins } from "../pins/pins.js";
import type { PaperSearch } from "../search/paper-search.js";
import type { Topics } from "../topics/topics.js";
import { DigestBuilder } from "./digest-builder.js";
import { DigestMailer } from "./digest-mailer.js";
import type { DigestSource } from "./digest-types.js";
import { fallbackDigestSource } from "./fallback-source.js";
import type { LlmConfig } from "./llm-writer.js";

/** `RadarApiOptions.digest`: all optional; without them the digest is extractive and cannot be mailed. */
export interface DigestOptions {
  /** SMTP server URL (RADAR_SMTP_URL), e.g. smtp://127.0.0.1:2525. */
  smtpUrl?: string;
  /** Sender address (RADAR_MAIL_FROM); default "Paper Radar <radar@localhost>". */
  mailFrom?: string;
  /** How often the digest-mail job looks for due digests (RADAR_DIGEST_MAIL_EVERY_MINUTES; default 60). */
  mailEveryMinutes?: number;
  /** OpenAI-compatible endpoint (RADAR_LLM_URL, RADAR_LLM_MODEL, RADAR_LLM_API_KEY). */
  llm?: LlmConfig;
  /** Epoch ms "now" (tests). */
  now?: () => number;
}

export const DEFAULT_MAIL_FROM = "Paper Radar <radar@localhost>";

export interface DigestDeps {
  search: PaperSearch;
  pins: Pins;
  topics: Topics;
  feedback: Feedback;
  /** Where the week's papers come from (the feed); read at each request. Unset: the fallback source. */
  source: () => DigestSource | undefined;
}

/** The digest builder and, when SMTP is configured, the mailer. */
export function createDigest(deps: DigestDeps, options: DigestOptions = {}): { builder: DigestBuilder; mailer?: DigestMailer } {
  const fallback = fallbackDigestSource({ search: deps.search, topics: deps.topics, feedback: deps.feedback });
  const builder = new DigestBuilder({
    search: deps.search,
    pins: deps.pins,
    topics: deps.topics,
    source: () => deps.source() ?? fallback,
    llm: options.llm?.url && options.llm.model ? options.llm : undefined,
    now: options.now,
  });
  const mailer = options.smtpUrl ? new DigestMailer({ smtpUrl: options.smtpUrl, from: options.mailFrom ?? DEFAULT_MAIL_FROM }) : undefined;
  return { builder, mailer };
}
