/**
 * `npm run bench:tokenizers`: the measurement behind Trove's tokenizer choice (docs/DECISIONS.md).
 *
 * Three tokenizer families, each trained here on 2,000 SciFact documents (no download):
 *   - BERT WordPiece (bge, MiniLM, e5-v2): BertNormalizer, BertPreTokenizer, "[CLS] $A [SEP]";
 *   - SentencePiece Unigram laid out as XLM-R / multilingual-E5 ship it (Precompiled nmt_nfkc charsmap,
 *     Metaspace, "<s> $A </s>"), trained with Debian's python3-sentencepiece (skipped when missing);
 *   - byte-level BPE laid out as Qwen2/Qwen3 embedders ship it (NFC, the Qwen2 split regex, ByteLevel,
 *     "$A <|endoftext|>").
 * Held-out texts (the other SciFact documents, 3,000 arXiv titles and abstracts, MovieLens titles and
 * multilingual / control-character / emoji stress strings) are tokenized by Hugging Face's Rust
 * tokenizers (npm `tokenizers`, which Trove uses; the same crate as Python's) and by the pure-JS
 * Tokenizers.js (npm `@huggingface/tokenizers`). The table gives the texts whose ids differ and the speed.
 *
 *   npm run bench:tokenizers [-- --runs 3]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers";
import * as native from "tokenizers";
import { formatTable } from "../../src/cli/output.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DATASETS = join(ROOT, "..", "shared", "datasets");
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 3;
const work = mkdtempSync(join(tmpdir(), "trove-bench-tokenizers-"));

type Json = Record<string, unknown> & { model: Record<string, unknown> };

function jsonLines(path: string): Array<Record<string, string>> {
  return gunzipSync(readFileSync(path)).toString("utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
}

const STRESS = [
  "", " ", "Café crème brûlée naïve", "北京大学的学生在学习", "東京は日本の首都です。", "한국어 텍스트 처리", "مرحبا بالعالم",
  "Ünïcödé İstanbul STRASSE straße ß", "emoji 😀👍🏽 family 👨‍👩‍👧", "tab\there\nnew line\r\nCRLF", "\u00a0nbsp and\u3000ideographic space",
  "zero\u200bwidth\u200djoiner", "control\u0007bell\u0000nul\ufffdrepl", "a".repeat(150), "x" + "é".repeat(120), "don't it's we're I'M YOU'LL",
  "3.14159 1,000,000 2024-12-06", "e\u0301 combining vs é precomposed", "ﬁ ligature ＦＵＬＬＷＩＤＴＨ ① ㎏", "Ελληνικά Русский текст",
  "  multiple   spaces   ", "<s> </s> [CLS] [SEP] <|endoftext|> specials in text", "https://example.org/path?q=1&r=2#frag", "C++ C# F# .NET node.js",
];

function texts(): { train: string; heldOut: string[] } {
  const scifact = jsonLines(join(DATASETS, "scifact", "corpus.jsonl.gz"));
  const train = scifact.slice(0, 2000).flatMap((d) => [d.title, d.text]).join("\n");
  const heldOut = scifact.slice(2000).flatMap((d) => [d.title, d.text]);
  for (const paper of jsonLines(join(DATASETS, "arxiv-cs-cl-ir", "papers.jsonl.gz")).slice(0, 3000)) heldOut.push(paper.title, paper.abstract);
  const movies = readFileSync(join(DATASETS, "movielens-100k", "u.item"), "latin1").split("\n").map((l) => l.split("|")[1]).filter(Boolean);
  return { train, heldOut: [...heldOut, ...movies, ...STRESS] };
}

function addedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

function template(before: string[], after: string[], ids: Record<string, number>) {
  const special = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const single = [...before.map((t) => special(t, 0)), { Sequence: { id: "A", type_id: 0 } }, ...after.map((t) => special(t, 0))];
  const pair = [...single, { Sequence: { id: "B", type_id: 1 } }, ...after.map((t) => special(t, 1))];
  const specialTokens = Object.fromEntries(Object.entries(ids).map(([t, id]) => [t, { id: t, ids: [id], tokens: [t] }]));
  return { type: "TemplateProcessing", single, pair, special_tokens: specialTokens };
}

/** Trains a model with the Rust library's default trainer and returns its tokenizer.json. */
function train(model: native.Model, setup: (t: native.Tokenizer) => void, corpus: string, name: string): Json {
  const tokenizer = new native.Tokenizer(model);
  setup(tokenizer);
  tokenizer.train([corpus]);
  const file = join(work, `${name}-trained.json`);
  tokenizer.save(file);
  return JSON.parse(readFileSync(file, "utf8")) as Json;
}

function bertTokenizer(corpus: string): Json {
  const json = train(native.WordPiece.empty() as unknown as native.Model, (t) => {
    t.setNormalizer(native.bertNormalizer());
    t.setPreTokenizer(native.bertPreTokenizer());
  }, corpus, "bert");
  const vocab = json.model.vocab as Record<string, number>;
  let next = Object.keys(vocab).length;
  const ids: Record<string, number> = {};
  for (const token of ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]) ids[token] = vocab[token] ??= next++;
  json.added_tokens = Object.entries(ids).map(([t, id]) => addedToken(id, t));
  json.post_processor = template(["[CLS]"], ["[SEP]"], { "[CLS]": ids["[CLS]"], "[SEP]": ids["[SEP]"] });
  json.decoder = { type: "WordPiece", prefix: "##", cleanup: true };
  return json;
}

const QWEN2_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

function qwenTokenizer(corpus: string): Json {
  const json = train(native.BPE.empty(), (t) => {
    t.setNormalizer(native.nfcNormalizer());
    t.setPreTokenizer(native.byteLevelPreTokenizer(false, true));
  }, corpus, "qwen");
  const eos = Object.keys(json.model.vocab as object).length;
  json.added_tokens = [addedToken(eos, "<|endoftext|>")];
  json.pre_tokenizer = {
    type: "Sequence",
    pretokenizers: [
      { type: "Split", pattern: { Regex: QWEN2_SPLIT }, behavior: "Isolated", invert: false },
      { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    ],
  };
  json.post_processor = template([], ["<|endoftext|>"], { "<|endoftext|>": eos });
  json.decoder = { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true };
  return json;
}

function sentencePieceTokenizer(corpus: string): Json | string {
  const dir = join(work, "xlmr");
  spawnSync("mkdir", ["-p", dir]);
  const r = spawnSync("/usr/bin/python3", [join(ROOT, "bench", "onnx", "sentencepiece_tokenizer.py"), corpus, dir], { encoding: "utf8" });
  if (r.status !== 0) return `skipped: ${(r.stderr || r.error?.message || "python3 failed").trim().split("\n").at(-1)}`;
  return JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8")) as Json;
}

async function measure(name: string, json: Json, config: Record<string, unknown>, inputs: string[]) {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(json));
  const js = new JsTokenizer(json, config);
  const rust = native.Tokenizer.fromFile(file);
  const best = async (run: () => Promise<number[][]>) => {
    let ms = Infinity;
    let ids: number[][] = [];
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      ids = await run();
      ms = Math.min(ms, performance.now() - start);
    }
    return { ids, ms };
  };
  const jsRun = await best(async () => inputs.map((t) => js.encode(t).ids));
  const oneByOne = await best(async () => {
    const out: number[][] = [];
    for (const t of inputs) out.push((await rust.encode(t)).getIds());
    return out;
  });
  const batched = await best(async () => {
    const out: number[][] = [];
    for (let i = 0; i < inputs.length; i += 256) for (const e of await rust.encodeBatch(inputs.slice(i, i + 256))) out.push(e.getIds());
    return out;
  });
  const tokens = oneByOne.ids.reduce((sum, ids) => sum + ids.length, 0);
  const differ = inputs.map((_, i) => i).filter((i) => jsRun.ids[i].join() !== oneByOne.ids[i].join());
  if (batched.ids.some((ids, i) => ids.join() !== oneByOne.ids[i].join())) throw new Error(`${name}: batched and single native ids differ`);
  const rate = (ms: number) => Math.round((tokens / ms) * 1000);
  return {
    row: [name, inputs.length, tokens, differ.length, rate(jsRun.ms), rate(oneByOne.ms), rate(batched.ms)],
    examples: differ.slice(0, 3).map((i) => JSON.stringify(inputs[i].slice(0, 60))),
  };
}

async function main(): Promise<void> {
  const { train: corpusText, heldOut } = texts();
  const corpus = join(work, "corpus.txt");
  writeFileSync(corpus, corpusText);
  const families: Array<[string, Json | string, Record<string, unknown>]> = [
    ["bert-wordpiece", bertTokenizer(corpus), { model_max_length: 512, do_lower_case: true, pad_token: "[PAD]", unk_token: "[UNK]" }],
    ["xlmr-unigram", sentencePieceTokenizer(corpus), { model_max_length: 512, pad_token: "<pad>", unk_token: "<unk>" }],
    ["qwen-bytelevel-bpe", qwenTokenizer(corpus), { model_max_length: 32768, pad_token: "<|endoftext|>" }],
  ];
  const rows: Array<Array<string | number>> = [];
  const notes: string[] = [];
  for (const [name, json, config] of families) {
    if (typeof json === "string") {
      notes.push(`${name}: ${json}`);
      continue;
    }
    const { row, examples } = await measure(name, json, config, heldOut);
    rows.push(row);
    if (examples.length) notes.push(`${name}: texts whose ids differ, e.g. ${examples.join(", ")}`);
  }
  console.log(`tokenizers (Rust, npm tokenizers) vs Tokenizers.js (npm @huggingface/tokenizers); best of ${runs} runs; load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log(formatTable(["family", "texts", "tokens", "ids differ (JS)", "JS tok/s", "Rust tok/s (1 by 1)", "Rust tok/s (batches of 256)"], rows));
  for (const note of notes) console.log(note);
}

main().finally(() => rmSync(work, { recursive: true, force: true }));
