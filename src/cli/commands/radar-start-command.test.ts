import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { openPapers } from "../../../apps/radar/papers.js";
import { bundledPapersFile, radarOptionsFromEnv, seedPapersIfEmpty } from "./radar-start-command.js";

const BIN = fileURLToPath(new URL("../../../../bin/trove.js", import.meta.url));

test("the bundled corpus is imported on the first start only; papers added since are kept", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-radar-start-"));
  try {
    assert.ok(existsSync(bundledPapersFile()), "data/arxiv-sample.jsonl.gz ships with the repository");
    const lines: string[] = [];
    const first = await seedPapersIfEmpty(dir, bundledPapersFile(), (line) => lines.push(line));
    assert.ok(first > 1000, `imported ${first} papers`);
    assert.match(lines.join("\n"), /first start: importing/);
    const radar = await openPapers(dir, { quiet: true });
    await radar.papers.delete([(await radar.papers.search("retrieval", { k: 1 })).hits[0].id]);
    await radar.close();
    assert.equal(await seedPapersIfEmpty(dir, bundledPapersFile(), () => undefined), 0, "a collection with papers is left as it is");
    const reopened = await openPapers(dir, { quiet: true });
    assert.equal(reopened.papers.index.documentCount, first - 1);
    await reopened.close();
    await assert.rejects(seedPapersIfEmpty(join(dir, "other"), join(dir, "missing.jsonl"), () => undefined), /corpus file not found: .*missing\.jsonl/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("admin emails, mail and LLM settings come from the environment", () => {
  assert.deepEqual(radarOptionsFromEnv({ RADAR_ADMIN_EMAILS: " a@x.org, b@y.org ,," }).accounts?.adminEmails, ["a@x.org", "b@y.org"]);
  const none = radarOptionsFromEnv({});
  assert.deepEqual(none.accounts?.adminEmails, []);
  assert.equal(none.digest?.smtpUrl, undefined);
  assert.equal(none.digest?.llm, undefined, "no LLM unless both URL and model are set");
  assert.equal(radarOptionsFromEnv({ RADAR_LLM_URL: "http://127.0.0.1:1/v1" }).digest?.llm, undefined);
  const all = radarOptionsFromEnv({ RADAR_SMTP_URL: "smtp://127.0.0.1:2525", RADAR_LLM_URL: "http://127.0.0.1:1/v1", RADAR_LLM_MODEL: "m", RADAR_LLM_API_KEY: " k " });
  assert.equal(all.digest?.smtpUrl, "smtp://127.0.0.1:2525");
  assert.deepEqual(all.digest?.llm, { url: "http://127.0.0.1:1/v1", model: "m", apiKey: "k" });
  assert.deepEqual(none.semantic, { encoder: undefined, dimensions: undefined }, "semantic search is on by default, with Trove's own encoder");
  assert.equal(radarOptionsFromEnv({ RADAR_SEMANTIC: "off" }).semantic, false);
  assert.throws(() => radarOptionsFromEnv({ RADAR_SEMANTIC: "maybe" }), /RADAR_SEMANTIC must be on or off/);
  assert.throws(() => radarOptionsFromEnv({ RADAR_ENCODER: "/no/such/model" }), /RADAR_ENCODER \/no\/such\/model: no such file or folder/);
  assert.throws(() => radarOptionsFromEnv({ RADAR_ENCODER_DIMENSIONS: "0" }), /RADAR_ENCODER_DIMENSIONS/);
});

test("`trove radar start` serves the web app and the API, and stops cleanly on SIGINT", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-radar-start-"));
  const child = spawn(process.execPath, [BIN, "radar", "start", "--port", "0", "--data", dir], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /API: (http:\/\/[^/\s]+)\/openapi\.json/.exec(out);
        if (match) resolve(match[1]);
      });
      child.once("exit", (code) => reject(new Error(`radar start exited with ${code}`)));
    });
    const papers = (await (await fetch(`${url}/api/papers?limit=2`)).json()) as { items: Array<{ id: string }> };
    assert.equal(papers.items.length, 2);
    const home = await fetch(`${url}/`);
    assert.equal(home.status, 200);
    assert.match(home.headers.get("content-type") ?? "", /text\/html/);
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 0);
  } finally {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
