/** One CLI subcommand: its help, its flags (node:util parseArgs) and what it runs. */
import type { ParseArgsConfig } from "node:util";

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  summary: string;
  help: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Resolves with the exit code (the CLI sets process.exitCode; it never calls process.exit). */
  run(values: Values, positionals: string[]): Promise<number>;
}
