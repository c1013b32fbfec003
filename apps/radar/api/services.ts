/** What the route handlers work with: one object built by the Radar module at start-up. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Accounts } from "../accounts/accounts.js";
import type { CookieOptions, RadarEnv } from "../accounts/authorization.js";
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
  cookie: CookieOptions;
  /** Whether anyone may sign up (default true). */
  allowSignup: boolean;
}

export type RadarRouter = OpenAPIHono<RadarEnv>;
