import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { locateFfmpeg } from "../../src/media/ffmpeg-locator.js";
import { FFMPEG, FFPROBE } from "../support/media.js";

let root: string;
let pathDir: string;
let brokenDir: string;

async function script(path: string, body: string): Promise<string> {
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "zoomgram-locator-"));
  pathDir = join(root, "bin");
  brokenDir = join(root, "broken");
  await mkdir(pathDir);
  await mkdir(brokenDir);
  // Fakes that answer -version like the real tools; the locator only checks that much.
  await script(join(pathDir, "ffmpeg"), 'echo "ffmpeg version fake-on-path"');
  await script(join(pathDir, "ffprobe"), 'echo "ffprobe version fake-on-path"');
  await script(join(pathDir, "custom-ffmpeg"), 'echo "ffmpeg version custom"');
  await script(join(brokenDir, "ffmpeg"), "exit 1");
  await script(join(brokenDir, "impostor"), 'echo "not a video tool"');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const noNpm = async () => null;

describe("locateFfmpeg", () => {
  it("prefers a working configured path over PATH and npm", async () => {
    const found = await locateFfmpeg({ configuredPath: FFMPEG, searchPath: pathDir });
    // The npm ffprobe lives in another package directory, so nothing sits next to this ffmpeg.
    expect(found).toEqual({ ffmpeg: FFMPEG, ffprobe: null, source: "config" });
  });

  it("takes ffprobe from the configured ffmpeg's directory", async () => {
    const found = await locateFfmpeg({ configuredPath: join(pathDir, "ffmpeg"), npmBinaries: noNpm });
    expect(found).toEqual({
      ffmpeg: join(pathDir, "ffmpeg"),
      ffprobe: join(pathDir, "ffprobe"),
      source: "config",
    });
  });

  it("looks a bare configured command name up on PATH", async () => {
    const found = await locateFfmpeg({ configuredPath: "custom-ffmpeg", searchPath: pathDir });
    expect(found?.ffmpeg).toBe(join(pathDir, "custom-ffmpeg"));
    expect(found?.source).toBe("config");
  });

  it.each([
    ["missing", () => join(root, "nope", "ffmpeg")],
    ["failing -version", () => join(brokenDir, "ffmpeg")],
    ["not an ffmpeg", () => join(brokenDir, "impostor")],
  ])("falls through a %s configured path to PATH", async (_label, configured) => {
    const found = await locateFfmpeg({
      configuredPath: configured(),
      searchPath: [brokenDir, pathDir].join(delimiter),
    });
    expect(found).toEqual({
      ffmpeg: join(pathDir, "ffmpeg"),
      ffprobe: join(pathDir, "ffprobe"),
      source: "path",
    });
  });

  it("falls back to the npm-installed binaries when PATH has none", async () => {
    const found = await locateFfmpeg({ searchPath: brokenDir });
    expect(found).toEqual({ ffmpeg: FFMPEG, ffprobe: FFPROBE, source: "npm" });
  });

  it("returns null when nothing works", async () => {
    expect(await locateFfmpeg({ searchPath: brokenDir, npmBinaries: noNpm })).toBeNull();
    const throwing = async () => {
      throw new Error("Unsupported platform/architecture");
    };
    expect(await locateFfmpeg({ searchPath: "", npmBinaries: throwing })).toBeNull();
  });
});
