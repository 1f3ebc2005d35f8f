/**
 * A second (and third) process for the cross-process refresh test: builds the app on the shared
 * database, says "ready", waits for "go" on stdin, then asks for the same user's token N times at
 * once and prints the SHA-256 of each token it got (never the token itself) as JSON.
 */
import { createHash } from "node:crypto";
import { createInterface } from "node:readline";
import { createApp } from "../../src/app.js";
import { testConfig } from "../support/config.js";

const [databaseUrl, zoomUrl, clientId, clientSecret, zoomUserId, count] = process.argv.slice(2);
if (!databaseUrl || !zoomUrl || !clientId || !clientSecret || !zoomUserId)
  throw new Error("usage: token-child …");

const app = await createApp(
  testConfig({
    DATABASE_URL: databaseUrl,
    ZOOM_OAUTH_BASE_URL: zoomUrl,
    ZOOM_API_BASE_URL: `${zoomUrl}/v2`,
    ZOOM_CLIENT_ID: clientId,
    ZOOM_CLIENT_SECRET: clientSecret,
  }),
  { web: false, worker: false },
  { ffmpeg: null, disablePolling: true, disablePeriodic: true },
);
const tokens = app.services.tokens;
process.stdout.write("ready\n");
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== "go") continue;
  const results = await Promise.allSettled(
    Array.from({ length: Number(count ?? 5) }, () => tokens.getAccessToken(zoomUserId)),
  );
  const out = results.map((r) =>
    r.status === "fulfilled"
      ? { ok: true, sha: createHash("sha256").update(r.value.accessToken).digest("hex") }
      : { ok: false, error: String((r.reason as Error).message) },
  );
  process.stdout.write(`${JSON.stringify(out)}\n`);
  break;
}
lines.close();
await app.stop();
