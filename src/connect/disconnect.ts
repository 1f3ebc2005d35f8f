/**
 * /disconnect's work: forget the Zoom user here first (tokens and data, deauthorize.ts), then
 * withdraw our access at Zoom (`POST /oauth/revoke`, reference/zoom.md §3.5). Local deletion comes
 * first so it happens even when Zoom cannot be reached, and so the `app_deauthorized` webhook the
 * revocation triggers finds nothing left and sends the chat no second message.
 */
import { describeError, isAppError } from "../errors.js";
import { TokenCipherError } from "../security/token-cipher.js";
import type { Services } from "../services.js";
import { deauthorizeZoomUser } from "./deauthorize.js";
import type { TokenService } from "./token-service.js";

export type RevocationOutcome =
  /** Zoom withdrew our access. */
  | "revoked"
  /** Zoom did not know the tokens any more (already revoked or rotated out): nothing to withdraw. */
  | "already_invalid"
  /** Zoom could not be reached, or the stored tokens could not be read: deleted locally only. */
  | "local_only";

export async function disconnectZoomUser(
  services: Services,
  tokens: TokenService,
  zoomUserId: string,
): Promise<{ revocation: RevocationOutcome; chatId?: number }> {
  const logger = services.logger.child({ component: "zoom.disconnect" });
  let secrets: { accessToken: string; refreshToken: string } | undefined;
  try {
    secrets = await tokens.tokensForRevocation(zoomUserId);
  } catch (error) {
    // A key removed from TOKEN_ENCRYPTION_KEY: the tokens are unreadable, but still deleted below.
    if (!(error instanceof TokenCipherError)) throw error;
    logger.warn(
      { zoomUserId, err: describeError(error) },
      "stored tokens unreadable; deleting without revoking",
    );
  }
  const { chatId } = await deauthorizeZoomUser(services, { zoomUserId, reason: "disconnected" });
  const withChat = <T extends { revocation: RevocationOutcome }>(r: T) =>
    chatId !== undefined ? { ...r, chatId } : r;
  if (!secrets) return withChat({ revocation: "local_only" });

  try {
    let outcome = await tokens.oauth.revoke(secrets.accessToken);
    // An expired access token may be unknown to Zoom while the refresh token is still live.
    if (outcome === "already_invalid") outcome = await tokens.oauth.revoke(secrets.refreshToken);
    logger.info({ zoomUserId, outcome }, "Zoom access revoked");
    return withChat({ revocation: outcome });
  } catch (error) {
    if (!isAppError(error)) throw error;
    logger.warn({ zoomUserId, err: describeError(error) }, "Zoom revoke failed; tokens deleted locally only");
    return withChat({ revocation: "local_only" });
  }
}
