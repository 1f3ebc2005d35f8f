/**
 * `zoomgram <command>`: a thin CLI over the same services the server uses. Each command parses its
 * flags, builds Config (a flag beats the environment, which beats the default) and sets
 * process.exitCode instead of exiting, so servers and pools close first.
 */
import { parseArgs } from "node:util";
import { loadCommand } from "./command.js";
import { commands } from "./commands.js";

const USAGE = `Usage: zoomgram <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
  .join("\n")}

Run 'zoomgram <command> --help' for a command's options.
Configuration comes from environment variables (and .env): see .env.example.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 1;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`zoomgram: unknown command '${name}'\n\n${USAGE}\n`);
    return 1;
  }
  const command = await loadCommand(entry);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { help: { type: "boolean", short: "h" }, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`zoomgram ${name}: ${(error as Error).message}\n`);
    return 1;
  }
  if (parsed.values.help) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  return command.run(parsed.values, parsed.positionals);
}

process.exitCode = await main(process.argv.slice(2));
