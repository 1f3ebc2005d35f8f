import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createMediaWorkspace,
  safeDirName,
  safeFileName,
  sweepMediaDir,
} from "../../src/media/temp-files.js";

let root: string;
let mediaDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "zoomgram-temp-files-"));
  mediaDir = join(root, "media");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("createMediaWorkspace", () => {
  it("creates a private directory per job and paths inside it", async () => {
    const ws = await createMediaWorkspace(mediaDir, "job-42");
    expect(ws.dir).toBe(join(mediaDir, "job-42"));
    expect((await stat(ws.dir)).mode & 0o777).toBe(0o700);
    expect((await stat(mediaDir)).mode & 0o777).toBe(0o700);
    expect(ws.file("audio.m4a")).toBe(join(ws.dir, "audio.m4a"));
    await writeFile(ws.file("audio.m4a"), "x");
    await ws.cleanup();
    await expect(stat(ws.dir)).rejects.toThrow();
    await ws.cleanup();
  });

  it("keeps names inside the directory whatever they contain", async () => {
    const ws = await createMediaWorkspace(mediaDir, "../../etc");
    expect(dirname(ws.dir)).toBe(mediaDir);
    for (const name of ["../../passwd", "..", ".", "", "a/b\\c.m4a", ".hidden", "Встреча 15.01.m4a"]) {
      expect(dirname(ws.file(name))).toBe(ws.dir);
    }
    expect(ws.file("a/b\\c.m4a")).toBe(join(ws.dir, "c.m4a"));
    expect(safeFileName("Встреча 15.01.m4a")).toMatch(/\.m4a$/);
  });

  it("never lets two job ids share a directory", () => {
    expect(safeDirName("a_b")).toBe("a_b");
    expect(safeDirName("a/b")).not.toBe("a_b");
    expect(safeDirName("a/b")).not.toBe(safeDirName("a:b"));
    expect(safeDirName("..")).toMatch(/^job-[0-9a-f]{12}$/);
    expect(safeDirName("x".repeat(500)).length).toBeLessThanOrEqual(93);
  });

  it("reuses the directory of a retried job and refuses a symlink in its place", async () => {
    const first = await createMediaWorkspace(mediaDir, "job-1");
    await writeFile(first.file("download.m4a"), "partial");
    const again = await createMediaWorkspace(mediaDir, "job-1");
    expect(await readFile(again.file("download.m4a"), "utf8")).toBe("partial");

    const elsewhere = join(root, "elsewhere");
    await mkdir(elsewhere);
    await symlink(elsewhere, join(mediaDir, "job-evil"));
    await expect(createMediaWorkspace(mediaDir, "job-evil")).rejects.toThrow(/not a directory/);
  });
});

describe("sweepMediaDir", () => {
  const HOUR = 3_600_000;
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);

  async function fileAt(path: string, ageMs: number, bytes = 10): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, "x".repeat(bytes));
    const when = new Date(now - ageMs);
    await utimes(path, when, when);
  }
  async function ageDir(path: string, ageMs: number): Promise<void> {
    const when = new Date(now - ageMs);
    await utimes(path, when, when);
  }

  it("removes only files older than the TTL, then old empty directories", async () => {
    await fileAt(join(mediaDir, "old-job", "a.m4a"), 30 * HOUR, 100);
    await fileAt(join(mediaDir, "old-job", "nested", "b.m4a"), 25 * HOUR, 50);
    await ageDir(join(mediaDir, "old-job", "nested"), 25 * HOUR);
    await ageDir(join(mediaDir, "old-job"), 30 * HOUR);
    await fileAt(join(mediaDir, "mixed-job", "old.m4a"), 48 * HOUR, 7);
    await fileAt(join(mediaDir, "mixed-job", "new.m4a"), 1 * HOUR, 7);
    await ageDir(join(mediaDir, "mixed-job"), 48 * HOUR);
    await fileAt(join(mediaDir, "stray.tmp"), 24 * HOUR + 1, 3);
    await fileAt(join(mediaDir, "fresh.tmp"), 23 * HOUR, 3);
    await mkdir(join(mediaDir, "new-empty-job"));

    const result = await sweepMediaDir(mediaDir, 24 * HOUR, now);

    expect(result).toEqual({ removed: 4, bytes: 100 + 50 + 7 + 3 });
    expect((await readdir(mediaDir)).sort()).toEqual(["fresh.tmp", "mixed-job", "new-empty-job"]);
    expect(await readdir(join(mediaDir, "mixed-job"))).toEqual(["new.m4a"]);
  });

  it("removes old symlinks as links and never touches their targets", async () => {
    const outside = join(root, "outside");
    await fileAt(join(outside, "precious.txt"), 100 * HOUR, 5);
    await ageDir(outside, 100 * HOUR);
    await mkdir(mediaDir, { recursive: true });
    await symlink(outside, join(mediaDir, "link-to-dir"));
    await symlink(join(outside, "precious.txt"), join(mediaDir, "link-to-file"));
    // Symlink mtimes cannot be set portably from Node; sweep with a "now" far in the future instead.
    const result = await sweepMediaDir(mediaDir, 24 * HOUR, Date.now() + 48 * HOUR);

    expect(result).toEqual({ removed: 2, bytes: 0 });
    expect(await readdir(mediaDir)).toEqual([]);
    expect(await readFile(join(outside, "precious.txt"), "utf8")).toBe("xxxxx");
    expect((await lstat(outside)).isDirectory()).toBe(true);
  });

  it("returns zeros for a missing media directory", async () => {
    expect(await sweepMediaDir(join(root, "never-created"), HOUR, now)).toEqual({ removed: 0, bytes: 0 });
  });
});
