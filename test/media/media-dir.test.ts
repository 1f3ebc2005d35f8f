/**
 * Issue #13, item 6: a media folder nobody else controls. MEDIA_DIR is created 0700; start-up
 * refuses (exit 2, one line naming MEDIA_DIR) a folder that is a symlink, belongs to another user
 * or is writable by group or others; media files are created exclusively, never through a symlink.
 */
import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openMediaFileExclusive, prepareMediaDir } from "../../src/media/media-dir.js";
import { TEST_ENV } from "../support/config.js";

let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});
const fresh = () => {
  scratch = mkdtempSync(join(tmpdir(), "zoomgram-media-dir-"));
  return scratch;
};

describe("MEDIA_DIR", () => {
  it("is created 0700 when missing", async () => {
    const dir = join(fresh(), "a", "media");
    expect(await prepareMediaDir(dir)).toBeUndefined();
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
  });

  it("refuses a folder writable by group or others, a symlink, or one owned by another user", async () => {
    const root = fresh();
    const group = join(root, "group");
    mkdirSync(group);
    chmodSync(group, 0o770);
    expect(await prepareMediaDir(group)).toMatch(/writable by its group \(mode 770\); run chmod 700/);
    const others = join(root, "others");
    mkdirSync(others);
    chmodSync(others, 0o1707);
    expect(await prepareMediaDir(others)).toMatch(/writable by others/);
    const link = join(root, "link");
    const target = join(root, "target");
    mkdirSync(target, { mode: 0o700 });
    symlinkSync(target, link);
    expect(await prepareMediaDir(link)).toMatch(/symbolic link/);
    const mine = join(root, "mine");
    mkdirSync(mine, { mode: 0o700 });
    const owner = lstatSync(mine).uid;
    expect(await prepareMediaDir(mine, { uid: owner })).toBeUndefined();
    expect(await prepareMediaDir(mine, { uid: owner + 1 })).toMatch(
      /belongs to user id \d+, not to this service's user/,
    );
  });

  it("start-up stops with exit code 2 and a line naming MEDIA_DIR", async () => {
    const root = fresh();
    const media = join(root, "media");
    mkdirSync(media);
    chmodSync(media, 0o777);
    const child = spawn(process.execPath, [resolve("bin/zoomgram.mjs"), "worker"], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...TEST_ENV,
        DATABASE_URL: `sqlite:${join(root, "z.db")}`,
        MEDIA_DIR: media,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code).toBe(2);
    expect(out).toMatch(/^ {2}MEDIA_DIR: .*writable by its group and others \(mode 777\)/m);
    expect(out).not.toMatch(/\n\s+at /);
    expect(existsSync(join(root, "z.db"))).toBe(false);
  });
});

describe("openMediaFileExclusive", () => {
  it("never writes through a planted symlink, and creates the file 0600", async () => {
    const root = fresh();
    const victim = join(root, "victim.txt");
    writeFileSync(victim, "precious");
    const path = join(root, "audio.m4a");
    symlinkSync(victim, path);
    const file = await openMediaFileExclusive(path);
    await file.write("recording");
    await file.close();
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(readFileSync(path, "utf8")).toBe("recording");
    expect(lstatSync(path).mode & 0o777).toBe(0o600);
  });

  it("starts a stale file from an earlier attempt anew", async () => {
    const root = fresh();
    const path = join(root, "audio.m4a");
    writeFileSync(path, "old bytes that are longer");
    const file = await openMediaFileExclusive(path);
    await file.write("new");
    await file.close();
    expect(readFileSync(path, "utf8")).toBe("new");
  });
});
