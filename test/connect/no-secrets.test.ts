/**
 * Neither the database nor the logs hold an OAuth secret: after a full connect (code exchange),
 * a refresh and a live /status, every access token, refresh token and authorization code the fake
 * Zoom issued is searched for in the SQLite file (and its WAL) — or, on PostgreSQL, in every row
 * of every table — and in every log line (written at debug level).
 */
import { existsSync, readFileSync } from "node:fs";
import type { Update } from "grammy/types";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/db/database.js";
import {
  ADA,
  adaHarnessForEachTest,
  type ConnectHarness,
  connectUntilCallback,
  rememberCode,
} from "./harness.js";

const setup = adaHarnessForEachTest();

async function databaseText(b: ConnectHarness): Promise<Buffer> {
  const { dialect, target } = parseDatabaseUrl(b.databaseUrl);
  if (dialect === "sqlite") {
    return Buffer.concat(
      [target, `${target}-wal`, `${target}-journal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
    );
  }
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = current_schema()`.execute(
    b.app.services.db.kysely,
  );
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql<{
      row: string;
    }>`select row_to_json(t)::text as row from ${sql.table(table_name)} t`.execute(b.app.services.db.kysely);
    parts.push(...rows.rows.map((r) => r.row));
  }
  return Buffer.from(parts.join("\n"));
}

describe("no OAuth secret at rest or in logs", () => {
  it("the database and the logs contain no access token, refresh token or code", async () => {
    const { b, user } = await setup();

    const back = await connectUntilCallback(b, ADA.id);
    rememberCode(b.zoom, back.searchParams.get("code")!);
    expect((await b.app.http.request(`${back.pathname}${back.search}`)).status).toBe(200);
    // A replay logs a refusal with the same code and state in the URL.
    expect((await b.app.http.request(`${back.pathname}${back.search}`)).status).toBe(400);

    await b.app.services.tokens.getAccessToken(user.id, { forceRefresh: true });
    b.clock.advance(3600_000);
    await b.app.bot.handleUpdate(
      b.tg.userSends({ chatId: ADA.id, from: ADA.id, text: "/status" }) as unknown as Update,
    );
    expect(b.tg.sent.at(-1)?.text).toContain("Zoom is reachable");

    const secrets = b.secretsIssued();
    // The code, and 3 access + 3 refresh tokens (the exchange and two refreshes).
    expect(secrets.length).toBe(7);
    expect(b.zoom.stats.refreshes).toBe(2);

    const stored = await databaseText(b);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.includes("ada@example.com")).toBe(true); // the search does see row contents
    const logs = b.logs();
    expect(logs).toContain("Zoom account connected");
    expect(logs).toContain("Zoom access token refreshed");
    for (const secret of secrets) {
      expect(stored.includes(secret), "a token or code in the database").toBe(false);
      expect(logs.includes(secret), "a token or code in the logs").toBe(false);
      // Nor a recognisable piece of one (a token cut by a column limit or a log truncation).
      expect(logs.includes(secret.slice(-40)), "part of a token in the logs").toBe(false);
    }
  });
});
