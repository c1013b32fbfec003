/**
 * LLM rerankers against a local fake chat server that ranks by a hidden relevance oracle: RankGPT's
 * sliding window (back to front, window 20, step 10) recovers the oracle's top 10 in order from a
 * shuffled list of 100; PRP-Sliding-K recovers the top K and PRP-Allpairs the whole order; malformed
 * answers (repeated, unknown, missing ids; unreadable preferences), failing endpoints and spent budgets
 * fall back to the incoming order and are reported.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SeededRandom } from "../../core/random.js";
import { ChatClient, LLM_API_KEY_VARIABLE } from "./chat-client.js";
import { rankListwise, parseRanking, slidingWindows } from "./listwise.js";
import { LlmSession } from "./llm-session.js";
import { parsePreference, rankPairwise } from "./pairwise.js";
import { oracleAnswer, startFakeChatServer, type FakeChatServer } from "./testing.js";

/** 100 passages in a shuffled order; document d's hidden relevance is 1000 - 7d mod 1000 (all distinct). */
const relevance = (doc: number) => (1000 - ((7 * doc) % 1000)) % 1000;
const docs = new SeededRandom(3).shuffle(Array.from({ length: 100 }, (_, i) => i));
const passages = docs.map((d) => `passage about doc-${d} with some words`);
const oracleOrder = [...docs].sort((a, b) => relevance(b) - relevance(a));

function session(url: string, budget = {}, extra = {}) {
  return new LlmSession(new ChatClient({ url, model: "fake", retries: 1, retryDelayMs: 1, ...extra }), budget, undefined);
}

describe("RankGPT sliding window", () => {
  let server: FakeChatServer;
  before(async () => (server = await startFakeChatServer(oracleAnswer(relevance))));
  after(() => server.close());

  test("windows run from the back of the list to the front", () => {
    assert.deepEqual(slidingWindows(100, 20, 10), [[80, 100], [70, 90], [60, 80], [50, 70], [40, 60], [30, 50], [20, 40], [10, 30], [0, 20]]);
    assert.deepEqual(slidingWindows(25, 20, 10), [[5, 25], [0, 15]]);
    assert.deepEqual(slidingWindows(7, 20, 10), [[0, 7]]);
    assert.deepEqual(slidingWindows(1, 20, 10), []);
  });

  test("one pass brings the oracle's top 10 to the front, in the oracle's order", async () => {
    const s = session(server.url);
    const { order, windows } = await rankListwise("q", passages, {}, (m) => s.ask(m));
    assert.deepEqual(order.slice(0, 10).map((i) => docs[i]), oracleOrder.slice(0, 10));
    assert.deepEqual([...order].sort((a, b) => a - b), docs.map((_, i) => i), "a permutation");
    assert.equal(s.calls, 9);
    assert.ok(windows.every((w) => w.skipped === null && w.parsed!.missing.length === 0));
    // RankGPT's prompt: 20 passages labelled [1]..[20], then the instruction
    const last = server.requests.at(-1)!.messages;
    assert.match(last[0].content, /RankGPT/);
    assert.equal(last.filter((m) => /^\[\d+\] passage/.test(m.content)).length, 20);
  });

  test("window and step are settings: window 10, step 5 sorts the top 5", async () => {
    const s = session(server.url);
    const { order } = await rankListwise("q", passages, { window: 10, step: 5 }, (m) => s.ask(m));
    assert.deepEqual(order.slice(0, 5).map((i) => docs[i]), oracleOrder.slice(0, 5));
  });
});

describe("malformed answers, failures and budgets", () => {
  test("repeated, unknown and missing ids: the answer's order first, the missing ones in incoming order", () => {
    const parsed = parseRanking("[3] > [3] > [99] > [0] > [1] and that is all", 5);
    assert.deepEqual(parsed.order, [2, 0, 1, 3, 4]);
    assert.deepEqual(parsed.repeated, [3]);
    assert.deepEqual(parsed.unknown, [99, 0]);
    assert.deepEqual(parsed.missing, [2, 4, 5]);
    assert.deepEqual(parseRanking("I cannot rank these.", 3).order, [0, 1, 2]);
  });

  test("garbage answers degrade gracefully: the list stays a permutation and the problems are reported", async () => {
    const server = await startFakeChatServer((_m, i) => ({ content: i % 2 === 0 ? "[2] > [2] > [42] > [1]" : "no idea, sorry" }));
    try {
      const s = session(server.url);
      const { order, windows } = await rankListwise("q", passages.slice(0, 30), {}, (m) => s.ask(m));
      assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i));
      assert.deepEqual(windows[0].parsed!.repeated, [2]);
      assert.deepEqual(windows[0].parsed!.unknown, [42]);
      assert.equal(windows[0].parsed!.missing.length, 18);
      assert.equal(windows[1].parsed!.missing.length, 20, "an answer without ids keeps the window's order");
      // window [10, 30) answered "[2] > [1]": positions 11 and 10 swap, the rest keep their order
      assert.deepEqual(order.slice(10, 14), [11, 10, 12, 13]);
    } finally {
      await server.close();
    }
  });

  test("an endpoint that fails is retried; one that keeps failing leaves the incoming order and says why", async () => {
    let flaky = 0;
    const recovering = await startFakeChatServer((m) => (flaky++ % 2 === 0 ? { status: 503, body: '{"error":{"message":"busy"}}' } : oracleAnswer(relevance)(m)));
    const down = await startFakeChatServer(() => ({ status: 500, body: '{"error":{"message":"model crashed"}}' }));
    const notJson = await startFakeChatServer(() => ({ body: "<html>proxy error</html>" }));
    try {
      const s = session(recovering.url);
      const { order } = await rankListwise("q", passages.slice(0, 20), {}, (m) => s.ask(m));
      assert.deepEqual(order.slice(0, 5).map((i) => docs[i]), [...docs.slice(0, 20)].sort((a, b) => relevance(b) - relevance(a)).slice(0, 5));
      assert.equal(recovering.requests.length, 2);
      for (const server of [down, notJson]) {
        const failing = session(server.url);
        const result = await rankListwise("q", passages.slice(0, 30), {}, (m) => failing.ask(m));
        assert.deepEqual(result.order, Array.from({ length: 30 }, (_, i) => i));
        assert.ok(result.windows.every((w) => w.skipped !== null && /chat endpoint .*\/chat\/completions/.test(w.skipped)));
        assert.equal(failing.failed, 2);
      }
      assert.match(session(down.url).summary(), /0 calls/);
    } finally {
      await Promise.all([recovering.close(), down.close(), notJson.close()]);
    }
  });

  test("budgets: calls and tokens per query; windows past the budget keep their order", async () => {
    const server = await startFakeChatServer((m) => ({ ...oracleAnswer(relevance)(m), tokens: 1000 }));
    try {
      const byCalls = session(server.url, { calls: 3 });
      const result = await rankListwise("q", passages, {}, (m) => byCalls.ask(m));
      assert.equal(byCalls.calls, 3);
      assert.equal(result.windows.filter((w) => w.skipped !== null).length, 6);
      assert.match(result.windows.at(-1)!.skipped!, /budget of 3 calls is spent/);
      assert.deepEqual(result.order.slice(0, 40), Array.from({ length: 40 }, (_, i) => i), "the front was never reached");
      const byTokens = session(server.url, { tokens: 2500 });
      await rankListwise("q", passages, {}, (m) => byTokens.ask(m));
      assert.equal(byTokens.calls, 2);
      assert.equal(byTokens.tokens, 2000);
      assert.match(byTokens.summary(), /2 calls, 2000 tokens, 7 refused by the budget/);
    } finally {
      await server.close();
    }
  });

  test("the key comes from the spec, else from TROVE_LLM_API_KEY", async () => {
    const server = await startFakeChatServer(() => ({ content: "[1]" }));
    const saved = process.env[LLM_API_KEY_VARIABLE];
    try {
      process.env[LLM_API_KEY_VARIABLE] = "from-env";
      await new ChatClient({ url: server.url, model: "m" }).complete([{ role: "user", content: "x" }]);
      await new ChatClient({ url: server.url, model: "m", apiKey: "from-spec" }).complete([{ role: "user", content: "x" }]);
      assert.deepEqual(server.requests.map((r) => r.authorization), ["Bearer from-env", "Bearer from-spec"]);
    } finally {
      if (saved === undefined) delete process.env[LLM_API_KEY_VARIABLE];
      else process.env[LLM_API_KEY_VARIABLE] = saved;
      await server.close();
    }
  });
});

describe("pairwise ranking prompting", () => {
  let server: FakeChatServer;
  before(async () => (server = await startFakeChatServer(oracleAnswer(relevance))));
  after(() => server.close());
  const few = passages.slice(0, 12);
  const fewOracle = [...docs.slice(0, 12)].sort((a, b) => relevance(b) - relevance(a));

  test("answers are read leniently", () => {
    assert.equal(parsePreference("Passage A"), "A");
    assert.equal(parsePreference("**Passage B** is more relevant."), "B");
    assert.equal(parsePreference(" b "), "B");
    assert.equal(parsePreference("Passage A and Passage B"), null);
    assert.equal(parsePreference("neither"), null);
  });

  test("PRP-Sliding-3 puts the oracle's top 3 first; PRP-Allpairs recovers the whole order", async () => {
    const s = session(server.url);
    const sliding = await rankPairwise("q", few, { passes: 3 }, (m) => s.ask(m));
    assert.deepEqual(sliding.order.slice(0, 3).map((i) => docs[i]), fewOracle.slice(0, 3));
    assert.equal(sliding.report.inconsistent, 0);
    assert.ok(s.calls <= 2 * (11 + 10 + 9), "both orders of each pair, each pair asked once");
    const a = session(server.url);
    const allpairs = await rankPairwise("q", few, { method: "allpairs" }, (m) => a.ask(m));
    assert.deepEqual(allpairs.order.map((i) => docs[i]), fewOracle);
    assert.equal(a.calls, 12 * 11);
    assert.match(server.requests.at(-1)!.messages[0].content, /^Given a query "q", which of the following two passages is more relevant/);
  });

  test("a model that always says A is inconsistent on every pair: nothing moves; a budget stops the sweep", async () => {
    const biased = await startFakeChatServer(() => ({ content: "Passage A" }));
    try {
      const s = session(biased.url);
      const { order, report } = await rankPairwise("q", few, { passes: 2 }, (m) => s.ask(m));
      assert.deepEqual(order, few.map((_, i) => i));
      assert.equal(report.inconsistent, report.comparisons);
      const limited = session(server.url, { calls: 4 });
      const cut = await rankPairwise("q", few, { passes: 3 }, (m) => limited.ask(m));
      assert.equal(limited.calls, 4);
      assert.match(cut.report.skipped!, /budget of 4 calls/);
      assert.deepEqual([...cut.order].sort((x, y) => x - y), few.map((_, i) => i));
    } finally {
      await biased.close();
    }
  });
});
