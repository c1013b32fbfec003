/**
 * `npm run bench:encode`: how fast Trove's ONNX encoder runs a model of all-MiniLM-L6-v2's shape
 * (30522 tokens, hidden 384, 6 layers, 12 heads, 1536 intermediate; random weights), against PyTorch 1.13
 * running the same weights eagerly on the same token ids in the same batches (bench/onnx/torch_speed.py).
 *
 * The model is not committed (90 MB); make it once with
 *   /usr/bin/python3 scripts/fixtures/make_tiny_encoder.py --out /tmp/fixture-copy --minilm /tmp/minilm-shape
 * then
 *   npm run bench:encode [-- --model /tmp/minilm-shape --texts 64 --threads 1,2 --runs 3 --torch-runs 1 --max-length 256 --no-torch]
 *
 * Debian's python3-torch is built with the generic (reference) BLAS, which makes its Linear layers slow: the
 * ratio describes that build, not PyTorch with MKL or OpenBLAS. The table says which BLAS torch used.
 *
 * Texts are SciFact abstracts (title + text). The fixture tokenizer's vocabulary is small, so words split
 * into many pieces: rates are given per token, which is what the model's cost depends on.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { formatTable } from "../../src/cli/output.js";
import { openOnnxEncoder } from "../../src/encoders/onnx-encoder.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const modelPath = flag("model", "/tmp/minilm-shape");
const textCount = Number(flag("texts", "64"));
const threadList = flag("threads", "1,2").split(",").map(Number);
const runs = Number(flag("runs", "3"));
const torchRuns = Number(flag("torch-runs", "1"));
const withTorch = !process.argv.includes("--no-torch");
const maxLength = Number(flag("max-length", "256"));
const batchSize = 32;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  if (!existsSync(join(modelPath, "onnx", "model.onnx"))) {
    console.log(`no model at ${modelPath}; make it with:\n  /usr/bin/python3 scripts/fixtures/make_tiny_encoder.py --out /tmp/fixture-copy --minilm ${modelPath}`);
    process.exitCode = 1;
    return;
  }
  const corpus = gunzipSync(readFileSync(join(ROOT, "..", "shared", "datasets", "scifact", "corpus.jsonl.gz"))).toString("utf8");
  const texts = corpus.split("\n").filter(Boolean).slice(0, textCount).map((l) => {
    const d = JSON.parse(l) as { title: string; text: string };
    return `${d.title} ${d.text}`;
  });
  const work = mkdtempSync(join(tmpdir(), "trove-bench-encode-"));
  const rows: Array<Array<string | number>> = [];
  try {
    for (const threads of threadList) {
      const encoder = await openOnnxEncoder({ type: "onnx", path: modelPath, maxLength, batchSize, threads });
      const ids = await encoder.tokenize(texts);
      const tokens = ids.reduce((sum, row) => sum + row.length, 0);
      const [first] = await encoder.encode(texts.slice(0, batchSize)); // warm-up
      const seconds: number[] = [];
      for (let r = 0; r < runs; r++) {
        const start = performance.now();
        await encoder.encode(texts);
        seconds.push((performance.now() - start) / 1000);
      }
      await encoder.close();
      const trove = median(seconds);
      const idsFile = join(work, "ids.json");
      writeFileSync(idsFile, JSON.stringify(ids.map((row) => [...row])));
      const torch = !withTorch ? { status: -1, stdout: "", stderr: "skipped (--no-torch)" } : spawnSync("/usr/bin/python3", [join(ROOT, "bench", "onnx", "torch_speed.py"), idsFile, "--threads", String(threads), "--batch", String(batchSize), "--runs", String(torchRuns)], { encoding: "utf8" });
      let torchSeconds: number | undefined;
      let agreement = "";
      let blas = "-";
      if (torch.status === 0) {
        const out = JSON.parse(torch.stdout.trim().split("\n").at(-1)!) as { seconds: number[]; first: number[]; blas: string };
        torchSeconds = median(out.seconds);
        blas = out.blas;
        const diff = Math.max(...out.first.map((x, i) => Math.abs(x - first[i])));
        agreement = diff.toExponential(1);
      } else {
        agreement = `torch failed: ${torch.stderr.trim().split("\n").at(-1)}`;
      }
      rows.push([threads, texts.length, tokens, Math.round(tokens / trove), torchSeconds ? Math.round(tokens / torchSeconds) : "-", torchSeconds ? (torchSeconds / trove).toFixed(2) : "-", blas, agreement]);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`ONNX encoder, MiniLM-L6 shape, batch ${batchSize}, max length ${maxLength}; Trove median of ${runs} runs, torch of ${torchRuns}; load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log(formatTable(["threads", "texts", "tokens", "Trove tok/s", "torch 1.13 tok/s", "Trove / torch", "torch BLAS", "max |diff| first vector"], rows));
}

await main();
