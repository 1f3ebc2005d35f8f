/**
 * Issue #9 §3: a `download_url` that points at 127.0.0.1, 169.254.169.254 or any host off
 * ZOOM_DOWNLOAD_HOSTS is refused before any request is made, so no bearer token is ever sent.
 *
 * First as a property of the download itself (thousands of generated URLs: IP literals in every
 * spelling URL parsing accepts, private and metadata ranges, userinfo and backslash tricks,
 * look-alike domains, other schemes), with a fetch and token sources that record every use;
 * then through the whole service: the recording's URL from Zoom's API, and a redirect hop, aimed
 * at hosts the fake Zoom is not, and the service run with the production host list against a
 * fake Zoom on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { AppError } from "../../src/errors.js";
import { downloadRecording } from "../../src/zoom/download.js";
import { checkDownloadUrl } from "../../src/zoom/download-url-policy.js";
import { type Harness, startHarness } from "../fault/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { makeTestAudio } from "../support/media.js";
import { addRecording } from "../support/recordings.js";

const PRODUCTION_HOSTS = ["zoom.us", "*.zoom.us", "zoomgov.com", "*.zoomgov.com"];
const SEED = Number(process.env.HOSTILE_SEED ?? 20260115);

const octet = fc.integer({ min: 0, max: 255 });
/** 127.0.0.1 and the metadata address, spelled every way WHATWG URL parsing still understands. */
const ipSpellings = (a: number, b: number, c: number, d: number): string[] => {
  const n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
  return [
    `${a}.${b}.${c}.${d}`,
    String(n),
    `0x${n.toString(16)}`,
    `0${a.toString(8)}.${b}.${c}.${d}`,
    `0x${a.toString(16)}.${b}.${c}.${d}`,
    `${a}.${(b << 16) + (c << 8) + d}`,
    `[::ffff:${a}.${b}.${c}.${d}]`,
    `[::ffff:${((a << 8) + b).toString(16)}:${((c << 8) + d).toString(16)}]`,
  ];
};
const internalHost = fc.oneof(
  fc.constantFrom(
    ...ipSpellings(127, 0, 0, 1),
    ...ipSpellings(169, 254, 169, 254),
    ...ipSpellings(0, 0, 0, 0),
    "localhost",
    "localhost.",
    "[::1]",
    "[::]",
    "metadata.google.internal",
    "instance-data",
  ),
  fc.tuple(octet, octet, octet).map(([b, c, d]) => `10.${b}.${c}.${d}`),
  fc.tuple(octet, octet).map(([c, d]) => `192.168.${c}.${d}`),
  fc.tuple(fc.integer({ min: 16, max: 31 }), octet, octet).map(([b, c, d]) => `172.${b}.${c}.${d}`),
  fc.tuple(octet, octet).map(([c, d]) => `169.254.${c}.${d}`),
);
const lookalike = fc.constantFrom(
  "zoom.us.evil.example",
  "evilzoom.us",
  "zoom.usx",
  "zoomgov.com.evil.example",
  "xn--zom-2na.us",
  "zoom.us.",
  ".zoom.us",
  "us",
  "com",
);
const hostileUrl = fc.oneof(
  fc
    .record({
      scheme: fc.constantFrom("https", "http"),
      host: fc.oneof(internalHost, lookalike, fc.domain()),
      port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      path: fc.webPath(),
    })
    .filter(({ host }) => !/(^|\.)zoom(gov)?\.(us|com)$/.test(host.toLowerCase()) || host.startsWith("."))
    .map(({ scheme, host, port, path }) => `${scheme}://${host}${port ? `:${port}` : ""}${path}`),
  // Credentials, backslashes and fragments that make a URL look like it goes to Zoom.
  fc
    .tuple(internalHost, fc.constantFrom("zoom.us", "us01web.zoom.us", "zoomgov.com"))
    .chain(([evil, zoom]) =>
      fc.constantFrom(
        `https://${zoom}@${evil}/rec/download/x`,
        `https://${zoom}:443@${evil}/rec/download/x`,
        `https://${evil}\\@${zoom}/rec/download/x`,
        `https://${evil}#@${zoom}/rec/download/x`,
        `https://${evil}?.${zoom}/rec`,
        `https://${evil}/${zoom}/rec/download/x`,
        `https://${zoom}@${evil}`,
      ),
    ),
  // Allowed hosts, wrong terms: plain http, another port, userinfo.
  fc.constantFrom(
    "http://zoom.us/rec/download/x",
    "https://zoom.us:8443/rec/download/x",
    "https://user:pass@us02web.zoom.us/rec/download/x",
    "ftp://zoom.us/rec",
    "file:///etc/passwd",
    "data:text/html,<h1>hi</h1>",
    "javascript:alert(1)",
    "gopher://zoom.us/",
    "//zoom.us/rec",
    "",
  ),
);

describe("a hostile download_url is refused before any request", () => {
  it("never fetches, never asks for a token (2,000 generated URLs)", async () => {
    await fc.assert(
      fc.asyncProperty(hostileUrl, async (url) => {
        const fetched: string[] = [];
        let tokensAsked = 0;
        const error = await downloadRecording({
          url,
          allowedHosts: PRODUCTION_HOSTS,
          tokens: [
            {
              name: "download_access_token",
              get: async () => {
                tokensAsked++;
                return "SECRET-TOKEN";
              },
            },
          ],
          destination: "/nonexistent/never-written",
          maxBytes: 1_000_000,
          fetch: (async (input: Parameters<typeof fetch>[0]) => {
            fetched.push(String(input));
            return new Response("no");
          }) as typeof fetch,
          now: () => 0,
        }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, url).toBeInstanceOf(AppError);
        expect((error as AppError).code, url).toBe("download.refused_host");
        expect(fetched, url).toEqual([]);
        expect(tokensAsked, url).toBe(0);
        expect(checkDownloadUrl(url, PRODUCTION_HOSTS).ok, url).toBe(false);
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it("a redirect hop off the list is not followed, and the token never leaves the allowed origin", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zoomgram-ssrf-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    await fc.assert(
      fc.asyncProperty(
        hostileUrl.filter((u) => u !== "" && !u.startsWith("//")),
        async (location) => {
          const requests: Array<{ url: string; auth: string | null }> = [];
          const error = await downloadRecording({
            url: "https://us02web.zoom.us/rec/download/abc",
            allowedHosts: PRODUCTION_HOSTS,
            tokens: [{ name: "download_access_token", get: async () => "SECRET-TOKEN" }],
            destination: join(dir, "download"),
            maxBytes: 1_000_000,
            fetch: (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
              requests.push({ url: String(input), auth: new Headers(init?.headers).get("authorization") });
              return new Response(null, { status: 302, headers: { location } });
            }) as typeof fetch,
            now: () => 0,
          }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect((error as AppError | undefined)?.code, location).toBe("download.refused_host");
          // One request, to the allowed host, with the token; none to the redirect target.
          expect(requests.map((r) => new URL(r.url).host)).toEqual(["us02web.zoom.us"]);
          expect(requests[0]?.auth).toBe("Bearer SECRET-TOKEN");
        },
      ),
      { numRuns: 500, seed: SEED + 1 },
    );
  });
});

describe(`through the service (${TEST_DIALECT})`, () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** Every request the service makes, with whether it carried an Authorization header. */
  function recordingFetch(rewrite: (url: URL, response: Response) => Promise<Response>) {
    const seen: Array<{ url: string; auth: boolean }> = [];
    const f: typeof fetch = async (input, init) => {
      const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      seen.push({ url: url.href, auth: new Headers(init?.headers).has("authorization") });
      return rewrite(url, await fetch(input, init));
    };
    return { seen, fetch: f };
  }

  const settle = (harness: Harness) => harness.settle({ maxRounds: 20, minStepMs: 1, ifUnsettled: "return" });

  /** `user`'s recording `uuid` with one M4A (`file`: its path, or its bytes), announced by Zoom and run to rest. */
  async function deliverRecording(
    harness: Harness,
    user: { id: string },
    uuid: string,
    topic: string,
    file: { path: string } | { bytes: string },
  ) {
    addRecording(harness.zoom, user, {
      uuid,
      topic,
      start_time: "2026-01-15T09:00:00Z",
      files: [{ file_type: "M4A", recording_type: "audio_only", ...file }],
    });
    expect((await harness.postZoomWebhook(harness.zoom.buildEvent("recording.completed", uuid))).status).toBe(
      200,
    );
    await settle(harness);
  }

  it("Zoom's API names 127.0.0.1, 169.254.169.254 and other hosts: refused, no request, no token, the chat is told", async () => {
    const targets = [
      "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      "http://2852039166/latest/meta-data/",
      "http://127.0.0.1:1/rec/download/x",
      "http://[::1]:1/rec/download/x",
      "http://10.0.0.8/rec/download/x",
      "https://zoom.us.evil.example/rec/download/x",
      "https://127.0.0.1@evil.example/rec/download/x",
    ];
    let target = "";
    const recorder = recordingFetch(async (url, response) => {
      // A recordings answer whose download_url was replaced (a tampered or hostile response).
      if (!/\/meetings\/.+\/recordings$/.test(url.pathname) || !response.ok) return response;
      const body = (await response.json()) as { recording_files: Array<{ download_url: string }> };
      for (const f of body.recording_files) f.download_url = target;
      return Response.json(body, { status: response.status });
    });
    // Only the fake Zoom's own port is allowed for downloads: 127.0.0.1:1 and [::1]:1 are not it.
    h = await startHarness({ deps: { fetch: recorder.fetch }, env: { ZOOM_DOWNLOAD_HOSTS: "localhost" } });
    const { user } = await h.connect({ chatId: 9100 });
    const audio = await makeTestAudio({ seconds: 4, bitrateKbps: 32 });
    for (const [i, url] of targets.entries()) {
      target = url;
      await deliverRecording(h, user, `ssrf-${i}-uuid==`, `SSRF ${i}`, { path: audio });
    }
    const zoomOrigin = new URL(h.zoom.url).origin;
    const tgOrigin = new URL(h.tg.url).origin;
    // Nothing went anywhere but the fake Zoom's API and Telegram; no token anywhere else.
    for (const r of recorder.seen) expect([zoomOrigin, tgOrigin], r.url).toContain(new URL(r.url).origin);
    expect(h.zoom.requests.filter((r) => r.route === "download")).toEqual([]);
    const jobs = await h.db.kysely
      .selectFrom("jobs")
      .select(["state", "attempts", "last_error"])
      .where("kind", "=", "deliver-recording")
      .execute();
    expect(jobs).toHaveLength(targets.length);
    for (const job of jobs) {
      // Final at once: a refused host is not retried.
      expect(job).toMatchObject({ state: "dead", attempts: 1 });
      expect(job.last_error).toMatch(/^download\.refused_host/);
    }
    const told = h.tg.sent.filter((s) => s.chatId === 9100 && (s.text ?? "").startsWith("❌"));
    expect(told).toHaveLength(targets.length);
    expect(h.tg.sent.filter((s) => s.method === "sendAudio")).toEqual([]);
  });

  it("with the production host list, a fake Zoom on 127.0.0.1 gets API calls but never a download request", async () => {
    h = await startHarness({ env: { ZOOM_DOWNLOAD_HOSTS: PRODUCTION_HOSTS.join(",") } });
    const { user } = await h.connect({ chatId: 9200 });
    await deliverRecording(h, user, "loopback-uuid==", "Loopback", { bytes: "not fetched" });
    expect(h.zoom.requests.some((r) => r.route === "recordings")).toBe(true);
    expect(h.zoom.requests.filter((r) => r.route === "download" || r.route === "storage")).toEqual([]);
  });

  it("a download that redirects to the metadata address is not followed, and the token is not forwarded", async () => {
    const recorder = recordingFetch(async (url, response) => {
      if (!url.pathname.startsWith("/rec/")) return response;
      await response.body?.cancel();
      return new Response(null, {
        status: 302,
        headers: { location: "http://169.254.169.254/latest/meta-data/" },
      });
    });
    h = await startHarness({ deps: { fetch: recorder.fetch } });
    const { user } = await h.connect({ chatId: 9300 });
    await deliverRecording(h, user, "redirect-uuid==", "Redirect", { bytes: "never" });
    expect(recorder.seen.some((r) => r.url.includes("169.254.169.254"))).toBe(false);
    const job = await h.db.kysely
      .selectFrom("jobs")
      .select(["state", "last_error"])
      .where("kind", "=", "deliver-recording")
      .executeTakeFirstOrThrow();
    expect(job.state).toBe("dead");
    expect(job.last_error).toMatch(/^download\.refused_host: redirect refused/);
  });
});
