/**
 * The end of a successful transcript, summary or chat file delivery, in one place: the delivery row is
 * marked delivered, the metrics count it (with end-to-end latency from the webhook), and the
 * meeting card hears that the part is done.
 */

import { type DeliveryUpdate, updateDelivery } from "./delivery.repository.js";
import type { DeliveryServices } from "./delivery-services.js";

export interface PartDelivered {
  part: "transcript" | "summary" | "chat";
  deliveryId: number;
  meetingUuid: string;
  chatId: number;
  /** When the webhook that asked for this part was received. */
  requestedAt: number;
  /** Where a transcript came from (`zoom`, `stt`): the card says so. */
  source?: string;
  /** What else to record on the row (message ids, bytes, file id, detail). */
  update: Omit<DeliveryUpdate, "state" | "lastError" | "deliveredAt">;
}

export async function recordPartDelivered(services: DeliveryServices, input: PartDelivered): Promise<void> {
  const done = services.clock.now();
  await updateDelivery(
    services.db.kysely,
    input.deliveryId,
    { ...input.update, state: "delivered", lastError: null, deliveredAt: done },
    done,
  );
  services.metrics.deliveries.inc({ kind: input.part, result: "delivered" });
  services.metrics.deliveryLatency.observe(
    { kind: input.part },
    Math.max(0, done - input.requestedAt) / 1000,
  );
  await services.progress.publish({
    meetingUuid: input.meetingUuid,
    chatId: input.chatId,
    part: input.part,
    status: "done",
    ...(input.source ? { detail: input.source } : {}),
  });
}
