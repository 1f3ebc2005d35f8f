/**
 * `zoomgram rotate-keys`: re-encrypts every stored secret with the FIRST key of
 * TOKEN_ENCRYPTION_KEY, so an old key can then be dropped from the list. Covers the OAuth tokens
 * (`zoom_connections`), pending PKCE verifiers (`oauth_states`) and the webhook download tokens
 * (`webhook_events`). Each row is rewritten with a compare-and-swap on its old ciphertext, so a
 * token refresh running at the same time is never overwritten with an older token.
 */
import type { Db } from "../db/database.js";
import { downloadTokenAad } from "../delivery/ingest.js";
import { type TokenCipher, TokenCipherError } from "../security/token-cipher.js";

export interface RotationCounts {
  /** Rewritten with the first key. */
  reencrypted: number;
  /** Already under the first key. */
  current: number;
  /** Could not be decrypted with any configured key (listed by row id, never by content). */
  failed: number;
}

export interface RotationReport {
  connections: RotationCounts;
  oauthStates: RotationCounts;
  webhookEvents: RotationCounts;
  /** Row ids that failed, per table, for the operator to look at. */
  failures: string[];
}

const zero = (): RotationCounts => ({ reencrypted: 0, current: 0, failed: 0 });

/** Re-encrypts one value, or undefined when it is already current. Throws TokenCipherError. */
function reencrypt(cipher: TokenCipher, ciphertext: string, aad: string): string | undefined {
  if (cipher.isCurrent(ciphertext)) return undefined;
  return cipher.encrypt(cipher.decrypt(ciphertext, aad), aad);
}

export async function rotateEncryptionKeys(
  db: Db,
  cipher: TokenCipher,
  options: { dryRun?: boolean } = {},
): Promise<RotationReport> {
  const k = db.kysely;
  const report: RotationReport = {
    connections: zero(),
    oauthStates: zero(),
    webhookEvents: zero(),
    failures: [],
  };
  const fail = (counts: RotationCounts, what: string, error: unknown) => {
    if (!(error instanceof TokenCipherError)) throw error;
    counts.failed++;
    report.failures.push(`${what}: ${error.code}`);
  };

  for (const row of await k
    .selectFrom("zoom_connections")
    .select(["id", "zoom_user_id", "access_token_enc", "refresh_token_enc"])
    .execute()) {
    try {
      const access = reencrypt(cipher, row.access_token_enc, row.zoom_user_id);
      const refresh = reencrypt(cipher, row.refresh_token_enc, row.zoom_user_id);
      if (access === undefined && refresh === undefined) {
        report.connections.current++;
        continue;
      }
      if (!options.dryRun) {
        const result = await k
          .updateTable("zoom_connections")
          .set({
            access_token_enc: access ?? row.access_token_enc,
            refresh_token_enc: refresh ?? row.refresh_token_enc,
            token_key_id: cipher.keyIds[0] as string,
          })
          .where("id", "=", row.id)
          .where("access_token_enc", "=", row.access_token_enc)
          .where("refresh_token_enc", "=", row.refresh_token_enc)
          .executeTakeFirst();
        // Zero rows: a refresh or reconnect rewrote the row meanwhile, with the first key already.
        if (Number(result.numUpdatedRows) === 0) {
          report.connections.current++;
          continue;
        }
      }
      report.connections.reencrypted++;
    } catch (error) {
      fail(report.connections, `zoom_connections id ${row.id}`, error);
    }
  }

  // One encrypted column per row: re-encrypt it unless it is current, and write it back only if
  // nobody rewrote it meanwhile (compare-and-set on the old ciphertext).
  const rotateColumn = async (
    counts: RotationCounts,
    what: string,
    enc: string,
    aad: string,
    write: (value: string) => Promise<unknown>,
  ) => {
    try {
      const value = reencrypt(cipher, enc, aad);
      if (value === undefined) {
        counts.current++;
        return;
      }
      if (!options.dryRun) await write(value);
      counts.reencrypted++;
    } catch (error) {
      fail(counts, what, error);
    }
  };

  for (const row of await k.selectFrom("oauth_states").select(["nonce", "code_verifier_enc"]).execute()) {
    await rotateColumn(
      report.oauthStates,
      "oauth_states (a pending sign-in)",
      row.code_verifier_enc,
      row.nonce,
      (value) =>
        k
          .updateTable("oauth_states")
          .set({ code_verifier_enc: value })
          .where("nonce", "=", row.nonce)
          .where("code_verifier_enc", "=", row.code_verifier_enc)
          .execute(),
    );
  }

  for (const row of await k
    .selectFrom("webhook_events")
    .select(["id", "meeting_uuid", "download_token_enc"])
    .where("download_token_enc", "is not", null)
    .execute()) {
    const enc = row.download_token_enc as string;
    await rotateColumn(
      report.webhookEvents,
      `webhook_events id ${row.id}`,
      enc,
      downloadTokenAad(row.meeting_uuid ?? ""),
      (value) =>
        k
          .updateTable("webhook_events")
          .set({ download_token_enc: value })
          .where("id", "=", row.id)
          .where("download_token_enc", "=", enc)
          .execute(),
    );
  }
  return report;
}

/** The report as the CLI prints it. */
export function formatRotationReport(report: RotationReport, dryRun: boolean): string {
  const verb = dryRun ? "would re-encrypt" : "re-encrypted";
  const line = (name: string, c: RotationCounts) =>
    `  ${name}: ${verb} ${c.reencrypted}, already current ${c.current}, failed ${c.failed}`;
  return [
    "token encryption keys:",
    line("OAuth tokens (zoom_connections)", report.connections),
    line("PKCE verifiers (oauth_states)", report.oauthStates),
    line("download tokens (webhook_events)", report.webhookEvents),
    ...report.failures.map((f) => `  cannot decrypt ${f}`),
    "",
  ].join("\n");
}
