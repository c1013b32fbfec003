/**
 * The job queue contract, run against both queues (in-process and
 * PostgreSQL), and the runner on top: leases, takeover after a worker stops
 * renewing, retries, schedules. The PostgreSQL part also kills a worker
 * process with SIGKILL while it holds a job and watches another finish it.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { InvalidArgumentError } from "../core/errors.js";
import { PostgresStore } from "../store/postgres-store.js";
import { postgresForTests } from "../store/testing/disposable-postgres.js";
import { InProcessJobQueue } from "./in-process-job-queue.js";
import type { JobQueue } from "./job-queue.js";
import { JobRunner } from "./job-runner.js";
import { PostgresJobQueue } from "./postgres-job-queue.js";

const server = await postgresForTests();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface QueueFixture {
  queue: JobQueue;
  close(): Promise<void>;
}

const backends: Array<{ name: string; skip?: string; open(): Promise<QueueFixture> }> = [
  { name: "in-process", open: async () => ({ queue: new InProcessJobQueue(), close: async () => undefined }) },
  {
    name: "postgres",
    skip: server ? undefined : "PostgreSQL is not installed",
    async open() {
      const store = await PostgresStore.open(await server!.createDatabase());
      return { queue: new PostgresJobQueue(store), close: () => store.close() };
    },
  },
];

async function until(condition: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(20);
  }
}

for (const backend of backends) {
  describe(`job queue: ${backend.name}`, { skip: backend.skip }, () => {
    const withQueue = async (body: (queue: JobQueue) => Promise<void>) => {
      const fixture = await backend.open();
      try {
        await body(fixture.queue);
      } finally {
        await fixture.close();
      }
    };

    test("enqueue: a key admits one job; get and list", async () => {
      await withQueue(async (queue) => {
        const first = await queue.enqueue({ kind: "fetch", key: "fetch@06:00", payload: { page: 1 } });
        const again = await queue.enqueue({ kind: "fetch", key: "fetch@06:00", payload: { page: 2 } });
        assert.equal(first.created, true);
        assert.equal(again.created, false);
        assert.equal(again.job.id, first.job.id);
        assert.deepEqual(again.job.payload, { page: 1 });
        await queue.enqueue({ kind: "import", payload: "x" });
        assert.equal((await queue.get(first.job.id))?.state, "queued");
        assert.equal(await queue.get("999999"), undefined);
        assert.deepEqual(
          (await queue.list()).map((j) => j.kind),
          ["import", "fetch"],
        );
        assert.equal((await queue.list({ kind: "fetch" })).length, 1);
        await assert.rejects(queue.enqueue({ kind: "Bad Kind" }), (e: unknown) => e instanceof InvalidArgumentError && /job kind/.test(e.message));
        await assert.rejects(queue.enqueue({ kind: "ok", maxAttempts: 0 }), InvalidArgumentError);
      });
    });

    test("claims: one worker per job, due jobs only, only the kinds asked for", async () => {
      await withQueue(async (queue) => {
        await queue.enqueue({ kind: "a", payload: 1 });
        await queue.enqueue({ kind: "a", payload: 2, runAt: new Date(Date.now() + 60_000) });
        await queue.enqueue({ kind: "b", payload: 3 });
        const claims = await Promise.all(Array.from({ length: 5 }, (_, i) => queue.claim(["a"], `w${i}`, 10_000)));
        const won = claims.filter((c) => c !== undefined);
        assert.equal(won.length, 1, "five workers asked at once, one got the job");
        assert.equal(won[0]!.job.payload, 1);
        assert.equal(won[0]!.job.attempts, 1);
        assert.equal(await queue.claim(["a"], "late", 10_000), undefined, "the other job is not due yet");
        assert.equal((await queue.claim(["b"], "w", 10_000))?.job.payload, 3);
        assert.equal(await won[0]!.complete({ ok: true }), true);
        const done = await queue.get(won[0]!.job.id);
        assert.equal(done?.state, "done");
        assert.deepEqual(done?.result, { ok: true });
      });
    });

    test("claimExclusive: one run of a kind at a time; a dead holder's run is taken over with its payload, not started again", async () => {
      await withQueue(async (queue) => {
        const asks = await Promise.all(Array.from({ length: 5 }, (_, i) => queue.claimExclusive({ kind: "import", payload: { file: i } }, `w${i}`, 150)));
        const won = asks.filter((a) => a !== undefined);
        assert.equal(won.length, 1, "five nodes asked at once, one got to run");
        const first = won[0]!;
        assert.equal(first.job.state, "running");
        assert.equal(first.job.attempts, 1);
        assert.equal(await queue.claimExclusive({ kind: "import" }, "late", 150), undefined, "refused while a run is in progress");
        assert.ok((await queue.claimExclusive({ kind: "other" }, "late", 150)) !== undefined, "other kinds are independent");
        // the holder dies: its run still blocks a new one, and is what a claim takes over
        await until(async () => Date.parse((await queue.get(first.job.id))!.leaseUntil!) < Date.now() - 20);
        assert.equal(await queue.claimExclusive({ kind: "import" }, "late", 150), undefined, "a run waiting to be taken over is still the run");
        const taken = (await queue.claim(["import"], "survivor", 10_000))!;
        assert.equal(taken.job.id, first.job.id);
        assert.equal(taken.job.attempts, 2);
        assert.deepEqual(taken.job.payload, first.job.payload);
        assert.equal(await first.complete(), false, "the dead holder can no longer finish it");
        // given back (a node shutting down): queued for the next claim, still no second run
        assert.equal(await taken.release(), true);
        assert.equal(await queue.claimExclusive({ kind: "import" }, "late", 150), undefined);
        const resumed = (await queue.claim(["import"], "survivor", 10_000))!;
        assert.equal(resumed.job.id, first.job.id);
        assert.equal(await resumed.complete({ ok: true }), true);
        const next = await queue.claimExclusive({ kind: "import", payload: "next" }, "w", 10_000);
        assert.ok(next !== undefined && next.job.id !== first.job.id, "after the run ends a new one may start");
      });
    });

    test("a lease that runs out is taken over (attempt 2); the first holder can no longer finish the job", async () => {
      await withQueue(async (queue) => {
        const { job } = await queue.enqueue({ kind: "rebuild", maxAttempts: 2 });
        const first = (await queue.claim(["rebuild"], "node-1", 200))!;
        assert.equal(await queue.claim(["rebuild"], "node-2", 200), undefined, "held");
        assert.equal(await first.heartbeat({ step: 1 }), true);
        await sleep(400);
        const second = (await queue.claim(["rebuild"], "node-2", 5000))!;
        assert.equal(second.job.id, job.id);
        assert.equal(second.job.attempts, 2);
        assert.equal(second.job.holder, "node-2");
        assert.deepEqual(second.job.progress, { step: 1 });
        assert.equal(await first.heartbeat(), false, "the first holder learns it lost the job");
        assert.equal(await first.complete(), false);
        assert.equal(await second.complete("finished"), true);
        assert.equal((await queue.get(job.id))?.result, "finished");

        // the last allowed attempt dying too: the job fails instead of running a third time
        const { job: other } = await queue.enqueue({ kind: "rebuild", maxAttempts: 1 });
        await queue.claim(["rebuild"], "node-1", 100);
        await sleep(250);
        assert.equal(await queue.claim(["rebuild"], "node-2", 100), undefined);
        const failed = await queue.get(other.id);
        assert.equal(failed?.state, "failed");
        assert.match(failed?.error ?? "", /abandoned/);
      });
    });

    test("failures are retried after a delay until the attempts are used up; a release gives the job back at once", async () => {
      await withQueue(async (queue) => {
        const { job } = await queue.enqueue({ kind: "import", maxAttempts: 2 });
        let lease = (await queue.claim(["import"], "w", 5000))!;
        assert.equal(await lease.fail("source unreachable", 200), true);
        assert.equal((await queue.get(job.id))?.state, "queued");
        assert.equal(await queue.claim(["import"], "w", 5000), undefined, "not before the retry delay");
        await sleep(300);
        lease = (await queue.claim(["import"], "w", 5000))!;
        assert.equal(lease.job.attempts, 2);
        assert.equal(await lease.release(), true);
        lease = (await queue.claim(["import"], "w2", 5000))!;
        assert.equal(lease.job.attempts, 2, "a release does not use up an attempt");
        assert.equal(await lease.fail("still unreachable"), true);
        const failed = await queue.get(job.id);
        assert.equal(failed?.state, "failed");
        assert.equal(failed?.error, "still unreachable");
        assert.equal(await queue.prune(new Date(Date.now() + 1000)), 1);
        assert.equal(await queue.get(job.id), undefined);
      });
    });

    test("runner: runs handlers, renews the lease while they work, retries failures, and gives jobs back when stopped", async () => {
      await withQueue(async (queue) => {
        const seen: string[] = [];
        const runner = new JobRunner(queue, { leaseMs: 300, pollMs: 50, retryBaseMs: 50, onError: (e) => seen.push(`error ${String(e)}`) });
        let flaky = 0;
        runner
          .handle("slow", async ({ progress }) => {
            for (let i = 0; i < 5; i++) {
              progress({ i });
              await sleep(150); // 750 ms in all: longer than the 300 ms lease
            }
            return "slow done";
          })
          .handle("flaky", async () => {
            if (++flaky < 2) throw new Error("first try fails");
            return "flaky done";
          })
          .handle("forever", ({ signal }) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error))));
        const slow = (await queue.enqueue({ kind: "slow" })).job;
        const flakyJob = (await queue.enqueue({ kind: "flaky" })).job;
        runner.start();
        await until(async () => (await queue.get(slow.id))?.state === "done" && (await queue.get(flakyJob.id))?.state === "done", 8000);
        assert.equal((await queue.get(slow.id))?.attempts, 1, "never taken over: heartbeats kept the lease");
        assert.equal((await queue.get(slow.id))?.result, "slow done");
        assert.equal((await queue.get(flakyJob.id))?.attempts, 2);
        const forever = (await queue.enqueue({ kind: "forever" })).job;
        await until(() => runner.active.includes(forever.id));
        await runner.stop();
        const back = await queue.get(forever.id);
        assert.equal(back?.state, "queued", "handed back for another worker");
        assert.equal(back?.attempts, 0);
        assert.deepEqual(seen, []);
      });
    });

    test("schedules: every worker asks for each period's job, one runs it", async () => {
      // the 600 ms below must lie within one 60 s period (the runners read the wall clock): start well after a boundary
      const intoPeriod = Date.now() % 60_000;
      if (intoPeriod > 55_000) await sleep(60_000 - intoPeriod + 50);
      await withQueue(async (queue) => {
        let runs = 0;
        const runners = [1, 2, 3].map(() =>
          new JobRunner(queue, { pollMs: 30, leaseMs: 5000 }).schedule("fetch", 60_000).handle("fetch", async () => {
            runs++;
            await sleep(50);
          }),
        );
        for (const r of runners) r.start();
        await sleep(600);
        await Promise.all(runners.map((r) => r.stop()));
        assert.equal(runs, 1);
        const jobs = await queue.list({ kind: "fetch" });
        assert.equal(jobs.length, 1);
        assert.match(jobs[0].key ?? "", /^fetch@\d{4}-\d{2}-\d{2}T/);
      });
    });
  });
}

describe("job queue: a worker process killed with SIGKILL", { skip: server ? undefined : "PostgreSQL is not installed" }, () => {
  test("its job is finished by another worker once the lease runs out", async () => {
    const url = await server!.createDatabase();
    const store = await PostgresStore.open(url);
    try {
      const queue = new PostgresJobQueue(store);
      const { job } = await queue.enqueue({ kind: "rebuild", payload: { model: "feed" } });
      const child = spawn(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const { PostgresStore } = await import(process.env.STORE_MODULE);
           const { PostgresJobQueue } = await import(process.env.QUEUE_MODULE);
           const { JobRunner } = await import(process.env.RUNNER_MODULE);
           const store = await PostgresStore.open(process.env.STORE_URL);
           const runner = new JobRunner(new PostgresJobQueue(store), { leaseMs: 600, pollMs: 50, holder: "doomed" });
           runner.handle("rebuild", () => { process.stdout.write("CLAIMED\\n"); return new Promise(() => {}); });
           runner.start();`,
        ],
        {
          env: {
            ...process.env,
            STORE_URL: url,
            STORE_MODULE: new URL("../store/postgres-store.js", import.meta.url).href,
            QUEUE_MODULE: new URL("./postgres-job-queue.js", import.meta.url).href,
            RUNNER_MODULE: new URL("./job-runner.js", import.meta.url).href,
          },
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_c, signal) => resolve(signal)));
      await new Promise<void>((resolve) => child.stdout.on("data", (c: Buffer) => c.toString().includes("CLAIMED") && resolve()));
      await sleep(700); // a few heartbeats: the lease is live when the worker dies
      assert.equal((await queue.get(job.id))?.holder, "doomed");
      child.kill("SIGKILL");
      assert.equal(await exited, "SIGKILL");
      const killedAt = Date.now();
      const survivor = new JobRunner(queue, { leaseMs: 5000, pollMs: 50, holder: "survivor" }).handle("rebuild", async ({ payload }) => ({ rebuilt: payload }));
      survivor.start();
      await until(async () => (await queue.get(job.id))?.state === "done", 10_000);
      await survivor.stop();
      const finished = (await queue.get(job.id))!;
      assert.equal(finished.holder, "survivor");
      assert.equal(finished.attempts, 2);
      assert.deepEqual(finished.result, { rebuilt: { model: "feed" } });
      assert.ok(Date.now() - killedAt < 5000, "taken over within about one lease");
    } finally {
      await store.close();
    }
  });
});
