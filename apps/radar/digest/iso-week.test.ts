import { test } from "node:test";
import assert from "node:assert/strict";
import { TroveError } from "../../../src/core/errors.js";
import { isoWeekOf, parseIsoWeek, weeksInYear } from "./iso-week.js";

test("ISO weeks run Monday to Sunday and round-trip", () => {
  // every day of three years maps to a week that holds it and parses back
  const start = Date.UTC(2025, 0, 1);
  for (let d = 0; d < 3 * 366; d++) {
    const day = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
    const w = isoWeekOf(day);
    assert.ok(w.from <= day && day <= w.to, `${day} in ${w.week}`);
    assert.equal(new Date(`${w.from}T00:00:00Z`).getUTCDay(), 1, "starts on Monday");
    assert.deepEqual(parseIsoWeek(w.week), w);
  }
});

test("known weeks", () => {
  assert.deepEqual(parseIsoWeek("2026-W27"), { week: "2026-W27", from: "2026-06-29", to: "2026-07-05" });
  assert.equal(isoWeekOf("2027-01-01").week, "2026-W53");
  assert.equal(weeksInYear(2026), 53);
  assert.equal(weeksInYear(2025), 52);
});

test("bad weeks are refused with a message naming the form", () => {
  for (const bad of ["2026-27", "2026-W7", "W27", "2025-W53", "2026-W00", "2026-W54"]) {
    assert.throws(() => parseIsoWeek(bad), (e: unknown) => e instanceof TroveError && /W\d\d|weeks 01/.test(e.message), bad);
  }
});
