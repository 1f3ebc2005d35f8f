/**
 * A dead summary, transcript or chat file job, in one place: its delivery row (unless already delivered)
 * becomes `failed`, the delivery counter counts it, and the meeting card shows why.
 */
import type { DeliveryServices } from "./delivery-services.js";
import { reasonKeyFor } from "./failure.js";
import { failUndeliveredPart } from "./meeting-parts.repository.js";

export async function reportPartFailed(
  services: DeliveryServices,
  part: { meetingUuid: string; chatId: number; fileId: string; kind: "summary" | "transcript" | "chat" },
  error: string,
): Promise<void> {
  const { meetingUuid, chatId, fileId, kind } = part;
  await failUndeliveredPart(services.db.kysely, { meetingUuid, fileId, chatId }, error, services.clock.now());
  services.metrics.deliveries.inc({ kind, result: "failed" });
  await services.progress.publish({
    meetingUuid,
    chatId,
    part: kind,
    status: "failed",
    detail: reasonKeyFor(error),
  });
}
