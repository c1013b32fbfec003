/**
 * Collections, notes, export and library import over HTTP.
 *
 * A reader's own collections need a signed-in reader and answer 404 for
 * another reader's. Two routes need no account, only a collection's secret
 * token: the read-only shared view (`/api/shared/collections/{token}`, shown
 * by the web page `/shared/{token}`) and the collection's RSS feed
 * (`/api/feeds/collections/{token}`), for feed readers.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { errorResponses, jsonBody, jsonResponse, signedIn } from "../../../src/server/openapi.js";
import { notFound } from "../../../src/server/problem.js";
import { renderCollectionRss } from "../collections/collection-rss.js";
import { LIBRARY_FORMATS } from "../collections/library-formats.js";
import { MAX_COLLECTION_NAME } from "../collections/reader-collections.js";
import type { PaperCollection } from "../collections/reader-collections.js";
import { MAX_NOTE_CHARS } from "../collections/paper-notes.js";
import { storedPaper } from "../papers.js";
import { currentReader, requireReader, type RadarEnv } from "./authorization.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";
import { asPaper, paperIdParam, paperSchema } from "./schemas.js";

const collectionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string().openapi({ format: "date-time" }),
    paperIds: z.array(z.string()).openapi({ description: "newest added first" }),
    shared: z.boolean(),
    shareUrl: z.string().optional().openapi({ description: "the read-only page anyone with the link can open (while shared)" }),
    feedUrl: z.string().openapi({ description: "the collection's RSS feed: a secret address, no sign-in" }),
  })
  .openapi("PaperCollection");

const entrySchema = z.object({ paper: paperSchema, addedAt: z.string(), note: z.string().optional() }).openapi("CollectionEntry");
const collectionWithPapers = collectionSchema.extend({ papers: z.array(entrySchema) }).openapi("PaperCollectionWithPapers");
const sharedSchema = z
  .object({ name: z.string(), papers: z.array(z.object({ paper: paperSchema, addedAt: z.string() })) })
  .openapi("SharedCollection");
const noteSchema = z.object({ paperId: z.string(), text: z.string(), updatedAt: z.string() }).openapi("PaperNote");
const importSchema = z
  .object({
    format: z.enum(["bibtex", "list"]),
    found: z.number().int(),
    saved: z.number().int(),
    addedToCollection: z.number().int(),
    missing: z.array(z.object({ source: z.string(), reference: z.string() })),
    skipped: z.array(z.object({ source: z.string(), reason: z.string() })),
  })
  .openapi("LibraryImport");

const idParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, description: "collection id" }) });
const tokenParam = z.object({ token: z.string().min(1).max(300).openapi({ param: { name: "token", in: "path" }, description: "the collection's secret token" }) });
const nameField = z.string().min(1).max(MAX_COLLECTION_NAME * 4).openapi({ description: `1 to ${MAX_COLLECTION_NAME} characters` });
const formatQuery = z.strictObject({ format: z.enum(LIBRARY_FORMATS).default("bibtex").openapi({ description: "bibtex (default) or csv" }) });
const fileResponses = {
  200: { description: "the file", content: { "application/x-bibtex": { schema: z.string() }, "text/csv": { schema: z.string() } } },
};
const CONTENT_TYPES = { bibtex: "application/x-bibtex; charset=utf-8", csv: "text/csv; charset=utf-8" } as const;

function origin(c: Context): string {
  return new URL(c.req.url).origin;
}

function view(c: Context, collection: PaperCollection): z.infer<typeof collectionSchema> {
  return {
    id: collection.id,
    name: collection.name,
    createdAt: collection.createdAt,
    paperIds: collection.papers.map((p) => p.paperId),
    shared: collection.shareToken !== undefined,
    ...(collection.shareToken ? { shareUrl: `${origin(c)}/shared/${encodeURIComponent(collection.shareToken)}` } : {}),
    feedUrl: `${origin(c)}/api/feeds/collections/${encodeURIComponent(collection.feedToken)}`,
  };
}

function fileName(name: string, format: "bibtex" | "csv"): string {
  const base = name.normalize("NFKD").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase() || "papers";
  return `${base}.${format === "bibtex" ? "bib" : "csv"}`;
}

export function registerCollectionRoutes(router: RadarRouter, services: RadarServices): void {
  const { library, search } = services;
  const { collections, notes } = library;

  const file = (c: Context<RadarEnv>, text: string, name: string, format: "bibtex" | "csv") =>
    c.body(text, 200, { "content-type": CONTENT_TYPES[format], "content-disposition": `attachment; filename="${fileName(name, format)}"` });

  router.openapi(
    createRoute({ method: "get", path: "/api/collections", tags: ["collections"], summary: "Your collections, newest first", security: signedIn, middleware: [requireReader] as const, responses: { 200: jsonResponse("your collections", z.object({ items: z.array(collectionSchema) })), ...errorResponses(401) } }),
    async (c) => c.json({ items: (await collections.list(currentReader(c).id)).map((x) => view(c, x)) }, 200),
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/collections",
      tags: ["collections"],
      summary: "Create a collection (private until you share it)",
      security: signedIn, middleware: [requireReader] as const,
      request: { body: jsonBody(z.strictObject({ name: nameField }).openapi("CollectionInput")) },
      responses: { 201: jsonResponse("created", collectionSchema), ...errorResponses(400, 401, 409, 413, 415) },
    }),
    async (c) => c.json(view(c, await collections.create(currentReader(c).id, c.req.valid("json").name)), 201),
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/collections/{id}",
      tags: ["collections"],
      summary: "One of your collections with its papers and your notes",
      security: signedIn, middleware: [requireReader] as const,
      request: { params: idParam },
      responses: { 200: jsonResponse("the collection", collectionWithPapers), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const collection = await collections.get(currentReader(c).id, c.req.valid("param").id);
      const papers = (await library.collectionPapers(collection, true)).map((e) => ({ ...e, paper: asPaper(e.paper) }));
      return c.json({ ...view(c, collection), papers }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "patch",
      path: "/api/collections/{id}",
      tags: ["collections"],
      summary: "Rename, share (a new read-only link) or make private again",
      security: signedIn, middleware: [requireReader] as const,
      request: {
        params: idParam,
        body: jsonBody(z.strictObject({ name: nameField.optional(), shared: z.boolean().optional(), renewFeedUrl: z.boolean().optional().openapi({ description: "a new RSS address; the old one stops working" }) }).openapi("CollectionChange")),
      },
      responses: { 200: jsonResponse("the collection", collectionSchema), ...errorResponses(400, 401, 404, 409, 413, 415) },
    }),
    async (c) => {
      const reader = currentReader(c).id;
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      let collection = await collections.get(reader, id);
      if (body.name !== undefined) collection = await collections.rename(reader, id, body.name);
      if (body.shared !== undefined && body.shared !== (collection.shareToken !== undefined)) collection = await collections.setShared(reader, id, body.shared);
      if (body.renewFeedUrl) collection = await collections.renewFeedToken(reader, id);
      return c.json(view(c, collection), 200);
    },
  );

  router.openapi(
    createRoute({ method: "delete", path: "/api/collections/{id}", tags: ["collections"], summary: "Delete a collection (the papers stay saved)", security: signedIn, middleware: [requireReader] as const, request: { params: idParam }, responses: { 204: { description: "deleted" }, ...errorResponses(401, 404) } }),
    async (c) => {
      await collections.remove(currentReader(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/collections/{id}/papers",
      tags: ["collections"],
      summary: "Add papers to a collection",
      security: signedIn, middleware: [requireReader] as const,
      request: { params: idParam, body: jsonBody(z.strictObject({ paperIds: z.array(z.string().min(1).max(512)).min(1).max(1000) }).openapi("CollectionPapersInput")) },
      responses: { 200: jsonResponse("the collection", collectionSchema), ...errorResponses(400, 401, 404, 409, 413, 415) },
    }),
    async (c) => {
      const { paperIds } = c.req.valid("json");
      const records = await search.papers.store.getRecords(search.papers.name, paperIds);
      const unknown = paperIds.find((_, i) => !records[i]);
      if (unknown !== undefined) throw notFound(`body.paperIds: no paper with id "${unknown}"`, "body.paperIds");
      return c.json(view(c, await collections.addPapers(currentReader(c).id, c.req.valid("param").id, paperIds)), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "delete",
      path: "/api/collections/{id}/papers/{paperId}",
      tags: ["collections"],
      summary: "Take a paper out of a collection",
      security: signedIn, middleware: [requireReader] as const,
      request: { params: idParam.extend({ paperId: z.string().min(1).max(512).openapi({ param: { name: "paperId", in: "path" } }) }) },
      responses: { 200: jsonResponse("the collection", collectionSchema), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const { id, paperId } = c.req.valid("param");
      return c.json(view(c, await collections.removePaper(currentReader(c).id, id, paperId)), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/collections/{id}/recommendations",
      tags: ["collections"],
      summary: "More like this collection: papers sharing its papers' words, none already in it",
      security: signedIn, middleware: [requireReader] as const,
      request: { params: idParam, query: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(10) }) },
      responses: { 200: jsonResponse("papers, best first", z.object({ items: z.array(paperSchema) })), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const collection = await collections.get(currentReader(c).id, c.req.valid("param").id);
      return c.json({ items: (await library.moreLikeCollection(collection, c.req.valid("query").limit)).map(asPaper) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/collections/{id}/export",
      tags: ["collections"],
      summary: "A collection as BibTeX or CSV (with your notes)",
      security: signedIn, middleware: [requireReader] as const,
      request: { params: idParam, query: formatQuery },
      responses: { ...fileResponses, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const collection = await collections.get(currentReader(c).id, c.req.valid("param").id);
      const { format } = c.req.valid("query");
      return file(c, await library.exportCollection(collection, format), collection.name, format);
    },
  );

  router.openapi(
    createRoute({ method: "get", path: "/api/saved/export", tags: ["collections"], summary: "Your saved papers as BibTeX or CSV (with your notes)", security: signedIn, middleware: [requireReader] as const, request: { query: formatQuery }, responses: { ...fileResponses, ...errorResponses(400, 401) } }),
    async (c) => {
      const { format } = c.req.valid("query");
      return file(c, await library.exportSaved(currentReader(c).id, format), "saved papers", format);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/library/import",
      tags: ["collections"],
      summary: "Import your library: BibTeX or a list of arXiv ids, arXiv URLs or DOIs; the papers Paper Radar holds are saved",
      description: "Saving them seeds your feed. With collectionId they are also added to that collection. Papers Paper Radar does not hold are listed in `missing`.",
      security: signedIn, middleware: [requireReader] as const,
      request: { body: jsonBody(z.strictObject({ text: z.string().min(1).max(2_000_000), collectionId: z.string().min(1).max(64).optional() }).openapi("LibraryImportInput")) },
      responses: { 200: jsonResponse("what was found and saved", importSchema), ...errorResponses(400, 401, 404, 413, 415) },
    }),
    async (c) => {
      const reader = currentReader(c).id;
      const body = c.req.valid("json");
      const collection = body.collectionId === undefined ? undefined : await collections.get(reader, body.collectionId);
      return c.json(await library.importLibrary(reader, body.text, collection), 200);
    },
  );

  router.openapi(
    createRoute({ method: "get", path: "/api/notes/{id}", tags: ["collections"], summary: "Your note on a paper", security: signedIn, middleware: [requireReader] as const, request: { params: paperIdParam }, responses: { 200: jsonResponse("the note", noteSchema), ...errorResponses(401, 404) } }),
    async (c) => {
      const { id } = c.req.valid("param");
      const note = await notes.get(currentReader(c).id, id);
      if (!note) throw notFound(`you have no note on paper "${id}"`, "path.id");
      return c.json(note, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "put",
      path: "/api/notes/{id}",
      tags: ["collections"],
      summary: "Write your note on a paper (empty text deletes it)",
      security: signedIn, middleware: [requireReader] as const,
      request: { params: paperIdParam, body: jsonBody(z.strictObject({ text: z.string().max(MAX_NOTE_CHARS) }).openapi("NoteInput")) },
      responses: { 200: jsonResponse("the note", noteSchema), 204: { description: "deleted (empty text)" }, ...errorResponses(400, 401, 404, 413, 415) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await search.get(id); // 404 for an unknown paper
      const note = await notes.set(currentReader(c).id, id, c.req.valid("json").text);
      return note ? c.json(note, 200) : c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/shared/collections/{token}",
      tags: ["collections"],
      summary: "A shared collection, read-only (no sign-in: the link's token is the permission)",
      request: { params: tokenParam },
      responses: { 200: jsonResponse("the collection", sharedSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const collection = await collections.byToken(c.req.valid("param").token, "share");
      if (!collection) throw notFound("this link does not open a collection: it was mistyped, or its owner stopped sharing it");
      const papers = (await library.collectionPapers(collection, false)).map((e) => ({ paper: asPaper(e.paper), addedAt: e.addedAt }));
      return c.json({ name: collection.name, papers }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/feeds/collections/{token}",
      tags: ["collections"],
      summary: "A collection's RSS feed: papers like it, best first (no sign-in: the address is the permission)",
      request: { params: tokenParam },
      responses: { 200: { description: "RSS 2.0", content: { "application/rss+xml": { schema: z.string() } } }, ...errorResponses(404) },
    }),
    async (c) => {
      const collection = await collections.byToken(c.req.valid("param").token, "feed");
      if (!collection) throw notFound("this feed address is not valid: it was mistyped, or its owner made a new one");
      const papers = (await library.moreLikeCollection(collection, 20)).map(storedPaper);
      const rss = renderCollectionRss(collection.name, papers, { link: `${origin(c)}/` });
      return c.body(rss, 200, { "content-type": "application/rss+xml; charset=utf-8" });
    },
  );
}
