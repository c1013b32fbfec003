/**
 * Every route of Paper Radar's API on one router: authentication first
 * (a session cookie or an API key makes the reader known to the handlers),
 * then each group of routes. See docs/http-api.md for the list.
 */
import { createRouter } from "../../../src/server/app.js";
import { registerAuthSchemes } from "../../../src/server/openapi.js";
import { registerAdminRoutes } from "./admin-routes.js";
import { registerAuthRoutes } from "./auth-routes.js";
import { SESSION_COOKIE, authenticate, type RadarEnv } from "./authorization.js";
import { registerDigestRoutes } from "./digest-routes.js";
import { registerFeedRoutes } from "./feed-routes.js";
import { registerJobRoutes } from "./job-routes.js";
import { registerPaperRoutes } from "./paper-routes.js";
import { registerPipelineRoutes } from "./pipeline-routes.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";
import { registerCollectionRoutes } from "./collection-routes.js";
import { registerReaderRoutes } from "./reader-routes.js";
import { registerResearchAreaRoutes } from "./research-area-routes.js";
import { registerTrendingRoutes } from "./trending-routes.js";

/** `localToken`: the server's local admin token (server-info.ts), accepted as an admin's API key. */
export function radarRoutes(services: RadarServices, localToken?: string): RadarRouter {
  const router = createRouter<RadarEnv>();
  registerAuthSchemes(router, SESSION_COOKIE);
  router.use("/api/*", authenticate(services.accounts, { cookieName: SESSION_COOKIE, allowedOrigins: services.allowedOrigins, localToken }));
  registerAuthRoutes(router, services);
  registerPaperRoutes(router, services);
  registerResearchAreaRoutes(router, services);
  registerPipelineRoutes(router, services);
  registerReaderRoutes(router, services);
  registerCollectionRoutes(router, services);
  registerAdminRoutes(router, services);
  registerJobRoutes(router, services);
  registerFeedRoutes(router, services);
  registerTrendingRoutes(router, services.trending);
  registerDigestRoutes(router, { accounts: services.accounts, ...services.digest });
  return router;
}
