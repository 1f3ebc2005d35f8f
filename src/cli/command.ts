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

/**
 * A command whose module is imported only when it is asked for (its help or a run), so that
 * `serve` does not hold the code of the admin commands (issue #14). Its summary lives here, for
 * the usage text.
 */
export interface LazyCommand {
  summary: string;
  load(): Promise<Omit<Command, "summary">>;
}

export type CommandEntry = Command | LazyCommand;

/** The command itself, its module loaded when it is a LazyCommand. */
export async function loadCommand(entry: CommandEntry): Promise<Omit<Command, "summary">> {
  return "load" in entry ? entry.load() : entry;
}
