/**
 * What the route handlers work with: one object of domain services, opened
 * once by the app's wiring (apps/radar/radar-server.ts) at start-up. The
 * routes only translate HTTP to calls on these and back.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { RateLimiter } from "../../../src/server/rate-limiter.js";
import type { Accounts } from "../accounts/accounts.js";
import type { SignInThrottle } from "../accounts/sign-in-throttle.js";
import type { Library } from "../collections/library.js";
import type { DigestBuilder } from "../digest/digest-builder.js";
import type { DigestIssuer } from "../digest/digest-issuer.js";
import type { DigestMailer } from "../digest/digest-mailer.js";
import type { JobRun } from "../jobs/job.js";
import type { PaperAreas } from "../semantic-ids/paper-areas.js";
import type { FeedService } from "../feed/feed-service.js";
import type { Feedback } from "../feedback/feedback.js";
import type { PaperIntake } from "../jobs/paper-intake.js";
import type { Pins } from "../pins/pins.js";
import type { PaperSearch } from "../search/paper-search.js";
import type { PipelineSearch } from "../search/pipeline-search.js";
import type { Topics } from "../topics/topics.js";
import type { Trending } from "../trending/trending.js";
import type { CookieOptions, RadarEnv } from "./authorization.js";

export interface RadarServices {
  accounts: Accounts;
  search: PaperSearch;
  /** Search with named engine pipelines (presets and the operator's pipeline files). */
  pipelines: PipelineSearch;
  feedback: Feedback;
  topics: Topics;
  pins: Pins;
  /** The personalized feed (apps/radar/feed). */
  feed: FeedService;
  /** The stored papers' research areas (semantic IDs), shared by the paper page and the feed. */
  areas: PaperAreas;
  trending: Trending;
  /** Collections, notes, export and library import (apps/radar/collections). */
  library: Library;
  /** New papers while the server runs: the scheduled arXiv fetch, imports of uploads, their jobs. */
  intake: PaperIntake;
  /** The weekly digest: the builder, and the mailer when SMTP is configured; `mailNow` starts the digest-mail job. */
  digest: { builder: DigestBuilder; mailer?: DigestMailer; issuer: DigestIssuer; mailNow: () => Promise<JobRun> };
  cookie: CookieOptions;
  /** Origins besides the server's own whose pages may write with the session cookie. */
  allowedOrigins: readonly string[];
  /** Limits on sign-in and sign-up attempts (see radar-server.ts for the defaults). */
  limits: {
    /** Sign-in attempts per client address (this node). */
    signInByAddress: RateLimiter;
    /** Sign-up attempts per client address (this node). */
    signUpByAddress: RateLimiter;
    /** Failed sign-ins per account (every node: kept in the store). */
    failuresByAccount: SignInThrottle;
  };
}

export type RadarRouter = OpenAPIHono<RadarEnv>;
