/**
 * `npm run demo` as a newcomer runs it: a subprocess with nothing but PATH and HOME (no .env, no
 * Zoom or Telegram credentials), which must end with a delivered meeting — the audio, the
 * transcript and the summary in the chat — and exit 0.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "../support/cli.js";
import { tempDirForFile } from "../support/each-test.js";

const root = resolve(import.meta.dirname, "../..");
// A working directory without a .env, so nothing from a developer's setup leaks in.
const cwd = tempDirForFile("zoomgram-demo-cwd-");

describe("npm run demo", () => {
  it("plays one meeting end to end and ends with it delivered", async () => {
    const {
      code,
      stdout: out,
      stderr: err,
    } = await runCommand("npm", ["run", "--silent", "--prefix", root, "demo"], {
      cwd: cwd(),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd() },
    });
    expect(code, `${out}\n${err}`).toBe(0);
    const lines = out.trimEnd().split("\n");
    expect(lines.at(-2)).toMatch(
      /^✓ Delivered: the audio, transcript and summary of "Weekly product sync" reached the chat [\d.]+ s after Zoom's webhook\.$/,
    );
    // A string is looked for as it stands, a pattern matched.
    for (const shown of [
      "Bot: ✅ Connected to Zoom as ann@example.com.",
      /🎧 audio: \d{4}-\d{2}-\d{2} Weekly product sync\.m4a \([\d.]+ kB\)/,
      /📄 file: .*Weekly product sync - Transcript\.txt/,
      "🧠 Summary: Weekly product sync",
      "🧠 Summary: ✓ done",
      // The second meeting has no Zoom transcript: speech to text and an actionable summary (issue 16).
      "📝 Transcript (speech to text): Onboarding product sync",
      "📝 Transcript: ✓ done (speech to text)",
      "Decisions\n      • Ship the shorter onboarding design.",
      "Action items\n      • Carol: Update the mock-ups (Friday)",
      "Open questions\n      • Does the old flow need a deprecation notice?",
      /✓ Speech to text: "Onboarding product sync" had no Zoom transcript; \d+ audio piece\(s\) were transcribed/,
    ])
      expect(out).toMatch(shown);
    // The demo's own bot token never shows, not even in warnings.
    expect(`${out}${err}`).not.toMatch(/\d+:FAKE-telegram-token/);
  }, 180_000);
});
