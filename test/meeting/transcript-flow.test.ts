/**
 * Issue #5 end to end, through the fakes: signed webhooks into POST /webhooks/zoom, the worker
 * drained with a manual clock, and what the fake Telegram ends up showing. The transcript may come
 * before the audio, after it or never; every order ends with the right messages and one card.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findDeliveries } from "../../src/delivery/delivery.repository.js";
import type { StoredMessage } from "../fakes/fake-telegram.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, testAudioForFile } from "../support/each-test.js";
import { startFakeSummaryApi } from "./fake-summary-api.js";
import { type MeetingHarness, startMeetingHarness } from "./harness.js";

const VTT = `WEBVTT

1
00:00:02.340 --> 00:00:05.120
Anna Keller: Okay, I think everyone is here. Let's get started.

2
00:00:05.400 --> 00:00:06.100
Anna Keller: Um.

3
00:00:06.500 --> 00:00:14.800
Anna Keller: Today we need to decide on the release date for version 2.4 and review the database migration plan.

4
00:00:15.200 --> 00:00:16.000
Ben Ortiz: Sounds good.

5
00:00:26.000 --> 00:00:33.400
Ben Ortiz: The migration script for PostgreSQL is finished and it passed on the staging database last night.

6
00:00:34.000 --> 00:00:41.000
Anna Keller: Great, then we release version 2.4 on Thursday after the migration runs in production.
`;

const UUID = "/ajXp112QmuoKj4854875==";
const audio = testAudioForFile({ seconds: 6, bitrateKbps: 32 });

const closeAfterTest = closeAfterEachTest();
let bench: MeetingHarness;

async function setup(options: Parameters<typeof startMeetingHarness>[0] = {}) {
  bench = closeAfterTest(await startMeetingHarness(options));
  bench.addRecording({ uuid: UUID, topic: "Weekly sync", duration: 42, audio: audio(), vtt: VTT });
  return bench;
}

const post = (body: Record<string, unknown>) => bench.postForResult(body);

const recordingCompleted = () => post(bench.zoom.buildEvent("recording.completed", UUID));
const transcriptCompleted = () => post(bench.zoom.buildEvent("recording.transcript_completed", UUID));

const byMethod = (method: string) => bench.messages().filter((m) => m.method === method);
const transcripts = () => byMethod("sendDocument");
const summaries = () => byMethod("sendMessage").filter((m) => m.text?.startsWith("🧠 "));
const audios = () => byMethod("sendAudio");

/** The card's lines for audio / transcript / summary, as they were shown over time. */
function cardHistory(card: StoredMessage): string[] {
  const first = bench.tg.sent.find((s) => s.messageId === card.messageId && s.chatId === card.chatId)?.text;
  return [first, ...card.edits.map((e) => e.text)]
    .filter((t): t is string => t !== undefined)
    .map((t) =>
      t
        .split("\n")
        .filter((l) => /^(🎧|📝|🧠)/.test(l))
        .map((l) => l.replace(/^\S+ [^:]+: /, ""))
        .join(" | "),
    );
}

describe(`meeting parts on ${TEST_DIALECT}`, () => {
  it("audio first, transcript later: audio, then the .txt transcript and the summary; one card walks to done", async () => {
    await setup();
    expect(await recordingCompleted()).toBe("accepted");
    await bench.settle();
    expect(audios()).toHaveLength(1);
    expect(transcripts()).toHaveLength(0);
    expect(bench.cards()[0]?.text).toContain("📝 Transcript: waiting");

    expect(await transcriptCompleted()).toBe("accepted");
    await bench.settle();
    expect(audios()).toHaveLength(1);
    const [doc] = transcripts();
    expect(doc?.files[0]?.filename).toBe("2026-03-01 Weekly sync - Transcript.txt");
    expect(doc?.caption).toBe("📝 Transcript: Weekly sync");
    expect(doc?.api.document).toMatchObject({ file_name: "2026-03-01 Weekly sync - Transcript.txt" });

    const [summary] = summaries();
    expect(summary?.text).toContain("🧠 Summary: Weekly sync\nGenerated automatically from the transcript");
    expect(summary?.text).toContain(
      "Key points\n• Today we need to decide on the release date for version 2.4 and review the database migration plan.",
    );
    expect(summary?.text).toContain("Speaking time\n• Anna Keller: 19 sec (70%)\n• Ben Ortiz: 8 sec (30%)");

    const cards = bench.cards();
    expect(cards).toHaveLength(1);
    expect(cards[0]?.text).toContain("✅ All done");
    const history = cardHistory(cards[0]!);
    expect(history[0]).toBe("waiting | waiting | waiting");
    // The card says where the transcript came from (issue 16).
    expect(history.at(-1)).toBe("✓ done | ✓ done (Zoom) | ✓ done");
    // Parts only ever move forward: audio done before the transcript, the transcript before the summary.
    const firstIndex = (re: RegExp) => history.findIndex((h) => re.test(h));
    expect(firstIndex(/^✓ done \|/)).toBeLessThan(firstIndex(/^✓ done \| ✓ done/));
    expect(
      firstIndex(/^✓ done \| ✓ done \(Zoom\) \| waiting|^✓ done \| ✓ done \(Zoom\) \| in progress/),
    ).toBeLessThan(firstIndex(/✓ done \| ✓ done \(Zoom\) \| ✓ done/));
    expect(cards[0]?.replyMarkup).toMatchObject({
      inline_keyboard: [
        [
          { callback_data: expect.stringMatching(/^card:resend:\d+$/) },
          { callback_data: expect.stringMatching(/^card:transcript:\d+$/) },
        ],
      ],
    });
    expect(bench.tg.internalErrors).toEqual([]);
  });

  it("renders the transcript as speaker paragraphs with timestamps, noise merged, in the chat's language", async () => {
    await setup({ deps: { ffmpeg: null } });
    await bench.setLocale("de");
    await transcriptCompleted();
    await bench.settle();
    const sent = bench.tg.sent.find((s) => s.method === "sendDocument");
    expect(sent?.files[0]?.filename).toBe("2026-03-01 Weekly sync - Transkript.txt");
    expect(sent?.caption).toBe("📝 Transkript: Weekly sync");
    const text = readFileSync(sent?.files[0]?.path ?? "", "utf8");
    expect(text).toBe(
      [
        "Meeting: Weekly sync",
        "Datum: 01.03.2026, 10:00 MEZ · Dauer: 42 Min.",
        "",
        "[00:00:02] Anna Keller:",
        "Okay, I think everyone is here. Let's get started. Today we need to decide on the release date for version 2.4 and review the database migration plan.",
        "",
        "[00:00:15] Ben Ortiz:",
        "Sounds good. The migration script for PostgreSQL is finished and it passed on the staging database last night.",
        "",
        "[00:00:34] Anna Keller:",
        "Great, then we release version 2.4 on Thursday after the migration runs in production.",
        "",
      ].join("\n"),
    );
    const rows = await findDeliveries(bench.app.services.db.kysely, UUID, bench.chatId, ["transcript"]);
    expect(rows.map((r) => r.state)).toEqual(["delivered"]);
    expect(rows[0]?.telegram_file_id).toBe(
      (sent?.message.document as { file_id?: string } | undefined)?.file_id,
    );
  });

  it("transcript first: transcript and summary arrive before the audio, whose caption then carries the summary line", async () => {
    await setup();
    expect(await transcriptCompleted()).toBe("accepted");
    await bench.settle();
    expect(transcripts()).toHaveLength(1);
    expect(summaries()).toHaveLength(1);
    expect(audios()).toHaveLength(0);
    expect(bench.cards()[0]?.text).toContain("🎧 Audio: waiting");

    expect(await recordingCompleted()).toBe("accepted");
    await bench.settle();
    const [audioMessage] = audios();
    expect(audioMessage?.caption).toMatch(/\n🧠 .+/);
    expect(audioMessage?.caption).toContain("🧠 Today we need to decide on the release date for version 2.4");
    expect(bench.cards()).toHaveLength(1);
    expect(bench.cards()[0]?.text).toContain("✅ All done");
  });

  it("a transcript listed in recording.completed is delivered from that event alone", async () => {
    await setup();
    expect(
      await post(bench.zoom.buildEvent("recording.completed", UUID, { fileTypes: ["M4A", "TRANSCRIPT"] })),
    ).toBe("accepted");
    await bench.settle();
    expect(audios()).toHaveLength(1);
    expect(transcripts()).toHaveLength(1);
    // The later transcript event changes nothing.
    expect(await transcriptCompleted()).toBe("duplicate");
    await bench.settle();
    expect(transcripts()).toHaveLength(1);
    expect(summaries()).toHaveLength(1);
  });

  it("delivers a transcript sent three times once", async () => {
    await setup();
    const results = [await transcriptCompleted(), await transcriptCompleted()];
    await bench.settle();
    results.push(await transcriptCompleted());
    await bench.settle();
    expect(results).toEqual(["accepted", "duplicate", "duplicate"]);
    expect(transcripts()).toHaveLength(1);
    expect(summaries()).toHaveLength(1);
    const events = await bench.app.services.db.kysely
      .selectFrom("webhook_events")
      .select(["result", "download_token_enc", "payload"])
      .where("event", "=", "recording.transcript_completed")
      .execute();
    expect(events).toHaveLength(3);
    for (const e of events) {
      expect(e.download_token_enc).toBeTruthy();
      expect(e.payload).not.toContain("download_token");
    }
  });

  it("transcript never: after a day the card says so, with Zoom's summary if it has one", async () => {
    await setup();
    bench.zoom.setSummary(UUID, {
      summary_overview: "We agreed to ship on Thursday.",
      next_steps: ["Ben runs the migration"],
    });
    await recordingCompleted();
    await bench.settle();
    expect(bench.cards()[0]?.text).toContain("📝 Transcript: waiting");
    bench.clock.advance(24 * 3_600_000);
    await bench.settle();
    expect(transcripts()).toHaveLength(0);
    const [summary] = summaries();
    expect(summary?.text).toContain("Summary by Zoom AI Companion");
    expect(summary?.text).toContain("We agreed to ship on Thursday.");
    const card = bench.cards()[0]?.text ?? "";
    expect(card).toContain("📝 Transcript: not available");
    expect(card).toContain("🧠 Summary: ✓ done");
    expect(bench.cards()).toHaveLength(1);
  });

  it("a meeting Zoom only sent a summary for: the summary, and after a day no waiting lines", async () => {
    await setup();
    bench.zoom.setSummary(UUID, { summary_overview: "Only a summary was made." });
    expect(await post(bench.zoom.buildSummaryCompletedEvent(UUID, "rivet"))).toBe("accepted");
    await bench.settle();
    expect(summaries()).toHaveLength(1);
    expect(bench.cards()[0]?.text).toContain("🎧 Audio: waiting");
    bench.clock.advance(24 * 3_600_000);
    await bench.settle();
    expect(summaries()).toHaveLength(1);
    const card = bench.cards()[0]?.text ?? "";
    expect(card).toContain("🎧 Audio: not available");
    expect(card).toContain("📝 Transcript: not available");
    expect(card).toContain("🧠 Summary: ✓ done");
    expect(bench.cards()).toHaveLength(1);
  });

  it("a summary waiting for a transcript Zoom never finishes gives up at its deadline: the card says no summary came, and the job stops", async () => {
    // Zoom takes the transcript back into processing right after it was delivered (the summary job
    // asks for Zoom's summary first, then for the transcript): the summary can only wait.
    let onSummaryRequest = () => {};
    await setup({
      deps: {
        fetch: (input, init) => {
          if (String(input instanceof Request ? input.url : input).includes("/meeting_summary"))
            onSummaryRequest();
          return fetch(input, init);
        },
      },
    });
    const transcriptFile = bench.zoom.meeting(UUID)?.files.find((f) => f.file_type === "TRANSCRIPT");
    onSummaryRequest = () => bench.zoom.setFileStatus(UUID, transcriptFile?.id ?? "", "processing");
    await recordingCompleted();
    await transcriptCompleted();
    await bench.settle();
    expect(transcripts()).toHaveLength(1);
    expect(summaries()).toHaveLength(0);
    const summaryJob = () =>
      bench.db.kysely
        .selectFrom("jobs")
        .select(["state", "last_error"])
        .where("kind", "=", "deliver-summary")
        .executeTakeFirstOrThrow();
    expect((await summaryJob()).state).toBe("retry");

    bench.clock.advance(27 * 3_600_000); // past the 26 h a transcript may take at Zoom
    await bench.settle();
    expect(summaries()).toHaveLength(0);
    expect(bench.cards()[0]?.text).toContain(
      "🧠 Summary: ✗ failed: no summary came in time, so we stopped waiting for one",
    );
    expect(await summaryJob()).toMatchObject({
      state: "dead",
      last_error: expect.stringMatching(/^summary\.gave_up:/),
    });
    const [row] = await findDeliveries(bench.db.kysely, UUID, bench.chatId, ["summary"]);
    expect(row?.state).toBe("failed");
  });

  it("transcript never and no Zoom summary: both say not available", async () => {
    await setup();
    await recordingCompleted();
    await bench.settle();
    bench.clock.advance(24 * 3_600_000);
    await bench.settle();
    expect(summaries()).toHaveLength(0);
    const card = bench.cards()[0]?.text ?? "";
    expect(card).toContain("📝 Transcript: not available");
    expect(card).toContain("🧠 Summary: not available");
  });
});

describe(`summary sources on ${TEST_DIALECT}`, () => {
  it("Zoom's meeting.summary_completed in Rivet's shape", async () => {
    await setup();
    bench.zoom.setSummary(UUID, {
      summary_overview: "The team chose Thursday for 2.4.",
      summary_details: [{ label: "Release", summary: "Ship after the migration." }],
      next_steps: ["Anna writes the notes"],
    });
    expect(await post(bench.zoom.buildSummaryCompletedEvent(UUID, "rivet"))).toBe("accepted");
    await bench.settle();
    const [summary] = summaries();
    expect(summary?.text).toBe(
      [
        "🧠 Summary: Weekly sync",
        "Summary by Zoom AI Companion",
        "",
        "Overview",
        "The team chose Thursday for 2.4.",
        "",
        "Release",
        "Ship after the migration.",
        "",
        "Next steps",
        "• Anna writes the notes",
      ].join("\n"),
    );
    // The transcript that follows does not make a second summary.
    await transcriptCompleted();
    await bench.settle();
    expect(transcripts()).toHaveLength(1);
    expect(summaries()).toHaveLength(1);
    // And the audio caption carries Zoom's first sentence.
    await recordingCompleted();
    await bench.settle();
    expect(audios()[0]?.caption).toContain("🧠 The team chose Thursday for 2.4.");
  });

  it("Zoom's summary_completed in the newer summary_content shape, sent twice, delivered once", async () => {
    await setup();
    bench.zoom.setSummary(UUID, {
      summary_content: "## Key takeaways\n- **Thursday** it is.\n\n## Next steps\n- Ben migrates.",
    });
    expect(await post(bench.zoom.buildSummaryCompletedEvent(UUID, "content"))).toBe("accepted");
    expect(await post(bench.zoom.buildSummaryCompletedEvent(UUID, "content"))).toBe("duplicate");
    await bench.settle();
    expect(summaries()).toHaveLength(1);
    expect(summaries()[0]?.text).toContain("Key takeaways\n• Thursday it is.\n\nNext steps\n• Ben migrates.");
  });

  it("Zoom's summary from GET /meeting_summary when no event came", async () => {
    await setup();
    bench.zoom.setSummary(UUID, { summary_overview: "Read from the REST API." });
    await transcriptCompleted();
    await bench.settle();
    expect(summaries()[0]?.text).toContain(
      "Summary by Zoom AI Companion\n\nOverview\nRead from the REST API.",
    );
    expect(bench.zoom.requests.some((r) => r.route === "summary")).toBe(true);
  });

  it("SUMMARY_API_URL when Zoom's summary cannot be read (scope error 4700), in the chat's language", async () => {
    const summaryApi = closeAfterTest(
      await startFakeSummaryApi(
        "The team will ship 2.4 on Thursday.\n\nKey points\n- Migration passed on staging",
      ),
    );
    await setup({
      env: { SUMMARY_API_URL: summaryApi.url, SUMMARY_API_KEY: "sk-test-key", SUMMARY_MODEL: "tiny" },
    });
    bench.zoom.setSummary(UUID, { summary_overview: "unreadable without the scope" });
    bench.zoom.setSummaryScopeMissing(true);
    await bench.setLocale("de");
    await transcriptCompleted();
    await bench.settle();
    const [summary] = summaries();
    expect(summary?.text).toContain(
      "🧠 Zusammenfassung: Weekly sync\nAutomatisch aus dem Transkript erstellt",
    );
    expect(summary?.text).toContain("The team will ship 2.4 on Thursday.");
    expect(summary?.text).toContain("Redezeit");
    expect(summaryApi.requests).toHaveLength(1);
    const request = summaryApi.requests[0]!;
    expect(request.authorization).toBe("Bearer sk-test-key");
    const body = request.body as { model: string; messages: Array<{ role: string; content: string }> };
    expect(body.model).toBe("tiny");
    expect(body.messages[0]?.content).toContain("German (de)");
    expect(body.messages[1]?.content).toContain("Anna Keller:");
  });

  it("falls back to the extractive summary when the summary API keeps failing", async () => {
    const summaryApi = closeAfterTest(await startFakeSummaryApi());
    summaryApi.fail(503, 10);
    await setup({ env: { SUMMARY_API_URL: summaryApi.url } });
    await transcriptCompleted();
    await bench.settle();
    const [summary] = summaries();
    expect(summary?.text).toContain("Generated automatically from the transcript");
    expect(summary?.text).toContain("Key points\n• ");
    expect(summaryApi.requests.length).toBe(3);
  });

  it("splits a summary longer than one message at 4096 characters", async () => {
    await setup();
    const long = Array.from(
      { length: 60 },
      (_, i) => `- Decision ${i + 1}: ${"the team discussed the details at length ".repeat(3)}`,
    ).join("\n");
    bench.zoom.setSummary(UUID, { summary_content: `## Decisions\n${long}` });
    await post(bench.zoom.buildSummaryCompletedEvent(UUID, "content"));
    await bench.settle();
    const parts = byMethod("sendMessage").filter((m) => !/^🎥 /.test(m.text ?? ""));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.text?.length).toBeLessThanOrEqual(4096);
    expect(parts.map((p) => p.text).join("\n")).toContain("Decision 60:");
    const [row] = await findDeliveries(bench.app.services.db.kysely, UUID, bench.chatId, ["summary"]);
    expect(JSON.parse(row?.message_ids ?? "[]")).toHaveLength(parts.length);
  });
});
