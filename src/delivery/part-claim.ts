/**
 * The start of a job that delivers one part of a meeting (the summary, the chat file), in one
 * place: its delivery row, unless already delivered; skipped without a Telegram call when the chat
 * is paused (blocked or kicked: no retry storm, chat-target.ts); claimed for this job, so two jobs
 * never send it twice.
 */
import type { DeliveryRow } from "../db/schema.js";
import type { JobContext } from "../jobs/worker.js";
import { type ChatTarget, resolveChatTarget } from "./chat-target.js";
import { updateDelivery } from "./delivery.repository.js";
import type { DeliveryServices } from "./delivery-services.js";
import { claimDelivery, findDelivery } from "./meeting-parts.repository.js";

export interface ClaimedPart {
  /** The row as it was before the claim (what an earlier attempt already sent). */
  row: DeliveryRow;
  deliveryId: number;
  target: ChatTarget;
}

export async function claimPart(
  services: DeliveryServices,
  part: { meetingUuid: string; fileId: string; chatId: number },
  ctx: JobContext,
): Promise<ClaimedPart | undefined> {
  const { db, clock } = services;
  const row = await findDelivery(db.kysely, part.meetingUuid, part.fileId, part.chatId);
  if (!row || row.state === "delivered") return undefined;
  const deliveryId = Number(row.id);
  const target = await resolveChatTarget(services, part.chatId);
  if (target.paused) {
    await updateDelivery(db.kysely, deliveryId, { state: "skipped", lastError: "chat paused" }, clock.now());
    return undefined;
  }
  if (!(await claimDelivery(db.kysely, deliveryId, `job:${ctx.job.id}`, clock.now()))) {
    ctx.logger.info(part, "the part is delivered or in other hands");
    return undefined;
  }
  return { row, deliveryId, target };
}
