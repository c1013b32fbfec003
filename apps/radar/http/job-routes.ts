/**
 * Admin routes for how papers arrive while the server runs (the server is
 * the papers' one writer): start an arXiv fetch, upload a JSONL/CSV file to
 * import (streamed to disk, imported all-or-nothing in the background), and
 * the jobs' status (running with progress, last run, next run, errors, or
 * why a job is off). 401 when not signed in, 403 for readers who are not
 * admins.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, signedIn } from "../../../src/server/openapi.js";
import { isoDay } from "../../../src/server/validation.js";
import { IMPORT_FORMATS } from "../ingest/import.js";
import { ARXIV_CATEGORY } from "../papers.js";
import { requireAdmin } from "./authorization.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";

const TAG = ["admin"];

/** Largest upload POST /api/admin/import accepts. */
export const MAX_IMPORT_BYTES = 4 * 1024 ** 3;

export const IMPORT_PATH = "/api/admin/import";

const progressSchema = z.object({ done: z.number(), total: z.number().optional(), message: z.string().optional() });

export const jobRunSchema = z
  .object({
    startedAt: z.string().openapi({ format: "date-time" }),
    finishedAt: z.string().optional().openapi({ format: "date-time" }),
    progress: progressSchema.optional().openapi({ description: "while running" }),
    outcome: z.enum(["succeeded", "failed", "cancelled"]).optional(),
    summary: z.string().optional(),
    error: z.string().optional().openapi({ description: "why the run failed, naming the file and line for a bad import" }),
    errorCode: z.string().optional().openapi({ description: "the error's code, e.g. INVALID_FILE, UNAVAILABLE" }),
    result: z.unknown().optional().openapi({ description: "the job's result (import: counts and rejected records; fetch: per category)" }),
    node: z.string().openapi({ description: "host:pid of the process that ran it" }),
    takenOver: z.boolean().optional().openapi({ description: "true when this node took the run over from a node that stopped mid-run" }),
  })
  .openapi("JobRun");

export const jobStatusSchema = z
  .object({
    name: z.string(),
    state: z.enum(["running", "idle", "off"]),
    reason: z.string().optional().openapi({ description: "why the job is off (not scheduled, no network)" }),
    current: jobRunSchema.optional(),
    lastRun: jobRunSchema.optional(),
    nextRun: z.string().optional().openapi({ format: "date-time" }),
    everyMs: z.number().optional(),
  })
  .openapi("JobStatus");

const fetchBody = z
  .strictObject({
    categories: z
      .array(
        z
          .string()
          .regex(ARXIV_CATEGORY, { error: "must be an arXiv category such as cs.IR" })
          .max(64),
      )
      .max(50)
      .optional()
      .openapi({ description: "default: the scheduled categories" }),
    since: isoDay("keep papers submitted on or after this day").optional(),
    max: z.number().int().min(1).max(10_000).optional().openapi({ description: "most papers per category (default 500)" }),
  })
  .openapi("FetchRequest");

export function registerJobRoutes(router: RadarRouter, services: RadarServices): void {
  const { intake } = services;

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/admin/jobs",
      tags: TAG,
      summary: "Background jobs: the arXiv fetch and imports",
      security: signedIn,
      middleware: [requireAdmin] as const,
      responses: { 200: jsonResponse("every job's status", z.object({ items: z.array(jobStatusSchema) })), ...errorResponses(401, 403) },
    }),
    async (c) => c.json({ items: await intake.statuses() }, 200),
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/admin/jobs/{name}",
      tags: TAG,
      summary: "One job's status",
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { params: z.object({ name: z.string().min(1).max(64).openapi({ param: { name: "name", in: "path" }, example: "import" }) }) },
      responses: { 200: jsonResponse("the job's status", jobStatusSchema), ...errorResponses(401, 403, 404) },
    }),
    async (c) => c.json(await intake.status(c.req.valid("param").name), 200),
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/admin/fetch",
      tags: TAG,
      summary: "Fetch new papers from arXiv now",
      description: "Starts the arxiv-fetch job in the background (202); follow it at GET /api/admin/jobs/arxiv-fetch. 409 while a fetch runs.",
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { body: jsonBody(fetchBody) },
      responses: { 202: jsonResponse("the run started", jobRunSchema), ...errorResponses(400, 401, 403, 409, 413, 415) },
    }),
    async (c) => c.json(await intake.startFetch(c.req.valid("json")), 202),
  );

  router.openapi(
    createRoute({
      method: "post",
      path: IMPORT_PATH,
      tags: TAG,
      summary: "Import papers from an uploaded JSONL or CSV file",
      description:
        "Send the file as the request body (gzip accepted). It is streamed to disk, then imported in the background " +
        "(202; follow it at GET /api/admin/jobs/import): all-or-nothing unless skipInvalid, records upserted by id. " +
        "409 while another import runs.",
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: {
        query: z.strictObject({
          name: z.string().max(200).optional().openapi({ description: "the file's name, e.g. papers.jsonl.gz (tells the format when `format` is absent)" }),
          format: z.enum(IMPORT_FORMATS as [string, ...string[]]).optional(),
          skipInvalid: z.enum(["true", "false"]).optional().openapi({ description: "import the valid records and report the invalid ones" }),
        }),
        body: { content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } }, required: true },
      },
      responses: { 202: jsonResponse("the run started", jobRunSchema), ...errorResponses(400, 401, 403, 409, 413) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const run = await intake.startImport({ body: c.req.raw.body, name: query.name, format: query.format, skipInvalid: query.skipInvalid === "true" });
      return c.json(run, 202);
    },
  );
}
