// Compiles the WebAssembly kernels written in AssemblyScript (src/kernels/assembly/*.ts)
// into dist/kernels/<name>.wasm. Runs before tsc in `npm run build`; a kernel is
// recompiled only when a kernel source (kernels may import each other) or this
// script is newer than its output.
// Flags: SIMD on, -O3, no runtime (kernels never allocate), memory imported from
// the caller as env.memory, so JavaScript owns the heap and its typed-array views.
import asc from "assemblyscript/asc";
import { mkdirSync, readdirSync, statSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const sourceDir = "src/kernels/assembly";
const outDir = "dist/kernels";
mkdirSync(outDir, { recursive: true });
const sources = readdirSync(sourceDir).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).sort();
const newestInput = Math.max(statSync(new URL(import.meta.url)).mtimeMs, ...sources.map((f) => statSync(join(sourceDir, f)).mtimeMs));
let failed = false;
for (const file of sources) {
  const source = join(sourceDir, file);
  const output = join(outDir, file.replace(/\.ts$/, ".wasm"));
  if (existsSync(output) && statSync(output).mtimeMs > newestInput) continue;
  const { error, stderr } = await asc.main([
    source,
    "--outFile", output,
    "-O3", "--noAssert", "--enable", "simd",
    "--runtime", "stub", "--importMemory", "--initialMemory", "0",
    "--use", "abort=",
  ]);
  if (error) {
    failed = true;
    process.stderr.write(`build-kernels: ${source} failed: ${error.message}\n${stderr.toString()}\n`);
  } else if (hasDataSection(readFileSync(output))) {
    // JavaScript owns the whole memory (KernelHeap): static data (e.g. Math.exp's lookup table)
    // would be written over the caller's arrays at instantiation and then overwritten by them.
    failed = true;
    rmSync(output);
    process.stderr.write(`build-kernels: ${source} keeps static data in memory (a data segment); kernels must not (avoid library functions with tables such as Math.exp)\n`);
  }
}

/** True when a WebAssembly binary has a non-empty data section (id 11). */
function hasDataSection(bytes) {
  let p = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    let b;
    do {
      b = bytes[p++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = leb();
    if (id === 11) {
      const start = p;
      const count = leb();
      p = start;
      if (count > 0) return true;
    }
    p += size;
  }
  return false;
}
if (failed) process.exit(1);
