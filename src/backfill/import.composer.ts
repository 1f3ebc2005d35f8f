/**
 * /import: delivers the account's past cloud recordings of a period (CONTRACT.md, Bot commands).
 * In a group only an administrator may start or cancel one. The command only validates, records
 * the run and queues its job; the reply becomes the run's progress message, which the job edits.
 */
import { Composer } from "grammy";
import { findConnectionsByChatId } from "../connect/connection.repository.js";
import { withTransaction } from "../db/database.js";
import type { DeliveryServices } from "../delivery/delivery-services.js";
import { isChatAdminOrAlert, isChatAdminOrReply } from "../telegram/chat-admin.js";
import type { BotContext } from "../telegram/context.js";
import {
  findActiveBackfillRun,
  findBackfillRun,
  insertBackfillRun,
  setBackfillProgressMessage,
} from "./backfill.repository.js";
import { enqueueBackfillStep } from "./backfill-jobs.js";
import { backfillCounts, CANCEL_PREFIX, endRun, renderProgress } from "./backfill-progress.js";
import { parseImportRange } from "./import-range.js";

const CANCEL = new RegExp(`^${CANCEL_PREFIX}(\\d{1,15})$`);

export function createImportComposer(services: DeliveryServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { db, clock, config } = services;

  composer.command("import", async (ctx) => {
    const chat = ctx.chat;
    if (!chat) return;
    if (!(await isChatAdminOrReply(ctx))) return;
    const range = parseImportRange(ctx.match, clock.now());
    if ("error" in range) {
      await ctx.reply(ctx.t(`import-error-${range.error}`));
      return;
    }
    const connections = await findConnectionsByChatId(db.kysely, chat.id, config.zoom.apiBaseUrl);
    if (connections.length === 0) {
      await ctx.reply(ctx.t("import-not-connected"));
      return;
    }
    const now = clock.now();
    const runId = await withTransaction(db, async (tx) => {
      const id = await insertBackfillRun(
        tx,
        {
          chatId: chat.id,
          requestedBy: ctx.from?.id ?? chat.id,
          locale: ctx.locale ?? "en",
          fromDay: range.from,
          toDay: range.to,
          // Oldest connection first, so its older recordings come first too.
          zoomUserIds: connections.map((c) => c.zoomUserId).reverse(),
        },
        now,
      );
      if (id !== null) await enqueueBackfillStep(tx, id, now, config.jobs.maxAttempts);
      return id;
    });
    if (runId === null) {
      const running = await findActiveBackfillRun(db.kysely, chat.id);
      await ctx.reply(
        ctx.t("import-already-running", { from: running?.fromDay ?? "?", to: running?.toDay ?? "?" }),
      );
      return;
    }
    services.notifier.notify();
    const run = await findBackfillRun(db.kysely, runId);
    if (!run) return;
    const { text, keyboard } = renderProgress(services, run, await backfillCounts(db.kysely, run));
    const message = await ctx.reply(text, keyboard ? { reply_markup: keyboard } : {});
    await setBackfillProgressMessage(db.kysely, runId, message.message_id, text, clock.now());
  });

  composer.callbackQuery(CANCEL, async (ctx) => {
    const chat = ctx.chat;
    if (!chat) return;
    if (!(await isChatAdminOrAlert(ctx))) return;
    const run = await findBackfillRun(db.kysely, Number(ctx.match[1]));
    // A button from another chat, or a run that already ended: nothing to cancel.
    if (!run || run.chatId !== chat.id || !(await endRun(services, run.id, "cancelled"))) {
      await ctx.answerCallbackQuery({ text: ctx.t("import-nothing-to-cancel") });
      return;
    }
    await ctx.answerCallbackQuery({ text: ctx.t("import-cancelled-toast") });
  });
  return composer;
}
