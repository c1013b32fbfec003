/**
 * Onboarding by rating and the corpus map over HTTP (apps/radar/onboarding,
 * apps/radar/corpus-map); every route needs a signed-in reader.
 *
 * - GET  /api/onboarding: papers to rate (one per cluster, or more of one cluster)
 * - POST /api/onboarding/ratings: thumbs up (stored as like) or down (less like this)
 * - GET  /api/map: every placed paper's id, x, y and cluster, the clusters, the reader's saves
 * - GET  /api/map/papers: a page of the papers of a cluster or of a rectangle of the map
 */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, signedIn } from "../../../src/server/openapi.js";
import { pageOf, pageSchema, paginationQuery } from "../../../src/server/pagination.js";
import { badRequest } from "../../../src/server/problem.js";
import { queryInt, queryList } from "../../../src/server/validation.js";
import { MAX_CLUSTERS } from "../corpus-map/corpus-map.js";
import type { MapSelection } from "../corpus-map/map-view.js";
import { DEFAULT_PICKS, MAX_EXCLUDED, MAX_PICKS, MAX_RATINGS, RATINGS } from "../onboarding/onboarding.js";
import { currentReader, requireReader } from "./authorization.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";
import { asPaper, paperSchema } from "./schemas.js";

const clusterSummarySchema = z
  .object({
    id: z.number().int(),
    label: z.string().openapi({ description: "the cluster's top words, joined by ' · '" }),
    category: z.string().optional().openapi({ description: "the category most of its papers carry" }),
    size: z.number().int(),
  })
  .openapi("MapClusterSummary");

const offerSchema = z
  .object({
    needed: z.boolean().openapi({ description: "true while you have no save, like or 'less like this': the feed has nothing to start from" }),
    rated: z.number().int().openapi({ description: "papers you have saved, liked, hidden or marked 'less like this'" }),
    clusters: z.array(clusterSummarySchema),
    picks: z.array(z.object({ paper: paperSchema, cluster: z.number().int() })),
  })
  .openapi("OnboardingOffer");

const ratingsBody = z
  .strictObject({
    ratings: z
      .array(
        z.strictObject({
          paperId: z.string().min(1).max(512),
          rating: z.enum(RATINGS).openapi({ description: "up: stored as a like; down: stored as 'less like this'" }),
        }),
      )
      .min(1, { error: "give at least one rating" })
      .max(MAX_RATINGS, { error: `at most ${MAX_RATINGS} ratings at once` }),
  })
  .openapi("OnboardingRatings");

const clusterId = z.coerce
  .number({ error: `must be a cluster id (an integer from 0 to ${MAX_CLUSTERS - 1})` })
  .int({ error: `must be a cluster id (an integer from 0 to ${MAX_CLUSTERS - 1})` })
  .min(0, { error: `must be a cluster id (an integer from 0 to ${MAX_CLUSTERS - 1})` })
  .max(MAX_CLUSTERS - 1, { error: `must be a cluster id (an integer from 0 to ${MAX_CLUSTERS - 1})` });

const coordinate = z.coerce.number({ error: "must be a number from -1 to 1" }).min(-1, { error: "must be a number from -1 to 1" }).max(1, { error: "must be a number from -1 to 1" });

const mapSchema = z
  .object({
    version: z.string().openapi({ description: "the papers' version the map was computed from" }),
    builtAt: z.string().openapi({ format: "date-time" }),
    current: z.boolean().openapi({ description: "false while a newer map is being computed in the background (papers changed)" }),
    corpusSize: z.number().int().openapi({ description: "papers in the corpus; the newest 10,000 at most are placed" }),
    clusters: z.array(clusterSummarySchema.extend({ terms: z.array(z.string()), x: z.number(), y: z.number() })),
    points: z
      .object({ ids: z.array(z.string()), x: z.array(z.number()), y: z.array(z.number()), cluster: z.array(z.number().int()) })
      .openapi({ description: "columns: the i-th paper is ids[i] at (x[i], y[i]) in [-1, 1], in cluster cluster[i]" }),
    saved: z.array(z.number().int()).openapi({ description: "indices into points of the papers you saved or liked" }),
  })
  .openapi("CorpusMap");

export function registerOnboardingRoutes(router: RadarRouter, services: Pick<RadarServices, "onboarding" | "mapView">): void {
  const { onboarding, mapView } = services;

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/onboarding",
      tags: ["onboarding"],
      summary: "Papers to rate so that your feed has a start",
      description: `One paper per cluster of the corpus map in turn (largest clusters first, each cluster's most central papers first), so the picks span the corpus's topics; with \`cluster\`, more papers of that cluster. Papers you already rated and those in \`exclude\` (shown and skipped) are left out.`,
      security: signedIn,
      middleware: [requireReader] as const,
      request: {
        query: z.strictObject({
          count: queryInt({ min: 1, max: MAX_PICKS, fallback: DEFAULT_PICKS, description: "papers to offer" }),
          cluster: clusterId.optional().openapi({ description: "only papers of this cluster" }),
          exclude: queryList(z.string().min(1).max(512), { max: MAX_EXCLUDED, description: "paper ids not to offer (repeat the parameter)" }),
        }),
      },
      responses: { 200: jsonResponse("papers to rate, the clusters, and whether you still need onboarding", offerSchema), ...errorResponses(400, 401, 503) },
    }),
    async (c) => {
      const reader = currentReader(c);
      const query = c.req.valid("query");
      const offer = await onboarding.offer(reader.id, { count: query.count, cluster: query.cluster, exclude: query.exclude });
      return c.json({ ...offer, picks: offer.picks.map((p) => ({ paper: asPaper(p.paper), cluster: p.cluster })) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/onboarding/ratings",
      tags: ["onboarding"],
      summary: "Rate papers: up is a like, down is 'less like this'",
      description: "The feed reads ratings as the feedback they are stored as (likes count as saves for its model; 'less like this' pushes similar papers down). All or nothing: an unknown paper records none. Rating a paper again the other way replaces the earlier rating.",
      security: signedIn,
      middleware: [requireReader] as const,
      request: { body: jsonBody(ratingsBody) },
      responses: {
        200: jsonResponse("how many of each were recorded", z.object({ up: z.number().int(), down: z.number().int() }).openapi("OnboardingRated")),
        ...errorResponses(400, 401, 404, 413, 415),
      },
    }),
    async (c) => {
      const reader = currentReader(c);
      const { ratings } = c.req.valid("json");
      return c.json(await onboarding.rate(reader.id, ratings), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/map",
      tags: ["onboarding"],
      summary: "The map of the corpus: papers in 2D by their text, in labelled clusters",
      description: "Computed once per version of the papers (tf-idf + SVD embeddings, k-means clusters, PCA to 2D) and recomputed in the background when papers change. At most 10,000 papers (the newest) are placed; `saved` marks yours.",
      security: signedIn,
      middleware: [requireReader] as const,
      responses: { 200: jsonResponse("the map", mapSchema), ...errorResponses(401, 503) },
    }),
    async (c) => {
      const reader = currentReader(c);
      const { map, saved, current } = await mapView.forReader(reader.id);
      return c.json(
        {
          version: map.version,
          builtAt: map.builtAt,
          current,
          corpusSize: map.corpusSize,
          clusters: map.clusters.map(({ representatives: _, ...cluster }) => cluster),
          points: { ids: map.ids, x: map.x, y: map.y, cluster: map.cluster },
          saved,
        },
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/map/papers",
      tags: ["onboarding"],
      summary: "The papers of a cluster, or of a rectangle of the map",
      description: "Give `cluster`, or all of `x0`, `y0`, `x1`, `y1` (map coordinates in [-1, 1]); papers nearest the cluster's or the rectangle's centre first.",
      security: signedIn,
      middleware: [requireReader] as const,
      request: {
        query: z.strictObject({
          cluster: clusterId.optional(),
          x0: coordinate.optional(),
          y0: coordinate.optional(),
          x1: coordinate.optional(),
          y1: coordinate.optional(),
          ...paginationQuery,
        }),
      },
      responses: { 200: jsonResponse("a page of papers", pageSchema(paperSchema, "MapPapersPage")), ...errorResponses(400, 401, 503) },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const box = [q.x0, q.y0, q.x1, q.y1];
      const given = box.filter((v) => v !== undefined).length;
      if ((q.cluster === undefined) === (given === 0) || (given > 0 && given < 4)) {
        throw badRequest("query", "give either cluster, or all four of x0, y0, x1, y1");
      }
      const selection: MapSelection = q.cluster !== undefined ? { cluster: q.cluster } : { box: { x0: q.x0!, y0: q.y0!, x1: q.x1!, y1: q.y1! } };
      const { items, total } = await mapView.papersIn(selection, q);
      return c.json(pageOf(items.map(asPaper), total, q), 200);
    },
  );
}
