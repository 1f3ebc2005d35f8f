/** Runs the `zoomgram` CLI (bin/zoomgram.mjs), or another command, as a child process and collects what it prints. */
import { spawn } from "node:child_process";
import { resolve } from "node:path";

export const ZOOMGRAM_BIN = resolve("bin/zoomgram.mjs");

/** `zoomgram <args…>` with exactly `env` (nothing inherited); resolves with its exit code and output. */
export async function runZoomgram(
  args: readonly string[],
  options: { env: Record<string, string | undefined>; cwd?: string },
): Promise<{ code: number | null; out: string }> {
  const { code, output } = await runCommand(process.execPath, [ZOOMGRAM_BIN, ...args], options);
  return { code, out: output };
}

/**
 * `command <args…>` with exactly `env` (nothing inherited); resolves with its exit code, what it
 * printed on stdout and on stderr, and both as they came (`output`).
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: { env: Record<string, string | undefined>; cwd?: string },
): Promise<{ code: number | null; stdout: string; stderr: string; output: string }> {
  const child = spawn(command, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const printed = { stdout: "", stderr: "", output: "" };
  for (const stream of ["stdout", "stderr"] as const) {
    child[stream].on("data", (d: Buffer) => {
      printed[stream] += d.toString();
      printed.output += d.toString();
    });
  }
  const code = await new Promise<number | null>((r) => child.on("close", r));
  return { code, ...printed };
}
