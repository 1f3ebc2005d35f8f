/**
 * `npm run demo` as a newcomer runs it: a subprocess with nothing but PATH and HOME (no .env, no
 * Zoom or Telegram credentials), which must end with a delivered meeting — the audio, the
 * transcript and the summary in the chat — and exit 0.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../support/cli.js";

const root = resolve(import.meta.dirname, "../..");
// A working directory without a .env, so nothing from a developer's setup leaks in.
const cwd = mkdtempSync(`${tmpdir()}/zoomgram-demo-cwd-`);
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe("npm run demo", () => {
  it("plays one meeting end to end and ends with it delivered", async () => {
    const {
      code,
      stdout: out,
      stderr: err,
    } = await runCommand("npm", ["run", "--silent", "--prefix", root, "demo"], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd },
    });
    expect(code, `${out}\n${err}`).toBe(0);
    const lines = out.trimEnd().split("\n");
    expect(lines.at(-2)).toMatch(
      /^✓ Delivered: the audio, transcript and summary of "Weekly product sync" reached the chat [\d.]+ s after Zoom's webhook\.$/,
    );
    expect(out).toContain("Bot: ✅ Connected to Zoom as ann@example.com.");
    expect(out).toMatch(/🎧 audio: \d{4}-\d{2}-\d{2} Weekly product sync\.m4a \([\d.]+ kB\)/);
    expect(out).toMatch(/📄 file: .*Weekly product sync - Transcript\.txt/);
    expect(out).toContain("🧠 Summary: Weekly product sync");
    expect(out).toContain("🧠 Summary: ✓ done");
    // The second meeting has no Zoom transcript: speech to text and an actionable summary (issue 16).
    expect(out).toContain("📝 Transcript (speech to text): Onboarding product sync");
    expect(out).toContain("📝 Transcript: ✓ done (speech to text)");
    expect(out).toContain("Decisions\n      • Ship the shorter onboarding design.");
    expect(out).toContain("Action items\n      • Carol: Update the mock-ups (Friday)");
    expect(out).toContain("Open questions\n      • Does the old flow need a deprecation notice?");
    expect(out).toMatch(
      /✓ Speech to text: "Onboarding product sync" had no Zoom transcript; \d+ audio piece\(s\) were transcribed/,
    );
    // The demo's own bot token never shows, not even in warnings.
    expect(`${out}${err}`).not.toMatch(/\d+:FAKE-telegram-token/);
  }, 180_000);
});
