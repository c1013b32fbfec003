/**
 * Sends a digest by email over SMTP with nodemailer: one multipart/alternative
 * message holding the Markdown text (text/plain) and the HTML page
 * (text/html). Configured by an SMTP URL (the CLI reads RADAR_SMTP_URL,
 * e.g. smtp://user:pass@mail.example.org:587 or smtp://127.0.0.1:2525;
 * smtps:// for implicit TLS) and a sender (RADAR_MAIL_FROM).
 */
import nodemailer from "nodemailer";
import type { Digest } from "./digest-types.js";
import { renderDigestHtml } from "./render-html.js";
import { renderDigestMarkdown } from "./render-markdown.js";
import { digestTitle } from "./render-common.js";

export interface MailConfig {
  smtpUrl: string;
  /** The From address, e.g. "Paper Radar <radar@example.org>". */
  from: string;
  /** Connection and greeting timeouts in ms (default 10,000). */
  timeoutMs?: number;
}

export interface SentDigest {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export function digestSubject(digest: Digest): string {
  const picks = digest.items.length;
  return `${digestTitle(digest)} (${picks} paper${picks === 1 ? "" : "s"})`;
}

export class DigestMailer {
  constructor(private readonly config: MailConfig) {}

  async send(digest: Digest, to: string): Promise<SentDigest> {
    const timeout = this.config.timeoutMs ?? 10_000;
    const transport = nodemailer.createTransport({
      url: this.config.smtpUrl,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout * 3,
    });
    try {
      const info = await transport.sendMail({
        from: this.config.from,
        to,
        subject: digestSubject(digest),
        text: renderDigestMarkdown(digest),
        html: renderDigestHtml(digest),
      });
      const addresses = (list: unknown): string[] =>
        Array.isArray(list) ? list.map((a) => (typeof a === "string" ? a : String((a as { address?: unknown }).address))) : [];
      return { messageId: String(info.messageId), accepted: addresses(info.accepted), rejected: addresses(info.rejected) };
    } finally {
      transport.close();
    }
  }
}
