/**
 * Micro benchmark: tokens per second of the English analyzer (Anserini's
 * default chain) on the SciFact corpus (title + text), plus the tokenizer
 * alone. Usage: node dist/bench/text/analyzer-speed.js [corpus.jsonl.gz] [runs]
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { createEnglishAnalyzer } from "../../src/text/english-analyzer.js";
import { StandardTokenizer } from "../../src/text/standard-tokenizer.js";
import { TokenBuffer } from "../../src/text/token-buffer.js";

const path = process.argv[2] || new URL("../../../../shared/datasets/scifact/corpus.jsonl.gz", import.meta.url).pathname;
const runs = Number(process.argv[3] ?? 5);

const docs: string[] = [];
for (const line of gunzipSync(readFileSync(path)).toString("utf8").split("\n")) {
  if (line.length === 0) continue;
  const o = JSON.parse(line) as { title?: string; text?: string; abstract?: string };
  docs.push(`${o.title ?? ""}\n${o.text ?? o.abstract ?? ""}`);
}
let chars = 0;
for (const d of docs) chars += d.length;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Prints tokens/s (tokens = positions, stop words included) from wall time and
 * from this process's CPU time (steadier on a shared machine), medians of `runs`.
 */
function measure(label: string, fn: () => number, repeat = runs): number {
  fn(); // warm-up (JIT, caches)
  const wall: number[] = [];
  const cpu: number[] = [];
  let tokens = 0;
  for (let r = 0; r < repeat; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    tokens = fn();
    wall.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  const w = median(wall);
  const c = median(cpu);
  console.log(
    `| ${label.padEnd(32)} | ${(tokens / w / 1e6).toFixed(2).padStart(14)} | ${(tokens / c / 1e6).toFixed(2).padStart(13)} | ${(chars / c / 1e6).toFixed(1).padStart(15)} | ${(w * 1000).toFixed(0).padStart(9)} |`,
  );
  return c;
}

console.log(`${docs.length} docs, ${(chars / 1e6).toFixed(1)} M chars, medians of ${runs} runs`);
console.log("| what                             | M tok/s (wall) | M tok/s (cpu) | M chars/s (cpu) | ms (wall) |");
console.log("|----------------------------------|----------------|---------------|-----------------|-----------|");
const tokenizer = new StandardTokenizer();
const buf = new TokenBuffer();
const ours = measure("StandardTokenizer", () => {
  let n = 0;
  for (const d of docs) n += tokenizer.tokenize(d, buf);
  return n;
});
for (const [label, analyzer] of [
  ["english (porter, stop words)", createEnglishAnalyzer()],
  ["english-nostem", createEnglishAnalyzer({ stemmer: "none" })],
] as const) {
  measure(label, () => {
    let n = 0;
    let kept = 0;
    const sink = (): void => {
      kept++;
    };
    for (const d of docs) n += analyzer.analyze(d, sink);
    return n + 0 * kept;
  });
}

// Peer: Intl.Segmenter over whole documents (word-like segments), what a
// plain JavaScript UAX#29 tokenizer does. Slow, so one timed run.
const segmenter = new Intl.Segmenter("en", { granularity: "word" });
const peer = measure(
  "peer: Intl.Segmenter, whole doc",
  () => {
    let n = 0;
    for (const d of docs) for (const s of segmenter.segment(d)) if (s.isWordLike === true) n++;
    return n;
  },
  1,
);
console.log(`\nStandardTokenizer is ${(peer / ours).toFixed(1)}x faster than Intl.Segmenter on the same documents (CPU time).`);
