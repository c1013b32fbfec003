/**
 * The digest builder over a real store: the week it picks, editor's picks
 * first, the fallback source following the reader's topics, a custom
 * source, and summaries written by a fake OpenAI-compatible endpoint (with
 * the fallback to extractive summaries when the endpoint fails).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DigestBuilder } from "./digest-builder.js";
import { digestSourceFromFeed, type DigestSource } from "./digest-types.js";
import { fallbackDigestSource } from "./fallback-source.js";
import { TEST_PAPERS, WEEK, openTestRadar, type TestRadar } from "../test-support/test-radar.js";
import type { LlmConfig } from "./llm-writer.js";

const NOW = Date.UTC(2026, 10, 24, 12); // long after the corpus ends
let radar: TestRadar;

function builder(options: { source?: DigestSource; llm?: LlmConfig; now?: number } = {}): DigestBuilder {
  const fallback = fallbackDigestSource({ search: radar.search, topics: radar.topics, feedback: radar.feedback });
  return new DigestBuilder({
    search: radar.search,
    pins: radar.pins,
    topics: radar.topics,
    source: () => options.source ?? fallback,
    llm: options.llm,
    now: () => options.now ?? NOW,
  });
}

before(async () => {
  radar = await openTestRadar();
});

after(async () => {
  await radar?.close();
});

const inWeek = TEST_PAPERS.filter((p) => p.date >= "2026-06-29" && p.date <= "2026-07-05");

describe("extractive digest", () => {
  test("without papers this week, the newest paper's week, said in a note", async () => {
    const digest = await builder().build("reader-1");
    assert.equal(digest.week, WEEK);
    assert.equal(digest.from, "2026-06-29");
    assert.equal(digest.to, "2026-07-05");
    assert.ok(digest.notes.some((n) => n.includes(WEEK)), digest.notes.join(" | "));
    assert.equal(digest.generatedBy, "extractive");
    assert.equal(digest.items.length, inWeek.length);
    for (const item of digest.items) {
      assert.ok(item.paper.date >= digest.from && item.paper.date <= digest.to);
      assert.ok(item.summary.length > 0 && item.summary.length <= 450);
      assert.ok(item.paper.abstract.includes(item.summary.split(" ").slice(0, 4).join(" ")), "the summary comes from the abstract");
      assert.ok(item.bestFor.length >= 1);
      assert.deepEqual(
        item.topics.filter((t) => t.kind === "category").map((t) => t.value),
        item.paper.categories,
      );
      assert.equal(item.pinned, false);
    }
    assert.ok(digest.takeaway.length > 0);
    // a week asked for by name with papers in it carries no note
    const named = await builder({ now: Date.UTC(2026, 6, 1) }).build("reader-1");
    assert.equal(named.week, WEEK);
    assert.deepEqual(named.notes, []);
  });

  test("the reader's liked topics come first; disliked ones and hidden papers are left out; matches are labelled", async () => {
    await radar.topics.put("reader-2", [
      { kind: "category", value: "cs.CL", level: "like" },
      { kind: "keyword", value: "conversational search", level: "dislike" },
    ]);
    await radar.feedback.add("reader-2", "2606.10001", "hide");
    const digest = await builder().build("reader-2", WEEK);
    const ids = digest.items.map((i) => i.paper.id);
    assert.ok(!ids.includes("2607.10005"), "matches a disliked keyword");
    assert.ok(!ids.includes("2606.10001"), "hidden");
    const firstOther = digest.items.findIndex((i) => !i.paper.categories.includes("cs.CL"));
    const lastLiked = digest.items.map((i) => i.paper.categories.includes("cs.CL")).lastIndexOf(true);
    assert.ok(firstOther === -1 || lastLiked < firstOther, "cs.CL papers first");
    const clItem = digest.items.find((i) => i.paper.categories.includes("cs.CL"))!;
    assert.ok(clItem.topics.some((t) => t.value === "cs.CL" && t.matched));
    assert.ok(clItem.reasons.some((r) => r.includes("cs.CL")));
  });

  test("editor's picks come first, even from another week; a custom source fills the rest", async () => {
    await radar.pins.pin("2605.10006", "admin-1", { note: "a classic" });
    try {
      const source: DigestSource = async (_reader, window, limit) => {
        assert.deepEqual(window, { since: "2026-06-29", until: "2026-07-05" });
        assert.ok(limit >= 10);
        return { items: [...inWeek].reverse().map((paper) => ({ paper, reasons: [{ text: "from the feed" }] })) };
      };
      const digest = await builder({ source }).build("reader-3", WEEK);
      assert.equal(digest.items[0].paper.id, "2605.10006");
      assert.equal(digest.items[0].pinned, true);
      assert.ok(digest.items[0].reasons[0].startsWith("Editor's pick"));
      assert.deepEqual(
        digest.items.slice(1).map((i) => i.paper.id),
        [...inWeek].reverse().map((p) => p.id),
      );
      assert.ok(digest.items.slice(1).every((i) => !i.pinned && i.reasons.includes("from the feed")));
    } finally {
      await radar.pins.unpin("2605.10006");
    }
  });

  test("a feed becomes the digest's source through the one-line adapter", async () => {
    const calls: unknown[] = [];
    const feed = {
      async feed(readerId: string, options: { since?: string; until?: string; limit?: number }) {
        calls.push({ readerId, ...options });
        return { items: inWeek.slice(0, 2).map((paper) => ({ paper, score: 1, reasons: [{ kind: "topic", text: "matches topic cs.IR" }] })) };
      },
    };
    const digest = await builder({ source: digestSourceFromFeed(feed) }).build("reader-5", WEEK);
    assert.deepEqual(calls, [{ readerId: "reader-5", since: "2026-06-29", until: "2026-07-05", limit: 10 }]);
    assert.deepEqual(
      digest.items.map((i) => i.paper.id),
      inWeek.slice(0, 2).map((p) => p.id),
    );
    assert.deepEqual(digest.items[0].reasons, ["matches topic cs.IR"]);
  });

  test("a bad week is refused", async () => {
    await assert.rejects(builder().build("reader-1", "2026-W99"), /weeks 01/);
  });
});

describe("LLM-written digest (fake OpenAI-compatible endpoint)", () => {
  let server: Server;
  let base: string;
  const requests: Array<{ url: string; auth: string | undefined; body: { model: string; messages: Array<{ role: string; content: string }> } }> = [];
  let mode: "ok" | "error" | "hang" = "ok";

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  before(async () => {
    server = createServer(async (req, res) => {
      const body = JSON.parse(await readBody(req));
      requests.push({ url: req.url ?? "", auth: req.headers.authorization, body });
      if (mode === "hang") return; // never answers
      if (mode === "error") {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "model overloaded" } }));
        return;
      }
      const prompt: string = body.messages[body.messages.length - 1].content;
      const title = /Title: (.*)/.exec(prompt)?.[1];
      const content = title ? `LLM summary of ${title}` : "LLM takeaway: retrieval everywhere";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "x", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test("summaries and takeaway come from the model; the requests carry the model, the key and the paper", async () => {
    mode = "ok";
    requests.length = 0;
    const digest = await builder({ llm: { url: base, model: "tiny-model", apiKey: "sk-test" } }).build("reader-4", WEEK);
    assert.equal(digest.generatedBy, "llm");
    for (const item of digest.items) assert.equal(item.summary, `LLM summary of ${item.paper.title}`);
    assert.equal(digest.takeaway, "LLM takeaway: retrieval everywhere");
    assert.equal(requests.length, digest.items.length + 1);
    for (const r of requests) {
      assert.equal(r.url, "/v1/chat/completions");
      assert.equal(r.auth, "Bearer sk-test");
      assert.equal(r.body.model, "tiny-model");
      assert.ok(r.body.messages.some((m) => m.role === "system"));
    }
    for (const item of digest.items) {
      assert.ok(
        requests.some((r) => r.body.messages.some((m) => m.content.includes(item.paper.title) && m.content.includes(item.paper.abstract))),
        `a request holds ${item.paper.id}'s title and abstract`,
      );
    }
  });

  test("an endpoint that fails, hangs or is gone leaves an extractive digest with a note", async () => {
    const extractive = await builder().build("reader-4", WEEK);
    mode = "error";
    const failed = await builder({ llm: { url: base, model: "m" } }).build("reader-4", WEEK);
    assert.equal(failed.generatedBy, "extractive");
    assert.ok(failed.notes.some((n) => n.includes("model overloaded")), failed.notes.join(" | "));
    assert.deepEqual(
      failed.items.map((i) => i.summary),
      extractive.items.map((i) => i.summary),
    );
    mode = "hang";
    const hung = await builder({ llm: { url: base, model: "m", timeoutMs: 200 } }).build("reader-4", WEEK);
    assert.equal(hung.generatedBy, "extractive");
    assert.ok(hung.notes.some((n) => n.includes("no answer within")), hung.notes.join(" | "));
    const gone = await builder({ llm: { url: "http://127.0.0.1:9/v1", model: "m" } }).build("reader-4", WEEK);
    assert.equal(gone.generatedBy, "extractive");
    assert.ok(gone.notes.length > 0);
  });
});
