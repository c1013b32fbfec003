/**
 * What the route handlers work with: one object of domain services, opened
 * once by the app's wiring (apps/radar/radar-server.ts) at start-up. The
 * routes only translate HTTP to calls on these and back.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Accounts } from "../accounts/accounts.js";
import type { DigestBuilder } from "../digest/digest-builder.js";
import type { DigestMailer } from "../digest/digest-mailer.js";
import type { FeedService } from "../feed/feed-service.js";
import type { Feedback } from "../feedback/feedback.js";
import type { Pins } from "../pins/pins.js";
import type { PaperSearch } from "../search/paper-search.js";
import type { Topics } from "../topics/topics.js";
import type { Trending } from "../trending/trending.js";
import type { CookieOptions, RadarEnv } from "./authorization.js";

export interface RadarServices {
  accounts: Accounts;
  search: PaperSearch;
  feedback: Feedback;
  topics: Topics;
  pins: Pins;
  /** The personalized feed (apps/radar/feed). */
  feed: FeedService;
  trending: Trending;
  /** The weekly digest: the builder, and the mailer when SMTP is configured. */
  digest: { builder: DigestBuilder; mailer?: DigestMailer };
  cookie: CookieOptions;
  /** Whether anyone may sign up (default true). */
  allowSignup: boolean;
}

export type RadarRouter = OpenAPIHono<RadarEnv>;
