/**
 * The relay baseline: `curl -s url | curl -s -F audio=@-;filename=x.m4a …` as two processes joined
 * by a pipe, both pinned to the CPU Zoomgram gets, with each one's peak memory sampled.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { MemorySampler } from "./proc.js";

export interface CurlRelayResult {
  wallMs: number;
  downloaderPeakRss: number;
  uploaderPeakRss: number;
  /** CPU seconds of both curls (sampled every 20 ms, so up to 20 ms of each may be missed). */
  cpuSeconds: number;
  exitCodes: [number | string, number | string];
  /** The upload's HTTP answer (the fake Telegram's JSON). */
  response: string;
}

export async function curlRelay(opts: {
  downloadUrl: string;
  bearer: string;
  uploadUrl: string;
  chatId: number;
  cpu?: number;
}): Promise<CurlRelayResult> {
  const pin = (args: string[]): [string, string[]] =>
    opts.cpu !== undefined && existsSync("/usr/bin/taskset")
      ? ["taskset", ["-c", String(opts.cpu), "curl", ...args]]
      : ["curl", args];
  const started = performance.now();
  const [dCmd, dArgs] = pin(["-s", "-f", "-H", `Authorization: Bearer ${opts.bearer}`, opts.downloadUrl]);
  const down = spawn(dCmd, dArgs, { stdio: ["ignore", "pipe", "inherit"] });
  const [uCmd, uArgs] = pin([
    "-s",
    "-F",
    `chat_id=${opts.chatId}`,
    "-F",
    "audio=@-;filename=x.m4a",
    opts.uploadUrl,
  ]);
  const up = spawn(uCmd, uArgs, { stdio: [down.stdout, "pipe", "inherit"] });
  const dm = new MemorySampler(down.pid as number, 20).start();
  const um = new MemorySampler(up.pid as number, 20).start();
  let response = "";
  up.stdout?.on("data", (c: Buffer) => {
    response += c.toString();
  });
  const exit = (p: typeof down) =>
    new Promise<number | string>((resolve) => {
      // Sample right before the process is reaped, while /proc still shows its high-water mark.
      p.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    });
  const [dc, uc] = await Promise.all([
    exit(down).then((c) => {
      dm.stop();
      return c;
    }),
    exit(up).then((c) => {
      um.stop();
      return c;
    }),
  ]);
  return {
    wallMs: performance.now() - started,
    downloaderPeakRss: Math.max(dm.peakRss, dm.lastHwm),
    uploaderPeakRss: Math.max(um.peakRss, um.lastHwm),
    cpuSeconds: dm.lastCpu + um.lastCpu,
    exitCodes: [dc, uc],
    response,
  };
}
