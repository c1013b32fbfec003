import { test } from "node:test";
import assert from "node:assert/strict";
import { analyzeToTerms } from "./analyzer.js";
import { CjkAnalyzer } from "./cjk-analyzer.js";
import { InvalidArgumentError } from "../core/errors.js";

test("Chinese: dictionary words, punctuation dropped, Latin lowercased, full-width folded", () => {
  const zh = new CjkAnalyzer("chinese");
  assert.equal(zh.name, "chinese");
  const t = analyzeToTerms(zh, "我爱北京天安门。今天天气很好，ＡＢＣ测试 Hello World 3.14");
  assert.deepEqual(t, ["我", "爱", "北京", "天安门", "今天", "天气", "很好", "abc", "测试", "hello", "world", "3.14"]);
});

test("Japanese: kanji/kana words, half-width katakana folded", () => {
  const t = analyzeToTerms(new CjkAnalyzer("japanese"), "東京タワーへ行きました。ｶﾀｶﾅとIBMのコンピュータ");
  assert.ok(t.includes("東京タワー") || (t.includes("東京") && t.includes("タワー")), t.join(" "));
  assert.ok(t.includes("カタカナ"), t.join(" "));
  assert.ok(t.includes("ibm"), t.join(" "));
  assert.ok(t.includes("コンピュータ"), t.join(" "));
  assert.ok(!t.includes("。"));
});

test("Thai: dictionary words; positions count emitted terms", () => {
  const th = new CjkAnalyzer("thai");
  const seen: [string, number][] = [];
  const n = th.analyze("สวัสดีครับ ผมชื่อสมชาย", (term, pos) => seen.push([term, pos]));
  assert.deepEqual(seen.map(([term]) => term), ["สวัสดี", "ครับ", "ผม", "ชื่อ", "สมชาย"]);
  assert.deepEqual(seen.map(([, pos]) => pos), [0, 1, 2, 3, 4]);
  assert.equal(n, 5);
});

test("CJK: long unpunctuated text is cut into pieces without losing characters", () => {
  const text = "天气很好".repeat(400); // 1,600 characters, no punctuation
  const t = analyzeToTerms(new CjkAnalyzer("chinese"), text);
  assert.equal(t.join(""), text);
  assert.throws(() => new CjkAnalyzer("not a locale!"), InvalidArgumentError);
});
