/**
 * The CLI as an operator meets it: a subprocess with only the required variables (plus a free
 * port) starts, creates its SQLite file, answers /healthz and /readyz, and stops cleanly on
 * SIGTERM; a missing variable stops it with exit code 2 and a line naming the variable.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REQUIRED_TEST_ENV } from "../support/config.js";
import { killAfterEachTest, tempDirForEachTest } from "../support/each-test.js";
import { freePort } from "../support/world.js";

const BIN = resolve("bin/zoomgram.mjs");
const REQUIRED = REQUIRED_TEST_ENV;

function baseEnv(): NodeJS.ProcessEnv {
  // Only PATH and HOME from the outside, so a developer's own .env or variables cannot leak in.
  return { PATH: process.env.PATH, HOME: process.env.HOME };
}

const workDir = tempDirForEachTest("zoomgram-start-");
const killAfterTest = killAfterEachTest();

function collect(c: ChildProcess): { out: () => string; exited: Promise<number | null> } {
  let out = "";
  c.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  c.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  return { out: () => out, exited: new Promise((r) => c.on("close", (code) => r(code))) };
}

describe("zoomgram CLI", () => {
  it("serve with only the required variables answers /healthz and /readyz and creates the SQLite file", async () => {
    const dir = workDir();
    const port = await freePort();
    const child = killAfterTest(
      spawn(process.execPath, [BIN, "serve"], {
        cwd: dir,
        env: {
          ...baseEnv(),
          ...REQUIRED,
          PORT: String(port),
          HOST: "127.0.0.1",
          TELEGRAM_API_ROOT: "http://127.0.0.1:9",
        },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    const { out, exited } = collect(child);
    let health: Response | undefined;
    for (let i = 0; i < 200 && !health; i++) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (!health) await new Promise((r) => setTimeout(r, 50)); // waiting for a subprocess to boot, not for time to pass
    }
    expect(health?.status, out()).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(existsSync(join(dir, "data", "zoomgram.db"))).toBe(true);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out()).toContain('"msg":"stopped"');
  });

  it("exits 2 naming a missing variable, without a stack trace", async () => {
    const dir = workDir();
    const { ZOOM_CLIENT_ID: _omit, ...rest } = REQUIRED;
    const child = killAfterTest(
      spawn(process.execPath, [BIN, "serve"], {
        cwd: dir,
        env: { ...baseEnv(), ...rest },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    const { out, exited } = collect(child);
    expect(await exited).toBe(2);
    expect(out()).toMatch(/^ {2}ZOOM_CLIENT_ID: is required$/m);
    expect(out()).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "data"))).toBe(false);
  });

  it("prints help for every command", async () => {
    for (const args of [
      ["--help"],
      ["serve", "--help"],
      ["web", "--help"],
      ["worker", "--help"],
      ["migrate", "--help"],
    ]) {
      const c = spawn(process.execPath, [BIN, ...args], {
        env: baseEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      const { out, exited } = collect(c);
      expect(await exited).toBe(0);
      expect(out()).toMatch(/Usage: zoomgram/);
    }
  });
});
