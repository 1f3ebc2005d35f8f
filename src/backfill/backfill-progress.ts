/**
 * The one progress message of an /import run: found / delivered / skipped, and a cancel button
 * while it runs. Rendered from the database alone, so any process (the job, the cancel button)
 * draws the same text; edited in place, and only when the text changed.
 */
import { GrammyError, InlineKeyboard } from "grammy";
import type { Executor } from "../db/database.js";
import type { DeliveryServices } from "../delivery/delivery-services.js";
import { describeError } from "../errors.js";
import { isLocale, type Locale } from "../i18n/locales.js";
import {
  type BackfillRun,
  backfillItemUuids,
  countBackfillItems,
  deleteBackfillItems,
  findBackfillRun,
  finishBackfillRun,
  setBackfillProgressMessage,
  settledMeetings,
} from "./backfill.repository.js";

export const CANCEL_PREFIX = "bf:cancel:";

export interface BackfillCounts {
  found: number;
  delivered: number;
  skipped: number;
  failed: number;
  /** Meetings handed to delivery whose audio/video has not settled yet. */
  onTheirWay: number;
}

export async function backfillCounts(db: Executor, run: BackfillRun): Promise<BackfillCounts> {
  const counts = await countBackfillItems(db, run.id);
  const queued = await backfillItemUuids(db, run.id, "queued");
  const { settled, delivered } = await settledMeetings(db, run.chatId, queued);
  const found = counts.listed + counts.ingesting + counts.queued + counts.skipped;
  return {
    found,
    delivered,
    skipped: counts.skipped,
    failed: settled - delivered,
    onTheirWay: queued.length - settled,
  };
}

export function runLocale(run: BackfillRun): Locale {
  return isLocale(run.locale) ? run.locale : "en";
}

export interface RenderedProgress {
  text: string;
  keyboard: InlineKeyboard | undefined;
}

export function renderProgress(
  services: DeliveryServices,
  run: Pick<BackfillRun, "id" | "locale" | "fromDay" | "toDay" | "state">,
  counts: BackfillCounts,
): RenderedProgress {
  const locale = isLocale(run.locale) ? run.locale : "en";
  const t = (key: string, vars?: Record<string, string | number>) => services.translator.t(locale, key, vars);
  const head = t(`import-state-${run.state}`, { from: run.fromDay, to: run.toDay });
  const lines = [
    head,
    t("import-counts", { found: counts.found, delivered: counts.delivered, skipped: counts.skipped }),
  ];
  if (counts.failed > 0) lines.push(t("import-counts-failed", { failed: counts.failed }));
  const running = run.state === "listing" || run.state === "delivering";
  const keyboard = running
    ? new InlineKeyboard().text(t("import-button-cancel"), `${CANCEL_PREFIX}${run.id}`)
    : undefined;
  return { text: lines.join("\n"), keyboard };
}

/** Redraws the run's progress message when its text changed. Telegram trouble is logged, not thrown. */
export async function showProgress(services: DeliveryServices, run: BackfillRun): Promise<void> {
  if (run.progressMessageId === null) return;
  const counts = await backfillCounts(services.db.kysely, run);
  const { text, keyboard } = renderProgress(services, run, counts);
  if (text === run.lastText) return;
  try {
    await services.telegram.editMessageText(run.chatId, run.progressMessageId, text, {
      reply_markup: keyboard ?? { inline_keyboard: [] },
    });
  } catch (error) {
    const notModified =
      error instanceof GrammyError && /message is not modified/i.test(error.description ?? "");
    if (!notModified) {
      // The message was deleted (or is too old to edit): stop trying, the run itself goes on.
      const gone = error instanceof GrammyError && /not found|can't be edited/i.test(error.description ?? "");
      if (gone) {
        await setBackfillProgressMessage(services.db.kysely, run.id, null, text, services.clock.now());
      }
      services.logger.info(
        { chatId: run.chatId, runId: run.id, err: describeError(error) },
        "could not update the import progress message",
      );
      return;
    }
  }
  await setBackfillProgressMessage(
    services.db.kysely,
    run.id,
    run.progressMessageId,
    text,
    services.clock.now(),
  );
}

/**
 * Ends a run (unless something else ended it first), shows its last counts, then forgets the
 * meetings it found: a finished run keeps only its period and chat. True when this call ended it.
 */
export async function endRun(
  services: DeliveryServices,
  runId: number,
  state: "done" | "cancelled" | "failed",
  error?: string,
): Promise<boolean> {
  const { db, clock } = services;
  if (!(await finishBackfillRun(db.kysely, runId, state, clock.now(), error))) return false;
  const run = await findBackfillRun(db.kysely, runId);
  if (run) await showProgress(services, run);
  await deleteBackfillItems(db.kysely, runId);
  return true;
}
