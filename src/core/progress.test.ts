import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { Progress } from "./progress.js";

function sink(isTTY: boolean): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  return { stream, text: () => chunks.join("") };
}

test("without a terminal, progress is a plain line per interval, not redrawn", async () => {
  const { stream, text } = sink(false);
  const p = new Progress("indexing", 100, { stream, logIntervalMs: 20 });
  p.update(1);
  assert.equal(text(), "", "nothing before the first interval");
  await new Promise((r) => setTimeout(r, 30));
  p.update(50);
  p.update(51);
  await new Promise((r) => setTimeout(r, 30));
  p.done();
  const lines = text().split("\n").filter(Boolean);
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^indexing: 50\/100 50\.0%/);
  assert.match(lines[1], /^indexing: done in/);
  assert.ok(!text().includes("\r"), "no carriage returns in a log");
});

test("on a terminal, the line is redrawn in place; disabled progress writes nothing", () => {
  const tty = sink(true);
  const p = new Progress("fit", 10, { stream: tty.stream });
  p.update(10);
  p.done();
  assert.match(tty.text(), /^\rfit: 10\/10 100\.0%/);
  const off = sink(false);
  const q = new Progress("fit", 10, { stream: off.stream, enabled: false, logIntervalMs: 0 });
  q.update(5);
  q.done();
  assert.equal(off.text(), "");
});
