/**
 * Real flows for the secrets tests, through the app's own routes and the fake Zoom: a user opens
 * the signed /connect link, Zoom's authorize page approves, the browser comes back to
 * /zoom/callback with a code and the state; a recording is announced by a signed webhook and the
 * jobs run. Every credential that shows up on the way is collected for the scans.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { parseDatabaseUrl } from "../../src/db/database.js";
import { type Harness, snapshotDatabase } from "../fault/harness.js";
import { continueUrlOf, pressedConnectQuery } from "../support/connect-link.js";
import { makeTestAudio } from "../support/media.js";

const client = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });

export interface SignIn {
  /** The OAuth code Zoom handed the browser, and the signed state it carried. */
  code: string;
  state: string;
  /** The connect link's signature. */
  linkSignature: string;
}

/** Opens a signed connect link and returns Zoom's authorize URL (an OAuth state is now pending). */
export async function openConnectLink(h: Harness, chatId: number, userId: number, ip = "198.51.100.7") {
  const link = pressedConnectQuery(h.config, { chatId, userId, nowMs: h.clock.now(), locale: "en" });
  const start = await h.app.http.request(`/zoom/connect?${link}`, {}, client(ip));
  const html = await start.text();
  expect(start.status, html).toBe(200);
  return { authorizeUrl: new URL(continueUrlOf(html)), linkSignature: link.get("sig") ?? "" };
}

/** The whole sign-in: link, Zoom's consent (the fake's next user approves), callback. */
export async function signIn(
  h: Harness,
  chatId: number,
  userId: number,
  ip = "198.51.100.7",
): Promise<SignIn> {
  h.tg.addChat(
    chatId > 0
      ? { id: chatId, type: "private", first_name: "Ada" }
      : { id: chatId, type: "supergroup", title: "Team", admins: [userId] },
  );
  const { authorizeUrl, linkSignature } = await openConnectLink(h, chatId, userId, ip);
  const atZoom = await fetch(authorizeUrl, { redirect: "manual" });
  expect(atZoom.status).toBe(302);
  const back = new URL(atZoom.headers.get("location") ?? "");
  const code = back.searchParams.get("code") ?? "";
  const state = back.searchParams.get("state") ?? "";
  expect(code).not.toBe("");
  const page = await h.app.http.request(`${back.pathname}${back.search}`, {}, client(ip));
  expect(page.status).toBe(200);
  return { code, state, linkSignature };
}

/** A finished recording of `hostUserId`, announced by a signed webhook; returns its download_token. */
export async function recordAndAnnounce(h: Harness, hostUserId: string, uuid: string): Promise<string> {
  const audio = await makeTestAudio({ seconds: 6, bitrateKbps: 32 });
  h.zoom.addMeeting({
    uuid,
    hostUserId,
    topic: `Secrets ${uuid}`,
    start_time: "2026-01-15T09:00:00Z",
    files: [
      { file_type: "M4A", recording_type: "audio_only", path: audio },
      {
        file_type: "TRANSCRIPT",
        recording_type: "audio_transcript",
        bytes: "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nAda: Hello.\n",
      },
    ],
  });
  const event = h.zoom.buildEvent("recording.completed", uuid);
  expect((await h.postZoomWebhook(event)).status).toBe(200);
  return event.download_token;
}

/**
 * Every byte the database holds, as text: on SQLite the raw file and its WAL (freed pages and
 * not-yet-checkpointed writes included), on PostgreSQL every row of every table.
 */
export async function everythingStored(h: Harness): Promise<string> {
  const rows = JSON.stringify(await snapshotDatabase(h.db));
  const { dialect, target } = parseDatabaseUrl(h.databaseUrl);
  if (dialect !== "sqlite") return rows;
  const raw = [target, `${target}-wal`]
    .map((path) => {
      try {
        return readFileSync(path).toString("latin1");
      } catch {
        return "";
      }
    })
    .join("\n");
  return `${rows}\n${raw}`;
}

/** The secrets found in `text` (an empty list is the goal). */
export function leaks(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => s.length >= 8 && text.includes(s));
}
