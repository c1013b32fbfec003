/**
 * The weekly digest over HTTP:
 *
 * - `GET /api/digest?week=2026-W27&format=json|html|markdown|rss`: the
 *   signed-in reader's digest. Feed readers cannot sign in, so this route
 *   (and only this one) also takes the API key as `?key=<API key>`; prefer a
 *   key made for the feed reader alone (revocable on its own), since URLs end
 *   up in histories. The server's request log never writes query strings.
 * - `POST /api/digest/send?week=`: mails the digest to the reader's address;
 *   503 naming the missing configuration when SMTP is not set up.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { UnavailableError } from "../../../src/core/errors.js";
import { errorResponses, jsonBody, jsonResponse, problemSchema, signedIn } from "../../../src/server/openapi.js";
import { unauthenticated } from "../../../src/server/problem.js";
import type { Accounts } from "../accounts/accounts.js";
import { currentReader, requireAdmin, requireReader, type RadarEnv } from "./authorization.js";
import { paperSchema } from "./schemas.js";
import type { RadarRouter } from "./radar-services.js";
import type { DigestBuilder } from "../digest/digest-builder.js";
import type { DigestIssuer } from "../digest/digest-issuer.js";
import type { DigestMailer } from "../digest/digest-mailer.js";
import type { JobRun } from "../jobs/job.js";
import { jobRunSchema } from "./job-routes.js";
import { DIGEST_CADENCES, type DigestSubscription } from "../digest/digest-subscriptions.js";
import type { Digest } from "../digest/digest-types.js";
import { parseIsoWeek } from "../digest/iso-week.js";
import { renderDigestHtml } from "../digest/render-html.js";
import { renderDigestMarkdown } from "../digest/render-markdown.js";
import { renderDigestRss } from "../digest/render-rss.js";

const NO_MAIL = "email is not configured on this server: set RADAR_SMTP_URL (e.g. smtp://127.0.0.1:2525) and RADAR_MAIL_FROM";

const QUERY_KEY_SCHEME = "apiKeyQuery";

export const DIGEST_FORMATS = ["json", "html", "markdown", "rss"] as const;

const CONTENT_TYPES = {
  html: "text/html; charset=utf-8",
  markdown: "text/markdown; charset=utf-8",
  rss: "application/rss+xml; charset=utf-8",
} as const;

const weekQuery = z
  .string()
  .superRefine((value, ctx) => {
    try {
      parseIsoWeek(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `must be an ISO week such as 2026-W27 (${(error as Error).message})` });
    }
  })
  .optional()
  .openapi({ description: "ISO week, e.g. 2026-W27 (default: this week, or the newest paper's week when this one has no papers)", example: "2026-W27" });

const digestTopicSchema = z.object({
  kind: z.enum(["category", "keyword"]),
  value: z.string(),
  matched: z.boolean().openapi({ description: "one of your topics" }),
});

export const digestSchema = z
  .object({
    week: z.string().openapi({ example: "2026-W27" }),
    from: z.string().openapi({ format: "date", description: "Monday" }),
    to: z.string().openapi({ format: "date", description: "Sunday" }),
    items: z.array(
      z
        .object({
          paper: paperSchema,
          summary: z.string(),
          topics: z.array(digestTopicSchema),
          bestFor: z.array(z.string()).openapi({ description: "who should read it" }),
          reasons: z.array(z.string()).openapi({ description: "why it is in your digest" }),
          pinned: z.boolean().openapi({ description: "an editor's pick (pinned by an admin); these come first" }),
        })
        .openapi("DigestItem"),
    ),
    takeaway: z.string().openapi({ description: "the week's key takeaway" }),
    themes: z.array(z.string()).openapi({ description: "terms most of the week's papers share" }),
    generatedBy: z.enum(["extractive", "llm"]),
    period: z
      .object({ cadence: z.enum(DIGEST_CADENCES), arrivedAfter: z.string(), arrivedUntil: z.string() })
      .optional()
      .openapi({ description: "for a daily or weekly digest: the papers that arrived in this period" }),
    notes: z.array(z.string()).openapi({ description: "e.g. which week was chosen, or why the LLM was not used" }),
  })
  .openapi("Digest");

const sentSchema = z
  .object({
    sent: z.literal(true),
    to: z.string(),
    week: z.string(),
    messageId: z.string(),
    accepted: z.array(z.string()),
  })
  .openapi("DigestSent");

/** Signs the caller in from `?key=` when neither a header nor a session did (GET /api/digest only). */
function queryKey(accounts: Accounts): MiddlewareHandler<RadarEnv> {
  return async (c, next) => {
    const key = c.req.query("key");
    if (!c.get("reader") && key !== undefined) {
      const reader = await accounts.resolveApiKey(key);
      if (!reader) throw unauthenticated("query.key: the API key is not valid (mistyped or revoked)");
      c.set("reader", reader);
      c.set("authMethod", "apiKey");
    }
    currentReader(c);
    await next();
  };
}

export interface DigestRouteDeps {
  accounts: Accounts;
  builder: DigestBuilder;
  /** Undefined when SMTP is not configured. */
  mailer?: DigestMailer;
  /** Daily or weekly digests of the papers arrived since the last one. */
  issuer: DigestIssuer;
  /** Starts the digest-mail job (the due digests of readers who asked for mail). */
  mailNow: () => Promise<JobRun>;
}

export function registerDigestRoutes(router: RadarRouter, deps: DigestRouteDeps): void {
  const { builder, mailer, issuer, mailNow } = deps;
  router.openAPIRegistry.registerComponent("securitySchemes", QUERY_KEY_SCHEME, {
    type: "apiKey",
    in: "query",
    name: "key",
    description: "an API key in the URL, accepted by GET /api/digest only (for feed readers)",
  });

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/digest",
      tags: ["digest"],
      summary: "Your weekly digest: the week's top ten papers, summarized",
      description:
        "Editor's picks first, then your feed's best papers of the ISO week, each with a summary (the abstract's most informative " +
        "sentences, or a language model's when one is configured), topics and who it is best for; plus the week's key takeaway. " +
        "format=html is an email-ready page, markdown is CommonMark, rss is an RSS 2.0 feed: feed readers can pass the API key as ?key=.",
      security: [...signedIn, { [QUERY_KEY_SCHEME]: [] }],
      middleware: [queryKey(deps.accounts)] as const,
      request: {
        query: z.strictObject({
          week: weekQuery,
          format: z.enum(DIGEST_FORMATS).default("json").openapi({ description: "json (default), html, markdown or rss" }),
          key: z.string().min(1).max(200).optional().openapi({ description: "an API key, for feed readers that cannot send headers" }),
        }),
      },
      responses: {
        200: {
          description: "the digest",
          content: {
            "application/json": { schema: digestSchema },
            "text/html": { schema: z.string() },
            "text/markdown": { schema: z.string() },
            "application/rss+xml": { schema: z.string() },
          },
        },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const digest = await builder.build(currentReader(c).id, query.week);
      if (query.format === "json") return c.json(digest, 200);
      const text =
        query.format === "html"
          ? renderDigestHtml(digest)
          : query.format === "markdown"
            ? renderDigestMarkdown(digest)
            : renderDigestRss(digest, { link: new URL("/", c.req.url).toString() });
      return c.body(text, 200, { "content-type": CONTENT_TYPES[query.format] });
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/digest/send",
      tags: ["digest"],
      summary: "Email your weekly digest to yourself",
      description: "Sends the digest (HTML with a Markdown text part) to your account's address over SMTP. 503 when the server has no SMTP configuration.",
      security: signedIn,
      middleware: [requireReader] as const,
      request: { query: z.strictObject({ week: weekQuery }) },
      responses: {
        200: jsonResponse("sent", sentSchema),
        ...errorResponses(400, 401),
        503: jsonResponse("SMTP is not configured, or the mail server did not take the message", problemSchema),
      },
    }),
    async (c) => {
      const reader = currentReader(c);
      if (!mailer) throw new UnavailableError(NO_MAIL);
      const query = c.req.valid("query");
      const digest = await builder.build(reader.id, query.week);
      let sent;
      try {
        sent = await mailer.send(digest, reader.email);
      } catch (error) {
        throw new UnavailableError(`the mail server did not take the digest: ${(error as Error).message}`, { cause: error });
      }
      return c.json({ sent: true as const, to: reader.email, week: digest.week, messageId: sent.messageId, accepted: sent.accepted }, 200);
    },
  );

  const settingsSchema = z
    .object({
      cadence: z.enum(DIGEST_CADENCES),
      mail: z.boolean().openapi({ description: "the server mails each digest when it is due (needs mailAvailable)" }),
      mailAvailable: z.boolean().openapi({ description: "whether this server can send mail" }),
      lastIssuedAt: z.string().optional().openapi({ format: "date-time" }),
    })
    .openapi("DigestSettings");
  const settingsView = (sub: DigestSubscription) => ({ cadence: sub.cadence, mail: sub.mail, mailAvailable: mailer !== undefined, ...(sub.lastIssuedAt ? { lastIssuedAt: sub.lastIssuedAt } : {}) });

  router.openapi(
    createRoute({ method: "get", path: "/api/digest/settings", tags: ["digest"], summary: "How often you get a digest: daily or weekly", security: signedIn, middleware: [requireReader] as const, responses: { 200: jsonResponse("your settings", settingsSchema), ...errorResponses(401) } }),
    async (c) => {
      return c.json(settingsView(await issuer.subscriptions.get(currentReader(c).id)), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "put",
      path: "/api/digest/settings",
      tags: ["digest"],
      summary: "Choose a daily or a weekly digest, and whether it is mailed to you",
      security: signedIn,
      middleware: [requireReader] as const,
      request: {
        body: jsonBody(
          z
            .strictObject({ cadence: z.enum(DIGEST_CADENCES).optional(), mail: z.boolean().optional().openapi({ description: "mail each digest when it is due" }) })
            .openapi("DigestSettingsInput"),
        ),
      },
      responses: {
        200: jsonResponse("your settings", settingsSchema),
        ...errorResponses(400, 401, 413, 415),
        503: jsonResponse("mail asked for, but this server cannot send mail", problemSchema),
      },
    }),
    async (c) => {
      const change = c.req.valid("json");
      if (change.mail === true && !mailer) throw new UnavailableError(NO_MAIL);
      return c.json(settingsView(await issuer.subscriptions.update(currentReader(c).id, change)), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/admin/digest-mail",
      tags: ["digest"],
      summary: "Mail the due digests now",
      description:
        "Starts the digest-mail job in the background (202; follow it at GET /api/admin/jobs/digest-mail): every reader who asked " +
        "for mail and whose daily or weekly digest is due gets it. The job also runs on its own every RADAR_DIGEST_MAIL_EVERY_MINUTES. " +
        "409 while it runs; 503 when the server cannot send mail.",
      security: signedIn,
      middleware: [requireAdmin] as const,
      responses: { 202: jsonResponse("the run started", jobRunSchema), ...errorResponses(401, 403, 409), 503: jsonResponse("this server cannot send mail", problemSchema) },
    }),
    async (c) => {
      if (!mailer) throw new UnavailableError(NO_MAIL);
      return c.json(await mailNow(), 202);
    },
  );

  const periodFormats = z.strictObject({ format: z.enum(DIGEST_FORMATS).default("json").openapi({ description: "json (default), html, markdown or rss" }) });
  const periodResponses = {
    200: {
      description: "the digest",
      content: { "application/json": { schema: digestSchema }, "text/html": { schema: z.string() }, "text/markdown": { schema: z.string() }, "application/rss+xml": { schema: z.string() } },
    },
    ...errorResponses(400, 401),
  };
  const rendered = (c: Context<RadarEnv>, digest: Digest, format: (typeof DIGEST_FORMATS)[number]) => {
    if (format === "json") return c.json(digest, 200);
    const text = format === "html" ? renderDigestHtml(digest) : format === "markdown" ? renderDigestMarkdown(digest) : renderDigestRss(digest, { link: new URL("/", c.req.url).toString() });
    return c.body(text, 200, { "content-type": CONTENT_TYPES[format] });
  };

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/digest/next",
      tags: ["digest"],
      summary: "Preview your next daily or weekly digest: papers arrived since your last one, none shown before",
      security: signedIn,
      middleware: [requireReader] as const,
      request: { query: periodFormats },
      responses: periodResponses,
    }),
    async (c) => rendered(c, await issuer.preview(currentReader(c).id), c.req.valid("query").format),
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/digest/issue",
      tags: ["digest"],
      summary: "Take your next digest: its papers will not be in a later one, and the next starts from now",
      security: signedIn,
      middleware: [requireReader] as const,
      request: { query: periodFormats },
      responses: periodResponses,
    }),
    async (c) => rendered(c, await issuer.issue(currentReader(c).id), c.req.valid("query").format),
  );
}
