/**
 * A Zoom REST call as a connected user: a 401 gets one forced token refresh (the stored token may
 * have been revoked meanwhile), as the delivery jobs do.
 */
import type { TokenService } from "../connect/token-service.js";
import { isAppError } from "../errors.js";
import type { ZoomAuth } from "../zoom/zoom-api.js";

export async function asZoomUser<T>(
  tokens: TokenService,
  zoomUserId: string,
  options: { signal: AbortSignal; attempt: number },
  call: (auth: ZoomAuth) => Promise<T>,
): Promise<T> {
  const { signal, attempt } = options;
  const first = await tokens.getAccessToken(zoomUserId, { signal });
  try {
    return await call({ apiBaseUrl: first.apiBaseUrl, accessToken: first.accessToken, signal, attempt });
  } catch (error) {
    if (!(isAppError(error) && error.code === "zoom.unauthorized")) throw error;
    const again = await tokens.getAccessToken(zoomUserId, { signal, forceRefresh: true });
    return call({ apiBaseUrl: again.apiBaseUrl, accessToken: again.accessToken, signal, attempt });
  }
}
