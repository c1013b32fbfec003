/**
 * `trove serve`: Paper Radar's web app and HTTP API (JSON, OpenAPI 3.1 at
 * /openapi.json) on an existing data directory; `trove radar start` is the
 * same with the bundled corpus imported on the first start.
 */
import type { Command } from "commander";
import { addServeOptions, serveRadar } from "./radar-start-command.js";

export function registerServeCommand(program: Command): void {
  addServeOptions(
    program
      .command("serve")
      .description("serve Paper Radar's web app and HTTP API on a data directory (see docs/http-api.md); settings from the environment as for radar start"),
  ).action((opts: { port: string; host: string; data: string; log?: boolean }) => serveRadar(opts));
}
