/**
 * Roles load only what they use, and every role runs the compiled dist/: the CLI is spawned with a
 * module-loader hook (test/support/module-log.mjs) that records every module it resolves. A
 * `worker` must not load the HTTP stack (hono, @hono/node-server) nor the long-polling runner;
 * `serve` (the control: proves the hook sees them) loads all three, but not what waits for its
 * first use (jose, the admin commands). No role loads tsx or a .ts file.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REQUIRED_TEST_ENV } from "../support/config.js";
import { killAfterEachTest, tempDirForEachTest } from "../support/each-test.js";
import { freePort } from "../support/world.js";

const BIN = resolve("bin/zoomgram.mjs");
const HOOK = resolve("test/support/module-log.mjs");
const REQUIRED = REQUIRED_TEST_ENV;
const HTTP_STACK = ["/node_modules/hono/", "/node_modules/@hono/node-server/"];
const POLLING_RUNNER = "/node_modules/@grammyjs/runner/";
/** Loaded when first used, never at start-up (issue #14: what an idle process holds). */
const ON_FIRST_USE = [
  "/node_modules/jose/",
  "/dist/cli/doctor.js",
  "/dist/cli/simulate.js",
  "/dist/cli/rotate-keys.js",
  "/dist/cli/restore-connections.js",
];

const workDir = tempDirForEachTest("zoomgram-modules-");
const killAfterTest = killAfterEachTest();

/** Starts `role`, waits for its "started" line, kills it; returns the modules it loaded. */
async function modulesLoadedBy(role: string): Promise<string[]> {
  const dir = workDir();
  const log = join(dir, "modules.txt");
  const port = await freePort();
  const c = killAfterTest(
    spawn(process.execPath, ["--import", HOOK, BIN, role], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...REQUIRED,
        PORT: String(port),
        HOST: "127.0.0.1",
        TELEGRAM_API_ROOT: "http://127.0.0.1:9",
        ZOOMGRAM_MODULE_LOG: log,
      },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  let out = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    c.on("close", (code, signal) => r({ code, signal })),
  );
  await new Promise<void>((started) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('"msg":"started"')) started();
    };
    c.stdout?.on("data", onData);
    c.stderr?.on("data", onData);
    void exited.then(() => started());
  });
  expect(out, out).toContain('"msg":"started"');
  // Everything the role loads at start-up is loaded once it says "started"; how it stops is
  // test/cli/start.test.ts's subject, so it is simply killed here.
  c.kill("SIGKILL");
  await exited;
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

function loadsAny(modules: readonly string[], fragment: string): boolean {
  return modules.some((url) => url.includes(fragment));
}

describe("modules each role loads", () => {
  it("a worker runs dist/ and loads neither the HTTP stack nor the polling runner", async () => {
    const modules = await modulesLoadedBy("worker");
    expect(loadsAny(modules, "/dist/cli/main.js")).toBe(true);
    for (const fragment of [...HTTP_STACK, POLLING_RUNNER])
      expect(loadsAny(modules, fragment), fragment).toBe(false);
    expect(modules.filter((url) => url.endsWith(".ts") || url.includes("/node_modules/tsx/"))).toEqual([]);
  });

  it("serve loads the HTTP stack and the polling runner (the hook sees them), still no tsx", async () => {
    const modules = await modulesLoadedBy("serve");
    for (const fragment of [...HTTP_STACK, POLLING_RUNNER])
      expect(loadsAny(modules, fragment), fragment).toBe(true);
    // jose (the connect flow) and the admin commands wait for their first use.
    for (const fragment of ON_FIRST_USE) expect(loadsAny(modules, fragment), fragment).toBe(false);
    expect(modules.filter((url) => url.endsWith(".ts") || url.includes("/node_modules/tsx/"))).toEqual([]);
  });
});
