import { test } from "node:test";
import assert from "node:assert/strict";
import { RecentAnswers } from "./recent-answers.js";

test("remembers the most recent answers, shares a computation in flight, forgets failures", async () => {
  const answers = new RecentAnswers<string>(2);
  let computed = 0;
  const compute = (value: string) => async () => {
    computed++;
    return value;
  };
  const [a, b] = await Promise.all([answers.get("a", compute("A")), answers.get("a", compute("other"))]);
  assert.deepEqual([a, b, computed], ["A", "A", 1], "two concurrent requests, one computation");
  await answers.get("b", compute("B"));
  await answers.get("a", compute("again")); // a is now the most recent
  await answers.get("c", compute("C")); // drops b, the least recent
  assert.equal(answers.size, 2);
  assert.equal(await answers.get("a", compute("again")), "A");
  assert.equal(await answers.get("b", compute("B2")), "B2", "b was dropped and computed again");
  await assert.rejects(answers.get("x", () => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(await answers.get("x", compute("fine")), "fine", "a failure is not remembered");
});
