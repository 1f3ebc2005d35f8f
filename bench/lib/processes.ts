/**
 * Servers under test as child processes: Zoomgram (`node bin/zoomgram.mjs <role>`) and the bare
 * HMAC server, each optionally pinned to one CPU with taskset, logging to a file (so the harness
 * spends no CPU on their output), stopped with SIGTERM and awaited.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const ROOT = join(import.meta.dirname, "..", "..");

export interface Child {
  readonly pid: number;
  readonly logFile: string;
  readonly process: ChildProcess;
  /** Port the HTTP server bound (web/serve roles and the bare server). */
  port?: number;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  stop(timeoutMs?: number): Promise<number | string>;
  log(): string;
}

let taskset: boolean | undefined;
function hasTaskset(): boolean {
  taskset ??= ["/usr/bin/taskset", "/bin/taskset"].some((p) => existsSync(p));
  return taskset;
}

/** The Node that runs Zoomgram's processes: this one, or BENCH_NODE (e.g. a Node 24 binary) for a comparison. */
export const NODE_BINARY = process.env.BENCH_NODE || process.execPath;

export function spawnChild(opts: {
  args: string[];
  env: Record<string, string>;
  logFile: string;
  cpu?: number;
}): Child {
  const fd = openSync(opts.logFile, "w");
  const [cmd, args] =
    opts.cpu !== undefined && hasTaskset()
      ? ["taskset", ["-c", String(opts.cpu), NODE_BINARY, ...opts.args]]
      : [NODE_BINARY, opts.args];
  const child = spawn(cmd as string, args as string[], {
    cwd: ROOT,
    env: opts.env,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  const result: Child = {
    pid: child.pid as number,
    logFile: opts.logFile,
    process: child,
    exited,
    async stop(timeoutMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    log: () => (existsSync(opts.logFile) ? readFileSync(opts.logFile, "utf8") : ""),
  };
  return result;
}

/** Waits until `check(log)` returns a value, the process dies (throws with its log tail) or time runs out. */
export async function waitForLog<T>(
  child: Child,
  check: (log: string) => T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void child.exited.then(() => {
    dead = true;
  });
  for (;;) {
    const log = child.log();
    const v = check(log);
    if (v !== undefined) return v;
    if (dead || Date.now() > deadline) {
      throw new Error(
        `${dead ? "process exited" : "timed out"} before it was ready; log tail:\n${log.slice(-3000)}`,
      );
    }
    await sleep(50);
  }
}

/**
 * The Node flags Zoomgram runs with in production: package.json's `start` and the Docker image's
 * ENTRYPOINT (test/bench/node-flags.test.ts keeps the three equal), so the bench measures what
 * ships (none today). BENCH_NODE_FLAGS replaces them for an experiment, e.g.
 * BENCH_NODE_FLAGS="--optimize-for-size" npm run bench -- relay.
 */
export const SHIPPED_NODE_FLAGS: string[] = [];
const nodeFlags = (process.env.BENCH_NODE_FLAGS?.split(" ") ?? SHIPPED_NODE_FLAGS).filter(Boolean);

/** Starts Zoomgram with `role`; for web/serve waits for "HTTP server listening" and reads the port. */
export async function startZoomgram(opts: {
  role: "serve" | "web" | "worker";
  env: Record<string, string>;
  logFile: string;
  cpu?: number;
}): Promise<Child> {
  const child = spawnChild({
    args: [...nodeFlags, join(ROOT, "bin", "zoomgram.mjs"), opts.role],
    env: { PORT: "0", HOST: "127.0.0.1", ...opts.env },
    logFile: opts.logFile,
    cpu: opts.cpu,
  });
  // A worker binds no port: callers decide when it is ready (e.g. its LISTEN in pg_stat_activity).
  if (opts.role === "worker") return child;
  child.port = await waitForLog(child, (log) => {
    const m =
      /"port":(\d+)[^\n]*"msg":"HTTP server listening"|"msg":"HTTP server listening"[^\n]*"port":(\d+)/.exec(
        log,
      );
    const p = m?.[1] ?? m?.[2];
    return p ? Number(p) : undefined;
  });
  return child;
}

/** Starts bench/bare-server.ts (prints its port as the first line). */
export async function startBareServer(opts: {
  secret: string;
  logFile: string;
  cpu?: number;
}): Promise<Child> {
  const child = spawnChild({
    args: ["--import", "tsx", join(ROOT, "bench", "bare-server.ts")],
    env: { PATH: process.env.PATH ?? "", BARE_SECRET: opts.secret },
    logFile: opts.logFile,
    cpu: opts.cpu,
  });
  child.port = await waitForLog(child, (log) => {
    const m = /^listening (\d+)$/m.exec(log);
    return m?.[1] ? Number(m[1]) : undefined;
  });
  return child;
}
