/** What the route handlers work with: one object built by the Radar module at start-up. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Accounts } from "../accounts/accounts.js";
import type { DigestSource } from "../digest/digest-types.js";
import type { CookieOptions, RadarEnv } from "../accounts/authorization.js";
import type { FeedService } from "../feed/feed-service.js";
import type { Feedback } from "./feedback.js";
import type { PaperSearch } from "./paper-search.js";
import type { Pins } from "./pins.js";
import type { Topics } from "./topics.js";

export interface RadarServices {
  accounts: Accounts;
  search: PaperSearch;
  feedback: Feedback;
  topics: Topics;
  pins: Pins;
  /** The personalized feed (apps/radar/feed). */
  feed: FeedService;
  cookie: CookieOptions;
  /** Whether anyone may sign up (default true). */
  allowSignup: boolean;
  /** Where the weekly digest's papers come from (the feed, via a one-line adapter: see digest-types.ts); unset: the digest's fallback source. */
  digestSource?: DigestSource;
}

export type RadarRouter = OpenAPIHono<RadarEnv>;
