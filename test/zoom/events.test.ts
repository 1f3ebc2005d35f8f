import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type AppDeauthorizedEvent,
  type MeetingSummaryCompletedEvent,
  normalizeMeetingSummary,
  type ParsedZoomEvent,
  parseZoomEvent,
  type RecordingCompletedEvent,
  type RecordingLifecycleEvent,
  recordingMeetingSchema,
  ZOOM_EVENT_NAMES,
  type ZoomEvent,
} from "../../src/zoom/events.js";
import { loadZoomFixture, ZOOM_FIXTURES_DIR } from "../support/fixtures.js";

type Json = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: drafts are arbitrary JSON that each test edits in place
type Draft = any;

function expectOk(result: ParsedZoomEvent): ZoomEvent {
  if (result.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.event;
}

function expectInvalid(result: ParsedZoomEvent): string[] {
  if (result.kind !== "invalid") throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
  return result.issues;
}

function recordingCompleted(): Json {
  return loadZoomFixture<Json>("recording.completed.official-example.json");
}

/** Deep-clones a fixture and lets a test edit it freely. */
function edit<T>(value: T, change: (draft: Draft) => void): T {
  const draft = structuredClone(value);
  change(draft);
  return draft;
}

describe("every shared Zoom fixture", () => {
  // Every file in fixtures/zoom has an expected classification, so a new fixture must be looked at.
  const expected: Record<string, "ok" | "invalid" | "rest"> = {
    "app_deauthorized.official-example.json": "ok",
    "endpoint.url_validation.request.official-example.json": "ok",
    "endpoint.url_validation.response.official-example.json": "invalid",
    "get-meeting-recordings.response.official-example.json": "rest",
    "get-user-me.response.official-example.json": "invalid",
    "meeting.summary_completed.SYNTHETIC.json": "ok",
    "oauth-token.response.SYNTHETIC.json": "invalid",
    "recording.completed.official-example.json": "ok",
    "recording.completed.webinar.SYNTHETIC.json": "ok",
    "recording.deleted.SYNTHETIC.json": "ok",
    "recording.recovered.SYNTHETIC.json": "ok",
    "recording.trashed.SYNTHETIC.json": "ok",
    "recording.trashed.one-file.SYNTHETIC.json": "ok",
    "recording.transcript_completed.official-example.json": "ok",
    "signature-test-vectors.SYNTHETIC.json": "invalid",
    "webhook-request-headers.official-example.json": "invalid",
  };
  const files = readdirSync(fileURLToPath(ZOOM_FIXTURES_DIR)).filter((name) => name.endsWith(".json"));

  it("is covered by this table", () => {
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(files)("%s", (name) => {
    const json = loadZoomFixture(name);
    const result = parseZoomEvent(json);
    switch (expected[name]) {
      case "ok":
        expect(expectOk(result).event).toBe((json as Json).event);
        break;
      case "invalid":
        expect(expectInvalid(result)).toEqual(["event: expected a non-empty string"]);
        break;
      case "rest":
        expect(result.kind).toBe("invalid");
        expect(recordingMeetingSchema.safeParse(json).success).toBe(true);
        break;
      default:
        throw new Error(`no expectation for ${name}`);
    }
  });
});

describe("recording.completed", () => {
  it("parses the official example, normalizing the meeting number to a string", () => {
    const event = expectOk(parseZoomEvent(recordingCompleted())) as RecordingCompletedEvent;
    expect(event.event).toBe("recording.completed");
    expect(event.event_ts).toBe(1626230691572);
    expect(event.download_token).toMatch(/^abJhbGci/);
    expect(event.payload.account_id).toBe("AAAAAABBBB");
    const object = event.payload.object;
    expect(object).toMatchObject({
      uuid: "4444AAAiAAAAAiAiAiiAii==",
      id: "1234567890",
      host_id: "x1yCzABCDEfg23HiJKl4mN",
      host_email: "user@example.com",
      topic: "My Personal Recording",
      start_time: "2021-07-13T21:44:51Z",
      timezone: "America/Los_Angeles",
      duration: 60,
    });
    expect(object.recording_files.map((f) => [f.file_type, f.recording_type, f.file_size])).toEqual([
      ["M4A", "audio_only", 246560],
      ["MP4", "shared_screen_with_speaker_view", 282825],
    ]);
    expect(object.participant_audio_files).toHaveLength(1);
  });

  it("keeps unknown keys at every level", () => {
    const json = edit(recordingCompleted(), (d) => {
      d.brand_new = 1;
      d.payload.object.on_prem = false;
      d.payload.object.recording_files[0].new_field = "x";
    });
    const event = expectOk(parseZoomEvent(json)) as RecordingCompletedEvent;
    expect(event.brand_new).toBe(1);
    expect(event.payload.object.on_prem).toBe(false);
    expect(event.payload.object.recording_files[0]?.new_field).toBe("x");
    // And the untouched thumbnails pass through.
    expect(event.payload.object.thumbnail_links).toHaveLength(1);
  });

  it("accepts string ids and a string meeting type, as in meeting.started and the REST example", () => {
    const json = edit(recordingCompleted(), (d) => {
      d.payload.object.id = "1234567890";
      d.payload.object.type = "4";
    });
    const event = expectOk(parseZoomEvent(json)) as RecordingCompletedEvent;
    expect(event.payload.object.id).toBe("1234567890");
    expect(event.payload.object.type).toBe("4");
  });

  it("accepts a minimal body: no event_ts, download_token, timezone, duration, share_url, host_email", () => {
    const json = {
      event: "recording.completed",
      payload: {
        account_id: "acct",
        object: {
          uuid: "u/+==",
          id: 1,
          host_id: "host",
          topic: "",
          start_time: "2025-01-01T00:00:00Z",
          recording_files: [{ file_type: "M4A" }],
        },
      },
    };
    const event = expectOk(parseZoomEvent(json)) as RecordingCompletedEvent;
    expect(event.download_token).toBeUndefined();
    expect(event.event_ts).toBeUndefined();
    expect(event.payload.object.recording_files[0]?.id).toBeUndefined();
  });

  it("accepts CC and TIMELINE files without id, status, size, type or play_url (zoom.md §4.4)", () => {
    const json = edit(recordingCompleted(), (d) => {
      d.payload.object.recording_files.push(
        {
          meeting_id: "098765ABCD",
          recording_start: "2021-03-23T22:14:57Z",
          recording_end: "2021-03-23T23:15:41Z",
          file_type: "CC",
          file_extension: "VTT",
          download_url: "https://us02web.zoom.us/rec/webhook_download/cc",
        },
        {
          recording_start: "2021-03-23T22:14:57Z",
          file_type: "TIMELINE",
          file_extension: "JSON",
          download_url: "https://us02web.zoom.us/rec/webhook_download/timeline",
        },
      );
    });
    const event = expectOk(parseZoomEvent(json)) as RecordingCompletedEvent;
    const [cc, timeline] = event.payload.object.recording_files.slice(2);
    expect(cc?.file_type).toBe("CC");
    expect([cc?.id, cc?.status, cc?.file_size, cc?.recording_type]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(timeline?.file_type).toBe("TIMELINE");
  });

  it("reads null optional fields as absent", () => {
    const json = edit(recordingCompleted(), (d) => {
      Object.assign(d.payload.object.recording_files[0], { id: null, file_size: null, status: null });
    });
    const event = expectOk(parseZoomEvent(json)) as RecordingCompletedEvent;
    expect(event.payload.object.recording_files[0]).toMatchObject({ id: undefined, file_size: undefined });
  });

  it("drops odd display-only values instead of rejecting the event", () => {
    const json = edit(recordingCompleted(), (d) => {
      d.event_ts = { odd: true };
      d.download_token = "";
      d.payload.object.timezone = 7;
      d.payload.object.duration = "60";
      d.payload.object.share_url = null;
      d.payload.object.recording_files[0].file_extension = 1;
    });
    const event = expectOk(parseZoomEvent(json)) as RecordingCompletedEvent;
    expect(event.event_ts).toBeUndefined();
    expect(event.download_token).toBeUndefined();
    expect(event.payload.object.timezone).toBeUndefined();
    expect(event.payload.object.duration).toBe(60);
    expect(event.payload.object.recording_files[0]?.file_extension).toBeUndefined();
  });

  it.each<[string, (d: Draft) => void, string]>([
    ["an empty uuid", (d) => (d.payload.object.uuid = ""), "payload.object.uuid"],
    ["a numeric uuid", (d) => (d.payload.object.uuid = 42), "payload.object.uuid"],
    ["no uuid", (d) => delete d.payload.object.uuid, "payload.object.uuid"],
    ["no host_id", (d) => delete d.payload.object.host_id, "payload.object.host_id"],
    ["no account_id", (d) => delete d.payload.account_id, "payload.account_id"],
    ["no recording_files", (d) => delete d.payload.object.recording_files, "payload.object.recording_files"],
    ["a negative id", (d) => (d.payload.object.id = -1), "payload.object.id"],
    [
      "a relative download_url",
      (d) => (d.payload.object.recording_files[0].download_url = "/rec/x"),
      "download_url",
    ],
    [
      "a javascript: download_url",
      (d) => (d.payload.object.recording_files[0].download_url = "javascript:x"),
      "download_url",
    ],
    [
      "an ftp download_url",
      (d) => (d.payload.object.recording_files[0].download_url = "ftp://zoom.us/x"),
      "download_url",
    ],
    ["a negative file_size", (d) => (d.payload.object.recording_files[0].file_size = -1), "file_size"],
    ["a fractional file_size", (d) => (d.payload.object.recording_files[0].file_size = 1.5), "file_size"],
    ["a string file_size", (d) => (d.payload.object.recording_files[0].file_size = "246560"), "file_size"],
    ["a file without file_type", (d) => delete d.payload.object.recording_files[0].file_type, "file_type"],
    ["no payload", (d) => delete d.payload, "payload"],
  ])("refuses %s", (_label, change, path) => {
    const issues = expectInvalid(parseZoomEvent(edit(recordingCompleted(), change)));
    expect(issues.some((issue) => issue.includes(path))).toBe(true);
  });

  it("does not echo payload values in issues", () => {
    const json = edit(recordingCompleted(), (d) => {
      d.payload.object.recording_files[0].download_url = "secret-token-in-url";
    });
    expect(expectInvalid(parseZoomEvent(json)).join("\n")).not.toContain("secret-token-in-url");
  });
});

describe("recording.transcript_completed", () => {
  it("parses the official example", () => {
    const event = expectOk(
      parseZoomEvent(loadZoomFixture("recording.transcript_completed.official-example.json")),
    ) as ZoomEvent & { event: "recording.transcript_completed" };
    expect(event.payload.object.recording_files).toEqual([
      expect.objectContaining({
        file_type: "TRANSCRIPT",
        recording_type: "audio_transcript",
        file_size: 142,
      }),
    ]);
    expect(event.download_token).toBe("abJhbGciOiJIUzUxMiJ9");
  });

  it("accepts a body without download_token (optional in Rivet)", () => {
    const json = edit(loadZoomFixture<Json>("recording.transcript_completed.official-example.json"), (d) => {
      delete d.download_token;
    });
    expect(expectOk(parseZoomEvent(json)).event).toBe("recording.transcript_completed");
  });
});

describe("the REST recordings response", () => {
  it("parses with the meeting schema, quirks included (zoom.md §4.1)", () => {
    const parsed = recordingMeetingSchema.parse(
      loadZoomFixture("get-meeting-recordings.response.official-example.json"),
    );
    expect(parsed.id).toBe("6840331990");
    expect(parsed.type).toBe("1");
    expect(parsed.uuid).toBe("BOKXuumlTAGXuqwr3bLyuQ==");
    expect(parsed.recording_files[0]).toMatchObject({ file_type: "MP4", file_extension: "M4A" });
    expect(parsed.download_access_token).toMatch(/^abJhbGci/);
  });
});

describe("meeting.summary_completed", () => {
  const rivet = () => loadZoomFixture<Json>("meeting.summary_completed.SYNTHETIC.json");

  // The ZoomNet sample's shape (zoom.md §2.4): Markdown content and a doc link, no Rivet fields.
  const zoomNetShape = edit(rivet(), (d) => {
    const object = d.payload.object;
    delete object.summary_overview;
    delete object.summary_details;
    delete object.next_steps;
    object.meeting_id = "81234567890";
    object.summary_content = "## Key takeaways\n- Ship it\n";
    object.summary_doc_url = "https://docs.zoom.us/doc/abc";
  });

  it("parses the Rivet shape", () => {
    const event = expectOk(parseZoomEvent(rivet())) as MeetingSummaryCompletedEvent;
    const object = event.payload.object;
    expect(object).toMatchObject({
      meeting_uuid: "SYNTHETICuuid0000000A==",
      meeting_host_id: "SYNTHETIChost000000001",
      meeting_id: "81234567890",
      summary_details: [{ label: "Release planning", summary: "Synthetic detail text." }],
      next_steps: ["Synthetic next step one."],
    });
    expect(normalizeMeetingSummary(object)).toEqual({
      title: "Meeting summary for Synthetic weekly sync",
      overview: "Synthetic overview text.",
      sections: [{ label: "Release planning", text: "Synthetic detail text." }],
      nextSteps: ["Synthetic next step one."],
    });
  });

  it("parses the ZoomNet shape", () => {
    const event = expectOk(parseZoomEvent(zoomNetShape)) as MeetingSummaryCompletedEvent;
    expect(event.payload.object.meeting_id).toBe("81234567890");
    expect(normalizeMeetingSummary(event.payload.object)).toEqual({
      title: "Meeting summary for Synthetic weekly sync",
      sections: [],
      nextSteps: [],
      markdown: "## Key takeaways\n- Ship it",
      docUrl: "https://docs.zoom.us/doc/abc",
    });
  });

  it("accepts a summary with no text at all", () => {
    const json = edit(zoomNetShape, (d) => {
      delete d.payload.object.summary_content;
      delete d.payload.object.summary_doc_url;
      delete d.payload.object.summary_title;
    });
    const event = expectOk(parseZoomEvent(json)) as MeetingSummaryCompletedEvent;
    expect(normalizeMeetingSummary(event.payload.object)).toEqual({ sections: [], nextSteps: [] });
  });

  it.each<[string, (d: Draft) => void]>([
    ["no meeting_uuid", (d) => delete d.payload.object.meeting_uuid],
    ["an empty meeting_uuid", (d) => (d.payload.object.meeting_uuid = "")],
    ["no meeting_host_id", (d) => delete d.payload.object.meeting_host_id],
  ])("refuses %s", (_label, change) => {
    expect(parseZoomEvent(edit(rivet(), change)).kind).toBe("invalid");
  });
});

describe("normalizeMeetingSummary", () => {
  it("reads the REST meeting_summary body, which has the field names at top level", () => {
    const rest = {
      meeting_uuid: "abc==",
      meeting_topic: "Weekly",
      summary_title: "Weekly summary",
      summary_overview: "Overview.",
      summary_details: [
        { label: "Budget", summary: "Approved." },
        { label: "Empty", summary: "   " },
        { summary: "No label." },
      ],
      next_steps: ["  Send notes  ", "", 7, null],
      summary_content: "# Weekly\n\nOverview.",
      summary_doc_url: "https://docs.zoom.us/doc/x",
    };
    expect(normalizeMeetingSummary(rest)).toEqual({
      title: "Weekly summary",
      overview: "Overview.",
      sections: [
        { label: "Budget", text: "Approved." },
        { label: "", text: "No label." },
      ],
      nextSteps: ["Send notes"],
      markdown: "# Weekly\n\nOverview.",
      docUrl: "https://docs.zoom.us/doc/x",
    });
  });

  it("drops a doc URL that is not an http(s) URL", () => {
    expect(normalizeMeetingSummary({ summary_doc_url: "javascript:alert(1)" }).docUrl).toBeUndefined();
  });

  it.each([null, undefined, "text", 3, []])("returns an empty summary for %j", (input) => {
    expect(normalizeMeetingSummary(input)).toEqual({ sections: [], nextSteps: [] });
  });
});

describe("app_deauthorized", () => {
  const official = () => loadZoomFixture<Json>("app_deauthorized.official-example.json");

  it('parses the official example, reading "false" as false', () => {
    const event = expectOk(parseZoomEvent(official())) as AppDeauthorizedEvent;
    expect(event.payload).toMatchObject({
      account_id: "EabCDEFghiLHMA",
      user_id: "z9jkdsfsdfjhdkfjQ",
      client_id: "ADZ9k9bTWmGUoUbECUKU_a",
      user_data_retention: false,
    });
    expect(event.event_ts).toBeUndefined();
  });

  it.each<[unknown, boolean | undefined]>([
    [true, true],
    [false, false],
    ["true", true],
    ["TRUE", true],
    [" false ", false],
    ["yes", undefined],
    [1, undefined],
    [null, undefined],
  ])("reads user_data_retention %j as %s", (value, expected) => {
    const json = edit(official(), (d) => {
      d.payload.user_data_retention = value;
    });
    expect((expectOk(parseZoomEvent(json)) as AppDeauthorizedEvent).payload.user_data_retention).toBe(
      expected,
    );
  });

  it("accepts a missing user_data_retention (the guide's own example)", () => {
    const json = edit(official(), (d) => delete d.payload.user_data_retention);
    expect(
      (expectOk(parseZoomEvent(json)) as AppDeauthorizedEvent).payload.user_data_retention,
    ).toBeUndefined();
  });

  it("accepts event_ts at top level (zoom/skills) or as a string inside payload (ZoomNet)", () => {
    const top = edit(official(), (d) => (d.event_ts = 1740439732278));
    expect((expectOk(parseZoomEvent(top)) as AppDeauthorizedEvent).event_ts).toBe(1740439732278);
    const inner = edit(official(), (d) => (d.payload.event_ts = "2024-09-08 15:58:40"));
    expect((expectOk(parseZoomEvent(inner)) as AppDeauthorizedEvent).payload.event_ts).toBe(
      "2024-09-08 15:58:40",
    );
  });

  it("refuses a body without user_id", () => {
    expect(parseZoomEvent(edit(official(), (d) => delete d.payload.user_id)).kind).toBe("invalid");
  });
});

function lifecycle(event: ZoomEvent): RecordingLifecycleEvent {
  if (!["recording.trashed", "recording.deleted", "recording.recovered"].includes(event.event)) {
    throw new Error(`not a lifecycle event: ${event.event}`);
  }
  return event as RecordingLifecycleEvent;
}

describe("recording.trashed, recording.deleted, recording.recovered (synthetic, zoom.md §11.4)", () => {
  it.each(["recording.trashed", "recording.deleted", "recording.recovered"])(
    "parses %s with the meeting and the files it concerns",
    (name) => {
      const event = lifecycle(expectOk(parseZoomEvent(loadZoomFixture(`${name}.SYNTHETIC.json`))));
      expect(event.event).toBe(name);
      expect(event.payload.object).toMatchObject({
        uuid: "Lq3vXh8TRk2nYp0wz9Ac4g==",
        id: "85512345678",
        host_id: "Xk9YwQ2eT0mZ3rV8uB1cAa",
      });
      expect(event.payload.object.recording_files?.map((f) => f.file_type)).toEqual(["M4A", "TRANSCRIPT"]);
    },
  );

  it("lists only the file moved to the trash when one file was", () => {
    const event = lifecycle(
      expectOk(parseZoomEvent(loadZoomFixture("recording.trashed.one-file.SYNTHETIC.json"))),
    );
    expect(event.payload.object.recording_files?.map((f) => f.file_type)).toEqual(["TRANSCRIPT"]);
  });

  it("accepts a meeting without files (the whole recording) and refuses one without a uuid or host", () => {
    const base = loadZoomFixture<Json>("recording.trashed.SYNTHETIC.json");
    const bare = edit(base, (d) => {
      delete d.payload.object.recording_files;
      delete d.payload.operator;
    });
    expect(expectOk(parseZoomEvent(bare)).event).toBe("recording.trashed");
    expect(expectInvalid(parseZoomEvent(edit(base, (d) => delete d.payload.object.uuid)))).toEqual([
      "payload.object.uuid: Invalid input: expected string, received undefined",
    ]);
    expect(parseZoomEvent(edit(base, (d) => delete d.payload.object.host_id)).kind).toBe("invalid");
    // A file list of the wrong shape is refused, never read as "the whole recording".
    expect(parseZoomEvent(edit(base, (d) => (d.payload.object.recording_files = "all"))).kind).toBe(
      "invalid",
    );
  });
});

describe("endpoint.url_validation", () => {
  it("parses the official request", () => {
    const event = expectOk(
      parseZoomEvent(loadZoomFixture("endpoint.url_validation.request.official-example.json")),
    );
    expect(event).toMatchObject({
      event: "endpoint.url_validation",
      payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" },
    });
  });

  it.each([{}, { plainToken: "" }, { plainToken: 5 }])("refuses payload %j", (payload) => {
    expect(parseZoomEvent({ event: "endpoint.url_validation", payload }).kind).toBe("invalid");
  });
});

describe("parseZoomEvent classification", () => {
  it("lists the events it knows", () => {
    expect([...ZOOM_EVENT_NAMES].sort()).toEqual([
      "app_deauthorized",
      "endpoint.url_validation",
      "meeting.summary_completed",
      "recording.completed",
      "recording.deleted",
      "recording.recovered",
      "recording.transcript_completed",
      "recording.trashed",
    ]);
  });

  it.each(["meeting.started", "recording.batch_trashed", "meeting.summary_updated", "toString", "__proto__"])(
    "reports %s as unknown, whatever its payload",
    (event) => {
      expect(parseZoomEvent({ event, payload: "anything" })).toEqual({ kind: "unknown", event });
    },
  );

  it("reports the official meeting.started example (string id) as unknown", () => {
    const { signature_cases } = loadZoomFixture<{ signature_cases: { raw_body: string }[] }>(
      "signature-test-vectors.SYNTHETIC.json",
    );
    expect(parseZoomEvent(JSON.parse(signature_cases[0]?.raw_body ?? "null"))).toEqual({
      kind: "unknown",
      event: "meeting.started",
    });
  });

  it("parses the non-ASCII signature vector as a recording.completed with a slashed UUID", () => {
    const { signature_cases } = loadZoomFixture<{ signature_cases: { raw_body: string }[] }>(
      "signature-test-vectors.SYNTHETIC.json",
    );
    const json = JSON.parse(signature_cases[1]?.raw_body ?? "null");
    // It has no host_id or start_time, so it is not a complete recording event.
    expect(expectInvalid(parseZoomEvent(json)).join("\n")).toContain("payload.object.host_id");
  });

  it.each([null, undefined, 1, "recording.completed", [], [{ event: "recording.completed" }]])(
    "refuses %j as not an object",
    (json) => {
      expect(parseZoomEvent(json)).toEqual({ kind: "invalid", issues: ["(root): expected a JSON object"] });
    },
  );

  it.each([{}, { event: "" }, { event: 1 }, { event: null }])("refuses envelope %j", (json) => {
    expect(parseZoomEvent(json)).toEqual({ kind: "invalid", issues: ["event: expected a non-empty string"] });
  });
});
