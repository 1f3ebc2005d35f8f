/**
 * Zoomgram as real child processes for the crash suite: `node bin/zoomgram.mjs serve`, or a `web`
 * and a `worker` process side by side, started from the environment the CLI reads, killed with
 * SIGKILL (no shutdown code runs), restarted, and finally stopped with SIGTERM. Each child's
 * output goes to its own log file, kept for a failed run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../bin/zoomgram.mjs", import.meta.url));

export type Role = "serve" | "web" | "worker";

export interface Child {
  role: Role;
  process: ChildProcess;
  startedAt: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServiceOptions {
  env: Record<string, string>;
  /** Working directory of the children (no `.env` there), and where logs go. */
  dir: string;
  /** The HTTP port the web role binds. */
  port: number;
}

export class Service {
  private readonly children = new Map<Role, Child>();
  private starts = 0;

  constructor(private readonly options: ServiceOptions) {
    mkdirSync(join(options.dir, "logs"), { recursive: true });
  }

  get running(): Role[] {
    return [...this.children.keys()];
  }

  /** Runs jobs: a `serve` or `worker` child is alive. */
  get runsJobs(): boolean {
    return this.children.has("serve") || this.children.has("worker");
  }

  /** Answers webhooks: a `serve` or `web` child is alive. */
  get answers(): boolean {
    return this.children.has("serve") || this.children.has("web");
  }

  start(role: Role): Child {
    if (this.children.has(role)) throw new Error(`${role} is already running`);
    this.starts++;
    const log = createWriteStream(
      join(this.options.dir, "logs", `${String(this.starts).padStart(2, "0")}-${role}.log`),
    );
    const child = spawn(process.execPath, [CLI, role], {
      cwd: this.options.dir,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...this.options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once("exit", (code, signal) => {
        this.children.delete(role);
        log.end();
        resolve({ code, signal });
      });
    });
    const entry: Child = { role, process: child, startedAt: Date.now(), exited };
    this.children.set(role, entry);
    return entry;
  }

  /** Resolves when GET /readyz answers 200 (the web role listens and the database is migrated). */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.answers) throw new Error("no web process to wait for");
      try {
        const res = await fetch(`http://127.0.0.1:${this.options.port}/readyz`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the web process did not become ready in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGKILLs the given roles at once; resolves with the kill time, after they are gone. */
  async kill(roles: readonly Role[]): Promise<number> {
    const targets = roles.map((r) => this.children.get(r)).filter((c): c is Child => c !== undefined);
    const at = Date.now();
    for (const child of targets) child.process.kill("SIGKILL");
    await Promise.all(targets.map((c) => c.exited));
    return at;
  }

  /** SIGTERM to everyone (graceful stop), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const all = [...this.children.values()];
    for (const child of all) child.process.kill("SIGTERM");
    const timer = setTimeout(() => {
      for (const child of all) child.process.kill("SIGKILL");
    }, graceMs);
    await Promise.all(all.map((c) => c.exited));
    clearTimeout(timer);
  }
}
