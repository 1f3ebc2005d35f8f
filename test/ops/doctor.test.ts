import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CheckResult, type DoctorReport, formatDoctorReport, runDoctor } from "../../src/cli/doctor.js";
import { openDatabase } from "../../src/db/database.js";
import { migrationsFor } from "../../src/db/migrate.js";
import { runZoomgram } from "../support/cli.js";
import { TEST_ENV } from "../support/config.js";
import { TEST_DIALECT } from "../support/db.js";
import { freePort } from "../support/world.js";
import { type OpsHarness, startOpsHarness } from "./harness.js";

let bench: OpsHarness;
let port: number;
let env: Record<string, string>;
let scratch: string;

beforeAll(async () => {
  bench = await startOpsHarness({ env: { HOST: "127.0.0.1", PORT: "0" } });
  port = (await bench.app.start()).port as number;
  bench.tg.addChat({ id: -100123, type: "supergroup", title: "Operators" });
  scratch = mkdtempSync(join(tmpdir(), "zoomgram-doctor-"));
  env = {
    ...TEST_ENV,
    ZOOM_CLIENT_ID: bench.zoom.clientId,
    ZOOM_CLIENT_SECRET: bench.zoom.clientSecret,
    ZOOM_OAUTH_BASE_URL: bench.zoom.url,
    ZOOM_API_BASE_URL: bench.zoom.apiBaseUrl,
    TELEGRAM_API_ROOT: bench.tg.url,
    TELEGRAM_BOT_TOKEN: bench.tg.token,
    DATABASE_URL: bench.databaseUrl,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ADMIN_CHAT_ID: "-100123",
    MEDIA_DIR: join(scratch, "media"),
    PATH: process.env.PATH ?? "",
  };
});
afterAll(async () => {
  await bench.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A port nothing listens on (bound, then released). */
const closedPort = freePort;

const doctor = (overrides: Record<string, string | undefined> = {}) =>
  runDoctor(
    { ...env, ...overrides },
    { timeoutMs: 5_000, nowSeconds: () => Math.floor(bench.clock.now() / 1000) },
  );
const line = (report: DoctorReport, name: string): CheckResult | undefined =>
  report.results.find((r) => r.name === name);

describe(`zoomgram doctor on ${TEST_DIALECT}`, () => {
  it("passes a healthy setup, line by line", async () => {
    const report = await doctor();
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ["Configuration", "ok"],
      ["Database", "ok"],
      ["Telegram bot", "ok"],
      ["Admin chat", "ok"],
      ["Zoom app credentials", "ok"],
      ["Public URL", "ok"],
      ["Zoom webhook endpoint", "ok"],
      ["ffmpeg", "ok"],
      ["Media directory", "ok"],
      ["Speech to text", "skip"],
      ["Telegram login domain", "skip"],
    ]);
    expect(report.exitCode).toBe(0);
    // What doctor cannot check, it says (issue #13): the domain linked with /setdomain.
    expect(line(report, "Telegram login domain")?.detail).toContain("cannot be checked");
    expect(line(report, "Telegram login domain")?.fix).toContain("/setdomain");
    expect(line(report, "Telegram bot")?.detail).toContain(`@${bench.tg.botInfo.username}`);
    expect(line(report, "Database")?.detail).toContain("migrations are up to date");
    const text = formatDoctorReport(report);
    expect(text).toContain("All checks passed.");
    expect(text).toMatch(/✓ Zoom webhook endpoint +http:\/\/127\.0\.0\.1:\d+\/webhooks\/zoom answers/);
  });

  it("names a wrong bot token, with the fix, and never prints it", async () => {
    const wrong = "7000000001:WRONG-token-for-doctor-test_abcdef";
    const report = await doctor({ TELEGRAM_BOT_TOKEN: wrong });
    const tg = line(report, "Telegram bot");
    expect(tg).toMatchObject({ status: "fail" });
    expect(tg?.detail).toBe("TELEGRAM_BOT_TOKEN is not accepted by Telegram (401 Unauthorized)");
    expect(tg?.fix).toContain("@BotFather");
    expect(line(report, "Admin chat")?.status).toBe("skip");
    expect(report.exitCode).toBe(1);
    const text = formatDoctorReport(report);
    expect(text).toContain("✗ Telegram bot");
    expect(text).toContain("→ copy the token again from @BotFather");
    expect(text).toContain("1 check failed");
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(bench.zoom.clientSecret);
  });

  it("names wrong Zoom credentials (401 invalid_client) and accepts right ones (400 on the probe grant)", async () => {
    const bad = line(await doctor({ ZOOM_CLIENT_SECRET: "not-the-secret" }), "Zoom app credentials");
    expect(bad?.status).toBe("fail");
    expect(bad?.detail).toContain("Zoom rejected ZOOM_CLIENT_ID / ZOOM_CLIENT_SECRET (401 invalid_client");
    const good = line(await doctor(), "Zoom app credentials");
    expect(good?.detail).toContain("probe answered 400 unsupported_grant_type");
    const probe = bench.zoom.requests.filter((r) => r.route === "token").at(-1);
    expect(probe?.headers.authorization).toMatch(/^Basic /);
  });

  it("catches a running service with another webhook secret", async () => {
    const report = await doctor({ ZOOM_WEBHOOK_SECRET: "the-secret-zoom-has-but-the-service-not" });
    const hook = line(report, "Zoom webhook endpoint");
    expect(hook?.status).toBe("fail");
    expect(hook?.fix).toContain("ZOOM_WEBHOOK_SECRET");
  });

  it("fails an unreachable PUBLIC_URL and warns about plain http on a public host", async () => {
    const closed = await closedPort();
    const down = await doctor({ PUBLIC_URL: `http://127.0.0.1:${closed}` });
    expect(line(down, "Public URL")).toMatchObject({ status: "fail" });
    expect(line(down, "Public URL")?.detail).toContain("/healthz does not answer: ECONNREFUSED");
    expect(line(down, "Zoom webhook endpoint")).toBeUndefined();
    const plain = await doctor({ PUBLIC_URL: "http://zoomgram.invalid" });
    expect(plain.results.filter((r) => r.name === "Public URL").map((r) => r.status)).toEqual([
      "warn",
      "fail",
    ]);
  });

  it("reports the database: pending migrations, a file not created yet, an unreachable server", async () => {
    const fresh = join(scratch, "fresh.db");
    const empty = await openDatabase(`sqlite:${fresh}`);
    await empty.close();
    const pending = line(await doctor({ DATABASE_URL: `sqlite:${fresh}` }), "Database");
    expect(pending).toMatchObject({ status: "warn" });
    expect(pending?.detail).toContain(`${Object.keys(migrationsFor("sqlite")).length} migration(s) pending`);
    expect(pending?.fix).toContain("zoomgram migrate");

    const missing = line(
      await doctor({ DATABASE_URL: `sqlite:${join(scratch, "new", "z.db")}` }),
      "Database",
    );
    expect(missing).toMatchObject({ status: "warn", detail: expect.stringContaining("does not exist yet") });

    const down = await doctor({
      DATABASE_URL: `postgres://zoomgram:hunter2@127.0.0.1:${await closedPort()}/zoomgram`,
    });
    expect(line(down, "Database")?.status).toBe("fail");
    expect(formatDoctorReport(down)).not.toContain("hunter2");
  });

  it("checks that the bot can reach ADMIN_CHAT_ID", async () => {
    const report = await doctor({ ADMIN_CHAT_ID: "-100999" });
    expect(line(report, "Admin chat")).toMatchObject({ status: "fail" });
    expect(line(report, "Admin chat")?.detail).toContain("chat not found");
    expect(line(await doctor({ ADMIN_CHAT_ID: undefined }), "Admin chat")?.status).toBe("warn");
  });

  it("warns without ffmpeg and stops early on an invalid configuration (exit code 2)", async () => {
    const noFfmpeg = await runDoctor(env, {
      locateFfmpeg: async () => null,
      nowSeconds: () => Math.floor(bench.clock.now() / 1000),
    });
    expect(line(noFfmpeg, "ffmpeg")).toMatchObject({ status: "warn" });
    expect(noFfmpeg.exitCode).toBe(0);
    const invalid = await doctor({ TELEGRAM_BOT_TOKEN: "nonsense", STATE_SECRET: "short" });
    expect(invalid.exitCode).toBe(2);
    expect(invalid.results.map((r) => r.detail)).toEqual([
      expect.stringContaining("STATE_SECRET"),
      expect.stringContaining("TELEGRAM_BOT_TOKEN"),
      "skipped until the configuration is valid",
    ]);
  });

  it("as a CLI: a wrong bot token exits 1 and names the problem", async () => {
    const wrong = "7000000001:WRONG-token-from-the-cli_abcdefgh";
    const { code, out } = await runZoomgram(["doctor"], {
      cwd: scratch,
      env: { ...env, TELEGRAM_BOT_TOKEN: wrong, HOME: process.env.HOME ?? "" },
    });
    expect(code, out).toBe(1);
    expect(out).toContain("✗ Telegram bot");
    expect(out).toContain("TELEGRAM_BOT_TOKEN is not accepted by Telegram");
    expect(out).toContain("✓ Zoom app credentials");
    expect(out).not.toContain(wrong);
  });
});
