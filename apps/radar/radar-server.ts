/**
 * Paper Radar's wiring, the one place where the app is put together: the
 * server module `radarApi()` (for `startServer({ ..., modules: [radarApi()] })`,
 * or simply `startRadarServer({ port, host, dataDir })`) opens every domain
 * service once, hands them to the HTTP routes as one `RadarServices` object
 * (http/radar-routes.ts) and mounts the web app.
 *
 * At start it opens, in the server's store: the papers collection (with its
 * index under `<dataDir>/indexes/papers`, as `openPapers` lays it out), the
 * account collections, the interactions collection (feedback, with a small
 * index under `<dataDir>/indexes/interactions`), topics and pins; then mounts
 * the routes under /api. See docs/http-api.md for the route list.
 */
import { join } from "node:path";
import { Collection } from "../../src/engine/collection.js";
import { RateLimiter, type RateLimit } from "../../src/server/rate-limiter.js";
import { startServer, type RunningServer, type ServerModule, type StartServerOptions } from "../../src/server/start-server.js";
import { PostgresJobQueue } from "../../src/jobs/postgres-job-queue.js";
import { PostgresStore } from "../../src/store/postgres-store.js";
import type { Store } from "../../src/store/store.js";
import { Accounts, type AccountsOptions } from "./accounts/accounts.js";
import { DEFAULT_ACCOUNT_FAILURE_LIMIT, SignInThrottle } from "./accounts/sign-in-throttle.js";
import { Arrivals } from "./arrivals/arrivals.js";
import { Library } from "./collections/library.js";
import { CorpusMaps } from "./corpus-map/corpus-maps.js";
import { MapView } from "./corpus-map/map-view.js";
import { PaperNotes } from "./collections/paper-notes.js";
import { ReaderCollections } from "./collections/reader-collections.js";
import { createDigest, type DigestOptions } from "./digest/digest-setup.js";
import { DigestIssuer } from "./digest/digest-issuer.js";
import { DigestSubscriptions } from "./digest/digest-subscriptions.js";
import { PaperAreas } from "./semantic-ids/paper-areas.js";
import { DIGEST_MAIL_JOB, scheduleDigestMail } from "./digest/digest-mail-job.js";
import { digestSourceFromFeed } from "./digest/digest-types.js";
import { FeedService } from "./feed/feed-service.js";
import { Feedback } from "./feedback/feedback.js";
import { SESSION_COOKIE } from "./http/authorization.js";
import { IMPORT_PATH, MAX_IMPORT_BYTES } from "./http/job-routes.js";
import { radarRoutes } from "./http/radar-routes.js";
import type { JobClaim } from "./jobs/job-claim.js";
import { Onboarding } from "./onboarding/onboarding.js";
import type { ImportPace } from "./jobs/import-job.js";
import { JobRunner } from "./jobs/job-runner.js";
import { QueueJobClaim } from "./jobs/queue-job-claim.js";
import { DirectoryUploads, StoreUploads } from "./jobs/upload-stash.js";
import { PaperIntake, type FetchSchedule } from "./jobs/paper-intake.js";
import type { RadarServices } from "./http/radar-services.js";
import { PAPERS_COLLECTION, ensurePapersCollection } from "./papers.js";
import { PaperEmbeddings, defaultEmbeddingOptions, type PaperEmbeddingsOptions } from "./search/paper-embeddings.js";
import { Pins } from "./pins/pins.js";
import { PipelineSearch } from "./search/pipeline-search.js";
import { PaperSearch, type PaperSearchOptions } from "./search/paper-search.js";
import { Topics } from "./topics/topics.js";
import { Trending } from "./trending/trending.js";
import { newLocalToken, removeServerInfo, writeServerInfo } from "./server-info.js";
import { mountWebApp } from "./web/web-app.js";

export interface RadarApiOptions {
  /** An open papers collection to serve (it is then not closed by the server). Default: opened from the server's store. */
  papers?: Collection;
  /** Session length, scrypt cost, admin emails, who may sign up, password policy (see AccountsOptions). */
  accounts?: AccountsOptions;
  /** false closes sign-up (the same as accounts.signup "closed"; kept for older callers). */
  allowSignup?: boolean;
  /** Mark the session cookie Secure (default: when the client's connection is https, to us or to a trusted proxy). */
  secureCookies?: boolean;
  /** Origins besides the server's own whose pages may write with the session cookie. */
  allowedOrigins?: readonly string[];
  /** Limits on sign-in and sign-up attempts (defaults in DEFAULT_AUTH_LIMITS). */
  limits?: Partial<AuthLimits>;
  search?: PaperSearchOptions;
  /** The weekly digest's SMTP and LLM settings (see docs/radar-digest.md). */
  digest?: DigestOptions;
  /** The scheduled arXiv fetch (RADAR_FETCH_CATEGORIES, RADAR_FETCH_EVERY_HOURS); absent: off. */
  fetch?: FetchSchedule;
  /** Accept this token as an admin's API key (startRadarServer makes one for tools on this machine: server-info.ts). */
  localToken?: string;
  /** Compute the corpus map (onboarding, the map page) in the background at start, if the papers changed since the saved one (`trove radar start` does; default: on first use). */
  warmCorpusMap?: boolean;
  /** Job claims (default: shared through the store's job queue on PostgreSQL, this process only on SQLite). */
  jobClaim?: JobClaim;
  /** Background jobs: their lease (RADAR_JOB_LEASE_MS, default 30 s), how often a node looks for runs to take over, and an import's pace. */
  jobs?: { leaseMs?: number; takeoverPollMs?: number; importPace?: ImportPace };
  /**
   * Semantic search (hybrid search, related papers and "more like this collection" by the papers'
   * vectors): the papers are embedded in the background at start (Trove's own encoder trained on
   * them unless `encoder` names a model) and new papers as they arrive. Absent or false: lexical
   * only (`trove radar start` and `trove serve` turn it on).
   */
  semantic?: false | Partial<PaperEmbeddingsOptions>;
}

export interface AuthLimits {
  /** Sign-in attempts per client address, on each node. */
  signInPerAddress: RateLimit;
  /** Sign-up attempts per client address, on each node. */
  signUpPerAddress: RateLimit;
  /** Failed sign-ins per account, counted in the store across nodes. */
  failedSignInsPerAccount: RateLimit;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  signInPerAddress: { limit: 20, windowMs: 5 * 60_000 },
  signUpPerAddress: { limit: 10, windowMs: 60 * 60_000 },
  failedSignInsPerAccount: DEFAULT_ACCOUNT_FAILURE_LIMIT,
};

/** Opens (creating if needed) the papers collection of `store`, index under `<dataDir>/indexes`. */
export async function openPapersCollection(store: Store, dataDir: string, embeddingDimensions?: number): Promise<Collection> {
  await ensurePapersCollection(store, embeddingDimensions);
  return Collection.open(store, PAPERS_COLLECTION, join(dataDir, "indexes"), { quiet: true });
}

/** The Paper Radar API module. */
export function radarApi(options: RadarApiOptions = {}): ServerModule {
  return {
    name: "radar",
    bodyLimits: { [IMPORT_PATH]: MAX_IMPORT_BYTES },
    async start({ app, store, dataDir }) {
      const papers = options.papers ?? (await openPapersCollection(store, dataDir, options.semantic ? options.semantic.dimensions : undefined));
      const opened: Array<{ close(): Promise<void> }> = options.papers ? [] : [papers];
      try {
        const accountOptions: AccountsOptions = { ...options.accounts };
        if (options.allowSignup === false) accountOptions.signup = "closed";
        const accounts = await Accounts.open(store, accountOptions);
        const limits = { ...DEFAULT_AUTH_LIMITS, ...options.limits };
        const feedback = await Feedback.open(store, join(dataDir, "indexes"));
        opened.push(feedback);
        const topics = await Topics.open(store);
        const pins = await Pins.open(store);
        const arrivals = await Arrivals.open(store, papers.name, join(dataDir, "indexes"));
        opened.push(arrivals);
        const areas = new PaperAreas(store, papers.name);
        const feed = await FeedService.open({ store, dataDir, papers, feedback, topics, pins, arrivals, areas });
        opened.push(feed);
        const semantic = options.semantic ? PaperEmbeddings.start(papers, defaultEmbeddingOptions(dataDir, options.semantic)) : undefined;
        if (semantic) opened.push(semantic);
        const search = new PaperSearch(papers, { ...options.search, semantic: options.search?.semantic ?? semantic });
        // several nodes on one PostgreSQL store: runs are claimed in its job queue, uploads kept in it, so any node finishes a run
        const claim = options.jobClaim ?? (store instanceof PostgresStore ? new QueueJobClaim(new PostgresJobQueue(store)) : undefined);
        const jobs = new JobRunner({ store, claim, leaseMs: options.jobs?.leaseMs, takeoverPollMs: options.jobs?.takeoverPollMs });
        opened.push(jobs);
        const uploads = claim?.shared ? await StoreUploads.open(store, join(dataDir, "uploads")) : new DirectoryUploads(join(dataDir, "uploads"));
        const intake = new PaperIntake(jobs, papers, uploads, options.fetch, options.jobs?.importPace);
        const maps = new CorpusMaps(store, papers.name, dataDir);
        opened.push(maps);
        if (options.warmCorpusMap) void maps.current().catch(() => undefined); // an empty corpus has no map yet: the routes say so
        const digestSource = digestSourceFromFeed(feed);
        const digest = createDigest({ search, pins, topics, feedback, source: () => digestSource }, options.digest);
        const issuer = new DigestIssuer(await DigestSubscriptions.open(store), digest.builder, arrivals, options.digest?.now);
        scheduleDigestMail(jobs, { issuer, sender: digest.mailer, emailOf: async (id) => (await accounts.getReader(id))?.email }, options.digest?.mailEveryMinutes);
        const services: RadarServices = {
          accounts,
          search,
          pipelines: new PipelineSearch(papers, join(dataDir, "pipelines")),
          feedback,
          topics,
          pins,
          feed,
          areas,
          trending: new Trending(feedback, papers),
          library: new Library(await ReaderCollections.open(store), await PaperNotes.open(store), feedback, search),
          intake,
          onboarding: new Onboarding(maps, feedback, papers),
          mapView: new MapView(maps, feedback, papers),
          digest: { ...digest, issuer, mailNow: () => jobs.start(DIGEST_MAIL_JOB, undefined) },
          cookie: { cookieName: SESSION_COOKIE, secure: options.secureCookies },
          allowedOrigins: options.allowedOrigins ?? [],
          limits: {
            signInByAddress: new RateLimiter(limits.signInPerAddress),
            signUpByAddress: new RateLimiter(limits.signUpPerAddress),
            failuresByAccount: await SignInThrottle.open(store, limits.failedSignInsPerAccount),
          },
        };
        app.route("/", radarRoutes(services, options.localToken));
        mountWebApp(app); // the web UI at / (never shadows /api or /openapi.json)
      } catch (error) {
        for (const r of opened.reverse()) await r.close().catch(() => undefined);
        throw error;
      }
      return {
        async close() {
          for (const r of opened.reverse()) await r.close();
        },
      };
    },
  };
}

export type StartRadarServerOptions = Omit<StartServerOptions, "modules"> & { radar?: RadarApiOptions };

/**
 * Starts the HTTP server with Paper Radar's API: `startServer` with
 * `modules: [radarApi(options.radar)]`, and writes the server's info file
 * (server-info.ts) so that `trove radar import|fetch` on this machine hand
 * their work to it; the file is removed when the server closes.
 */
export async function startRadarServer(options: StartRadarServerOptions): Promise<RunningServer> {
  const { radar, ...rest } = options;
  const localToken = radar?.localToken ?? newLocalToken();
  const server = await startServer({
    ...rest,
    modules: [radarApi({ ...radar, localToken })],
    openapi: { title: "Paper Radar API", version: "0.1.0", description: "Trove's research-paper discovery app over HTTP.", ...rest.openapi },
  });
  const browseHost = server.host === "0.0.0.0" || server.host === "::" ? "127.0.0.1" : server.host;
  const url = `http://${browseHost.includes(":") ? `[${browseHost}]` : browseHost}:${server.port}`;
  writeServerInfo(options.dataDir, { url, token: localToken });
  return {
    ...server,
    url: server.url,
    close: async () => {
      removeServerInfo(options.dataDir);
      await server.close();
    },
  };
}
