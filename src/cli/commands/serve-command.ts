/**
 * `trove serve`: Paper Radar's web app and HTTP API (JSON, OpenAPI 3.1 at
 * /openapi.json) on an existing data directory; `trove radar start` is the
 * same with the bundled corpus imported on the first start.
 */
import type { Command } from "commander";
import { startRadarServer } from "../../../apps/radar/api/index.js";
import { DEFAULT_RADAR_DATA_DIR } from "../../../apps/radar/papers.js";
import { parseNumberOption } from "../output.js";
import { radarOptionsFromEnv } from "./radar-start-command.js";

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("serve Paper Radar's web app and HTTP API on a data directory (see docs/http-api.md); settings from the environment as for radar start")
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
        radar: radarOptionsFromEnv(),
      });
      process.stdout.write(`Paper Radar (web app and API) at ${server.url}/ (OpenAPI: ${server.url}/openapi.json); Ctrl-C to stop\n`);
    });
}
