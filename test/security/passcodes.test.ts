/**
 * Issue #13, item 5: recording passcodes (`payload.object.password`, `recording_play_passcode`,
 * `pwd=` in share and play URLs, the meeting password in Zoom's REST answers) are removed before
 * anything is stored — audit rows, meetings, recording files, jobs — and, on SQLite, are in neither
 * the database file nor its WAL.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { stripPasscodes, stripUrlPasscode } from "../../src/zoom/passcodes.js";
import { everyStoredValue } from "../fault/harness.js";
import { type MeetingHarness, startMeetingHarness } from "../meeting/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { makeTestAudio } from "../support/media.js";

let bench: MeetingHarness | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

describe("stripping passcodes", () => {
  it("removes passcode keys at any depth and pwd= from URLs, leaving the rest", () => {
    expect(stripUrlPasscode("https://zoom.us/rec/share/abc?pwd=XYZ")).toBe("https://zoom.us/rec/share/abc");
    expect(stripUrlPasscode("https://zoom.us/rec/play/abc?pwd=XYZ&startTime=1")).toBe(
      "https://zoom.us/rec/play/abc?startTime=1",
    );
    expect(stripUrlPasscode("https://zoom.us/rec/play/abc?startTime=1&pwd=XYZ")).toBe(
      "https://zoom.us/rec/play/abc?startTime=1",
    );
    expect(stripUrlPasscode("https://zoom.us/j/1?a=1&PWD=X&b=2#frag")).toBe(
      "https://zoom.us/j/1?a=1&b=2#frag",
    );
    expect(
      stripPasscodes({
        event: "recording.completed",
        payload: {
          object: {
            topic: "t",
            password: "p",
            recording_play_passcode: "q",
            recording_files: [{ id: "f", play_url: "https://zoom.us/rec/play/x?pwd=r" }],
          },
        },
      }),
    ).toEqual({
      event: "recording.completed",
      payload: {
        object: { topic: "t", recording_files: [{ id: "f", play_url: "https://zoom.us/rec/play/x" }] },
      },
    });
  });
});

describe(`recording passcodes at rest (${TEST_DIALECT})`, () => {
  it("no passcode from a webhook or a REST answer is stored, in any table or (SQLite) the file and WAL", async () => {
    bench = await startMeetingHarness();
    bench.addRecording({
      uuid: "passcode-uuid==",
      topic: "Board meeting",
      duration: 30,
      password: "RestPassword42",
      audio: await makeTestAudio({ seconds: 4, bitrateKbps: 32 }),
    });
    const event = bench.zoom.buildEvent("recording.completed", "passcode-uuid==") as unknown as {
      payload: { object: Record<string, unknown> & { recording_files: Array<Record<string, unknown>> } };
    };
    const object = event.payload.object;
    object.password = "WebhookPassword77";
    object.recording_play_passcode = "PlayPasscode8899";
    object.share_url = `${String(object.share_url)}?pwd=SharePwd123`;
    for (const file of object.recording_files) file.play_url = `https://zoom.us/rec/play/abc?pwd=FilePwd456`;
    expect((await bench.post(event as unknown as Record<string, unknown>)).status).toBe(200);
    await bench.settle();
    expect(bench.messages().some((m) => m.method === "sendAudio")).toBe(true);

    const secrets = ["RestPassword42", "WebhookPassword77", "PlayPasscode8899", "SharePwd123", "FilePwd456"];
    const stored = (await everyStoredValue(bench.app.services.db)).join("\n");
    expect(stored).toContain("Board meeting"); // the scan sees the rows
    for (const secret of secrets) expect(stored, secret).not.toContain(secret);
    expect(stored).not.toMatch(/recording_play_passcode|"password"/);

    const url = bench.app.services.config.database.url;
    if (url.startsWith("sqlite:")) {
      const path = url.slice("sqlite:".length);
      for (const file of [path, `${path}-wal`]) {
        let bytes: string;
        try {
          bytes = readFileSync(file).toString("latin1");
        } catch {
          continue;
        }
        for (const secret of secrets) expect(bytes, `${secret} in ${file}`).not.toContain(secret);
      }
    }
  });
});
