/** Runs the `zoomgram` CLI (bin/zoomgram.mjs) as a child process and collects what it prints. */
import { spawn } from "node:child_process";
import { resolve } from "node:path";

export const ZOOMGRAM_BIN = resolve("bin/zoomgram.mjs");

/** `zoomgram <args…>` with exactly `env` (nothing inherited); resolves with its exit code and output. */
export async function runZoomgram(
  args: readonly string[],
  options: { env: Record<string, string | undefined>; cwd?: string },
): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [ZOOMGRAM_BIN, ...args], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((r) => child.on("close", r));
  return { code, out };
}
