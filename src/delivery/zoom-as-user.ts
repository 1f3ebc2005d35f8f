/**
 * A Zoom REST call as a connected user: a 401 gets one token refresh (the stored token may have
 * been revoked meanwhile), as the delivery jobs do — but only when a refresh can help: the refused
 * token is still the stored one and was not written in the last minute (token-service.ts,
 * `rejectedToken`). Otherwise the 401 fails this attempt with a clear reason, and the job's backoff
 * decides when to try again. Issue #13 item 8: a run of 401s is not a run of refreshes.
 */
import type { AccessToken, TokenService } from "../connect/token-service.js";
import { AppError, isAppError } from "../errors.js";
import type { ZoomAuth } from "../zoom/zoom-api.js";

export interface AsZoomUserOptions {
  signal?: AbortSignal | undefined;
  /** The job's attempt (1-based), for Zoom's backoff without Retry-After. */
  attempt?: number;
}

export async function asZoomUser<T>(
  tokens: TokenService,
  zoomUserId: string,
  options: AsZoomUserOptions,
  call: (auth: ZoomAuth) => Promise<T>,
): Promise<T> {
  const first = await tokens.getAccessToken(zoomUserId, { signal: options.signal });
  return (await withRefreshOn401(tokens, zoomUserId, first, options, call)).value;
}

/** `call` with `first`; on a 401, once more with a refreshed token. Returns the token that worked. */
export async function withRefreshOn401<T>(
  tokens: TokenService,
  zoomUserId: string,
  first: AccessToken,
  options: AsZoomUserOptions,
  call: (auth: ZoomAuth) => Promise<T>,
): Promise<{ value: T; access: AccessToken }> {
  const { signal, attempt } = options;
  const auth = (access: AccessToken): ZoomAuth => ({
    apiBaseUrl: access.apiBaseUrl,
    accessToken: access.accessToken,
    ...(signal ? { signal } : {}),
    ...(attempt !== undefined ? { attempt } : {}),
  });
  try {
    return { value: await call(auth(first)), access: first };
  } catch (error) {
    if (!(isAppError(error) && error.code === "zoom.unauthorized")) throw error;
    const again = await tokens.getAccessToken(zoomUserId, { signal, rejectedToken: first.accessToken });
    if (again.accessToken === first.accessToken) {
      throw new AppError(
        "zoom.unauthorized",
        `${error.message}; the token is new, so it was not refreshed again`,
        {
          status: error.status,
          retryable: true,
          cause: error,
          details: error.details,
        },
      );
    }
    return { value: await call(auth(again)), access: again };
  }
}
