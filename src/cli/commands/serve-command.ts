/** `trove serve`: the Paper Radar HTTP API (JSON, OpenAPI 3.1 at /openapi.json). */
import type { Command } from "commander";
import { startRadarServer } from "../../../apps/radar/api/index.js";
import { DEFAULT_RADAR_DATA_DIR } from "../../../apps/radar/papers.js";
import { parseNumberOption } from "../output.js";

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("serve the Paper Radar HTTP API (see docs/http-api.md)")
    .option("--port <n>", "port (env PORT)", process.env.PORT ?? "8080")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--data <dir>", "Paper Radar data directory", DEFAULT_RADAR_DATA_DIR)
    .option("--log", "log requests")
    .action(async (opts: { port: string; host: string; data: string; log?: boolean }) => {
      const server = await startRadarServer({
        port: parseNumberOption("port", opts.port, { integer: true, min: 0, max: 65535 }),
        host: opts.host,
        dataDir: opts.data,
        logRequests: Boolean(opts.log),
        handleSignals: true,
      });
      process.stdout.write(`Paper Radar API at ${server.url} (OpenAPI: ${server.url}/openapi.json); Ctrl-C to stop\n`);
    });
}
