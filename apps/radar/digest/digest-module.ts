/**
 * Wires the digest into Paper Radar's API: the builder over the services
 * (its papers come from `services.digestSource` when set, read at each
 * request so the feed can be plugged in after start-up, else from the
 * fallback source), the mailer when SMTP is configured, and the routes.
 */
import type { RadarRouter, RadarServices } from "../api/services.js";
import { DigestBuilder } from "./digest-builder.js";
import { DigestMailer } from "./digest-mailer.js";
import { registerDigestRoutes } from "./digest-routes.js";
import { fallbackDigestSource } from "./fallback-source.js";
import type { LlmConfig } from "./llm-writer.js";

/** `RadarApiOptions.digest`: all optional; without them the digest is extractive and cannot be mailed. */
export interface DigestOptions {
  /** SMTP server URL (RADAR_SMTP_URL), e.g. smtp://127.0.0.1:2525. */
  smtpUrl?: string;
  /** Sender address (RADAR_MAIL_FROM); default "Paper Radar <radar@localhost>". */
  mailFrom?: string;
  /** OpenAI-compatible endpoint (RADAR_LLM_URL, RADAR_LLM_MODEL, RADAR_LLM_API_KEY). */
  llm?: LlmConfig;
  /** Epoch ms "now" (tests). */
  now?: () => number;
}

export const DEFAULT_MAIL_FROM = "Paper Radar <radar@localhost>";

export function registerDigest(router: RadarRouter, services: RadarServices, options: DigestOptions = {}): DigestBuilder {
  const fallback = fallbackDigestSource({ search: services.search, topics: services.topics, feedback: services.feedback });
  const builder = new DigestBuilder({
    search: services.search,
    pins: services.pins,
    topics: services.topics,
    source: () => services.digestSource ?? fallback,
    llm: options.llm?.url && options.llm.model ? options.llm : undefined,
    now: options.now,
  });
  const mailer = options.smtpUrl ? new DigestMailer({ smtpUrl: options.smtpUrl, from: options.mailFrom ?? DEFAULT_MAIL_FROM }) : undefined;
  registerDigestRoutes(router, { accounts: services.accounts, builder, mailer });
  return builder;
}
