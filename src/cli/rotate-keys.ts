/**
 * `zoomgram rotate-keys`: re-encrypts every stored secret with the FIRST key of
 * TOKEN_ENCRYPTION_KEY, so an old key can then be dropped from the list. Covers the OAuth tokens
 * (`zoom_connections`), pending PKCE verifiers (`oauth_states`) and the webhook download tokens
 * (`webhook_events`). Each row is rewritten with a compare-and-swap on its old ciphertext, so a
 * token refresh running at the same time is never overwritten with an older token.
 *
 * A connection whose token refresh is in flight (it holds the refresh lease) is not touched: the
 * refresh's save compares on the ciphertext it read, and rewriting it underneath would make that
 * save fail and throw away the token Zoom just rotated (issue #13, item 3). Rotation waits briefly
 * for the refresh to finish (its save writes under the first key anyway), and otherwise skips the
 * connection and reports it, for another run.
 */
import {
  findConnectionRow,
  listConnectionTokens,
  reencryptConnectionTokens,
} from "../connect/connection.repository.js";
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
  /** Left alone because a token refresh held the row throughout (connections only). */
  busy: number;
}

export interface RotationReport {
  connections: RotationCounts;
  oauthStates: RotationCounts;
  webhookEvents: RotationCounts;
  /** Row ids that failed, per table, for the operator to look at. */
  failures: string[];
  /** Connections skipped because a token refresh held them throughout: run rotate-keys again. */
  skipped: string[];
}

const zero = (): RotationCounts => ({ reencrypted: 0, current: 0, failed: 0, busy: 0 });

export interface RotationOptions {
  dryRun?: boolean;
  /** Waits while a connection's token refresh holds its lease. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** How long one wait is. Default 1 000 ms. */
  busyWaitMs?: number;
  /** Waits per connection before it is skipped and reported. Default 20 (a refresh takes < 15 s). */
  busyWaits?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Re-encrypts one value, or undefined when it is already current. Throws TokenCipherError. */
function reencrypt(cipher: TokenCipher, ciphertext: string, aad: string): string | undefined {
  if (cipher.isCurrent(ciphertext)) return undefined;
  return cipher.encrypt(cipher.decrypt(ciphertext, aad), aad);
}

export async function rotateEncryptionKeys(
  db: Db,
  cipher: TokenCipher,
  options: RotationOptions = {},
): Promise<RotationReport> {
  const report: RotationReport = {
    connections: zero(),
    oauthStates: zero(),
    webhookEvents: zero(),
    failures: [],
    skipped: [],
  };
  const rotation: Rotation = { cipher, options, report };
  await rotateConnections(db, rotation);
  await rotateOAuthStates(db.kysely, rotation);
  await rotateWebhookEvents(db.kysely, rotation);
  return report;
}

/** One run's key ring, flags and report, shared by its steps. */
interface Rotation {
  cipher: TokenCipher;
  options: RotationOptions;
  report: RotationReport;
}

/** A value the key ring cannot open is counted and reported; any other error stops the run. */
function recordFailure(rotation: Rotation, counts: RotationCounts, what: string, error: unknown): void {
  if (!(error instanceof TokenCipherError)) throw error;
  counts.failed++;
  rotation.report.failures.push(`${what}: ${error.code}`);
}

async function rotateConnections(db: Db, rotation: Rotation): Promise<void> {
  const { report } = rotation;
  for (const row of await listConnectionTokens(db.kysely)) {
    try {
      const outcome = await rotateConnection(db, rotation.cipher, row, rotation.options);
      report.connections[outcome]++;
      if (outcome === "busy") report.skipped.push(`zoom_connections id ${row.id}`);
    } catch (error) {
      recordFailure(rotation, report.connections, `zoom_connections id ${row.id}`, error);
    }
  }
}

/**
 * One encrypted column of one row: re-encrypt it unless it is current, and write it back only if
 * nobody rewrote it meanwhile (`write` compares and sets on the old ciphertext).
 */
async function rotateColumn(
  rotation: Rotation,
  counts: RotationCounts,
  what: string,
  enc: string,
  aad: string,
  write: (value: string) => Promise<unknown>,
): Promise<void> {
  try {
    const value = reencrypt(rotation.cipher, enc, aad);
    if (value === undefined) {
      counts.current++;
      return;
    }
    if (!rotation.options.dryRun) await write(value);
    counts.reencrypted++;
  } catch (error) {
    recordFailure(rotation, counts, what, error);
  }
}

async function rotateOAuthStates(k: Db["kysely"], rotation: Rotation): Promise<void> {
  for (const row of await k.selectFrom("oauth_states").select(["nonce", "code_verifier_enc"]).execute()) {
    await rotateColumn(
      rotation,
      rotation.report.oauthStates,
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
}

async function rotateWebhookEvents(k: Db["kysely"], rotation: Rotation): Promise<void> {
  for (const row of await k
    .selectFrom("webhook_events")
    .select(["id", "meeting_uuid", "download_token_enc"])
    .where("download_token_enc", "is not", null)
    .execute()) {
    const enc = row.download_token_enc as string;
    await rotateColumn(
      rotation,
      rotation.report.webhookEvents,
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
}

type ConnectionTokens = Awaited<ReturnType<typeof listConnectionTokens>>[number];

/**
 * Re-encrypts one connection's tokens unless a token refresh holds its lease: then it waits and
 * looks again (the refresh's own save writes under the first key), at most `busyWaits` times.
 */
async function rotateConnection(
  db: Db,
  cipher: TokenCipher,
  first: ConnectionTokens,
  options: RotationOptions,
): Promise<"reencrypted" | "current" | "busy"> {
  const maxWaits = options.busyWaits ?? 20;
  let row: ConnectionTokens | undefined = first;
  for (let waits = 0; row; waits++) {
    const access = reencrypt(cipher, row.access_token_enc, row.zoom_user_id);
    const refresh = reencrypt(cipher, row.refresh_token_enc, row.zoom_user_id);
    if (access === undefined && refresh === undefined) return "current";
    if (options.dryRun) return "reencrypted";
    const outcome = await reencryptConnectionTokens(
      db.kysely,
      row.id,
      { accessTokenEnc: row.access_token_enc, refreshTokenEnc: row.refresh_token_enc },
      {
        accessTokenEnc: access ?? row.access_token_enc,
        refreshTokenEnc: refresh ?? row.refresh_token_enc,
        tokenKeyId: cipher.keyIds[0] as string,
      },
    );
    if (outcome === "rewritten") return "reencrypted";
    if (waits >= maxWaits) return "busy";
    // Busy: a refresh holds the lease. Changed: a refresh or reconnect rewrote the row. Either way
    // look again at what is stored now.
    if (outcome === "busy") await (options.sleep ?? defaultSleep)(options.busyWaitMs ?? 1_000);
    row = await findConnectionRow(db.kysely, row.zoom_user_id);
  }
  return "current"; // the connection was deleted meanwhile: nothing left to rotate
}

/** The report as the CLI prints it. */
export function formatRotationReport(report: RotationReport, dryRun: boolean): string {
  const verb = dryRun ? "would re-encrypt" : "re-encrypted";
  const line = (name: string, c: RotationCounts) =>
    `  ${name}: ${verb} ${c.reencrypted}, already current ${c.current}, failed ${c.failed}` +
    (c.busy > 0 ? `, skipped during a token refresh ${c.busy}` : "");
  return [
    "token encryption keys:",
    line("OAuth tokens (zoom_connections)", report.connections),
    line("PKCE verifiers (oauth_states)", report.oauthStates),
    line("download tokens (webhook_events)", report.webhookEvents),
    ...report.failures.map((f) => `  cannot decrypt ${f}`),
    ...report.skipped.map((s) => `  skipped ${s}: a token refresh was in progress; run rotate-keys again`),
    "",
  ].join("\n");
}
