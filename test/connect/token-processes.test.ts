/**
 * Single-flight refresh across real processes: two child processes share the database (SQLite
 * file or PostgreSQL schema) and each asks for the same expired token five times at the same
 * moment. Zoom (the fake, with 50 ms per request so the refreshes overlap) sees exactly one
 * refresh and no invalid_grant, and all ten callers get the same new token.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { startFakeZoom } from "../fakes/fake-zoom.js";
import { type ConnectHarness, seedConnection, startConnectHarness } from "./harness.js";

let bench: ConnectHarness | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await bench?.close();
  bench = undefined;
});

function startChild(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "test/connect/token-child.ts", ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  children.push(child);
  let out = "";
  let err = "";
  const waiters: Array<() => void> = [];
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const lineMatching = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = out.split("\n").find((l) => re.test(l));
        if (line) resolve(line);
        else if (child.exitCode !== null) reject(new Error(`child exited: ${err}`));
        else waiters.push(check);
      };
      child.on("exit", check);
      check();
    });
  return { child, lineMatching };
}

describe("token refresh across processes", () => {
  it("two processes, ten concurrent callers, one expired token: exactly one refresh", async () => {
    // Real time: the children use the system clock.
    const clock = new ManualClock(Date.now());
    const zoom = await startFakeZoom({ now: () => clock.now(), latencyMs: 50 });
    bench = await startConnectHarness({ clock, zoom, roles: { web: false, worker: false } });
    const closeZoom = () => zoom.close();
    const user = zoom.addUser({ email: "ada@example.com" });
    await seedConnection(bench, { user, chatId: 1, telegramUserId: 1, expired: true });

    const args = [bench.databaseUrl, zoom.url, zoom.clientId, zoom.clientSecret, user.id, "5"];
    const a = startChild(args);
    const b = startChild(args);
    await Promise.all([a.lineMatching(/^ready$/), b.lineMatching(/^ready$/)]);
    a.child.stdin.write("go\n");
    b.child.stdin.write("go\n");
    const results = (await Promise.all([a.lineMatching(/^\[/), b.lineMatching(/^\[/)])).flatMap(
      (line) => JSON.parse(line) as Array<{ ok: boolean; sha?: string; error?: string }>,
    );

    expect(results).toHaveLength(10);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(zoom.stats.refreshes).toBe(1);
    expect(zoom.stats.invalidGrants).toBe(0);
    // Everyone got the token that is now stored (the rotated one, committed before use).
    expect(new Set(results.map((r) => r.sha)).size).toBe(1);
    const row = await bench.app.services.db.kysely
      .selectFrom("zoom_connections")
      .selectAll()
      .executeTakeFirstOrThrow();
    const stored = bench.app.services.cipher.decrypt(row.access_token_enc, user.id);
    expect(results[0]?.sha).toBe(createHash("sha256").update(stored).digest("hex"));
    await bench.close();
    bench = undefined;
    await closeZoom();
  });
});
