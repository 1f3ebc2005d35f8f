/**
 * Long polling held by one process at a time: the lease holder polls the (fake) Bot API and
 * handles updates; a second process waits; when the holder stops renewing (it died), the other
 * takes over once the lease expires, and a holder that finds its lease gone stops polling.
 */
import { Bot } from "grammy";
import { afterEach, beforeEach, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { silentLogger } from "../../src/observability/logger.js";
import type { BotContext } from "../../src/telegram/context.js";
import { createPollingHolder, type PollingHolder } from "../../src/telegram/polling.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/fake-telegram.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

let t: TestDatabase;
let tg: FakeTelegram;
const holders: PollingHolder[] = [];
beforeEach(async () => {
  t = await createTestDatabase();
  tg = await startFakeTelegram();
});
afterEach(async () => {
  for (const h of holders.splice(0)) await h.stop();
  await tg.close();
  await t.cleanup();
});

function makeHolder(name: string, clock: ManualClock, seen: string[]): PollingHolder {
  const bot = new Bot<BotContext>(tg.token, { botInfo: tg.botInfo, client: { apiRoot: tg.url } });
  const holder = createPollingHolder({
    bot,
    db: t.db,
    clock,
    logger: silentLogger(),
    holder: name,
    leaseMs: 20_000,
  });
  bot.on("message:text", (ctx) => {
    seen.push(`${name}:${ctx.message.text}`);
  });
  holders.push(holder);
  return holder;
}

it("exactly one process polls; another takes over after the holder dies", async () => {
  const clock = new ManualClock();
  const seen: string[] = [];
  const a = makeHolder("A", clock, seen);
  const b = makeHolder("B", clock, seen);
  await a.tick();
  await b.tick();
  expect(a.isPolling()).toBe(true);
  expect(b.isPolling()).toBe(false);

  tg.addUser({ id: 7, first_name: "Ann" });
  tg.userSends({ chatId: 7, from: 7, text: "hello" });
  await tg.waitFor(() => seen.length === 1);
  expect(seen).toEqual(["A:hello"]);

  // A dies: it stops renewing. Before the lease expires B still waits; after, B takes over.
  clock.advance(19_000);
  await b.tick();
  expect(b.isPolling()).toBe(false);
  clock.advance(1_001);
  await b.tick();
  expect(b.isPolling()).toBe(true);
  // Were A still alive, its next check finds the lease gone and it stops polling.
  await a.tick();
  expect(a.isPolling()).toBe(false);

  tg.userSends({ chatId: 7, from: 7, text: "again" });
  await tg.waitFor(() => seen.length === 2);
  expect(seen[1]).toBe("B:again");
});
