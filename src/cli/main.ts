/**
 * The `trove` command line. Each command group lives in src/cli/commands/;
 * this file wires them together and turns errors into exit codes:
 * 2 for bad input (the message names the file, line or field), 130 when
 * interrupted, 1 for anything else.
 */
import { Command, CommanderError } from "commander";
import { TroveError } from "../core/errors.js";
import { registerIndexCommands } from "./commands/index-commands.js";
import { registerEvalCommands } from "./commands/eval-commands.js";
import { registerDemoCommand } from "./commands/demo-command.js";
import { registerCollectionCommands } from "./commands/collection-commands.js";
import { registerServeCommand } from "./commands/serve-command.js";
import { registerRadarCommands } from "./commands/radar-commands.js";
import { registerRecCommands } from "./commands/rec-commands.js";
import { registerRadarStartCommand } from "./commands/radar-start-command.js";
import { registerEncodeCommand } from "./commands/encode-command.js";
import { registerEncoderCommands } from "./commands/encoder-commands.js";
import { registerLtrCommands } from "./commands/ltr-commands.js";

export const VERSION = "0.1.0";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("trove")
    .description("Trove: search and recommendation engine (BM25 identical to Lucene/Anserini, trec_eval-identical metrics)")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerIndexCommands(program);
  registerCollectionCommands(program);
  registerServeCommand(program);
  registerEvalCommands(program);
  registerRecCommands(program);
  registerEncodeCommand(program);
  registerEncoderCommands(program);
  registerLtrCommands(program);
  registerDemoCommand(program);
  registerRadarCommands(program);
  const radar = program.commands.find((command) => command.name() === "radar");
  if (radar) registerRadarStartCommand(radar);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof TroveError) {
      process.stderr.write(`trove: ${error.message}\n`);
      if (error.code === "INTERRUPTED") return 130;
      return error.code.startsWith("INVALID") || error.code === "NOT_FOUND" || error.code === "CONFLICT" ? 2 : 1;
    }
    throw error;
  }
}
