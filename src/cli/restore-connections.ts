/**
 * `zoomgram restore-connections`: brings back connections that were marked broken although Zoom
 * never said `invalid_grant` (issue #13, item 2) — e.g. by a release that treated any refusal of
 * the token endpoint as the user's, after the client secret was rotated. Upgrading does this once
 * by itself (migration 2026_12_06_130001); this command is for the operator's own judgement.
 */
import { restoreBrokenConnections } from "../connect/connection.repository.js";
import type { Db } from "../db/database.js";
import { withTransaction } from "../db/database.js";

export interface RestoreReport {
  restored: Array<{ zoomUserId: string; email: string; chatId: number; reason: string | null }>;
}

export async function restoreConnections(
  db: Db,
  options: { zoomUserId?: string; now: number },
): Promise<RestoreReport> {
  const filter = options.zoomUserId !== undefined ? { zoomUserId: options.zoomUserId } : {};
  const restored = await withTransaction(db, (tx) => restoreBrokenConnections(tx, filter, options.now));
  return { restored };
}

export function formatRestoreReport(report: RestoreReport): string {
  if (report.restored.length === 0) return "No broken connection matched; nothing changed.\n";
  const lines = report.restored.map(
    (r) => `  ${r.zoomUserId} (${r.email}, chat ${r.chatId}) was: ${r.reason ?? "no reason recorded"}`,
  );
  return `Restored ${report.restored.length} connection(s); the next token refresh checks each:\n${lines.join("\n")}\n`;
}
