/**
 * The benchmarks' command-line options: `--name value` pairs, and `--flag`
 * alone (followed by nothing or by another option) as "true".
 */
export function parseBenchArgs(argv: readonly string[]): Record<string, string> {
  const opt: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) opt[argv[i].slice(2)] = "true";
    else opt[argv[i++].slice(2)] = next;
  }
  return opt;
}
