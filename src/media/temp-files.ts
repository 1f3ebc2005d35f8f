import { createHash } from "node:crypto";
import { chmod, lstat, mkdir, readdir, rm, rmdir, unlink, utimes } from "node:fs/promises";
import { join } from "node:path";

export interface MediaWorkspace {
  /** The job's private directory under MEDIA_DIR. */
  dir: string;
  /** A path inside `dir` for `name`, reduced to a safe file name (no separators, no dot-names). */
  file(name: string): string;
  /** Deletes the directory and everything in it; safe to call twice. */
  cleanup(): Promise<void>;
}

/**
 * Creates (or reuses, when a retried job comes back) a directory for one job's media, mode 0700:
 * recordings are private meetings, and MEDIA_DIR defaults to the shared OS temp dir.
 */
export async function createMediaWorkspace(mediaDir: string, jobId: string): Promise<MediaWorkspace> {
  await mkdir(mediaDir, { recursive: true, mode: 0o700 });
  const dir = join(mediaDir, safeDirName(jobId));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // A pre-existing entry could be a symlink planted by another local user; refuse to write through it.
  const info = await lstat(dir);
  if (!info.isDirectory()) throw new Error(`media workspace ${dir} exists and is not a directory`);
  await chmod(dir, 0o700);
  // Reusing an old, empty directory: freshen it so a concurrent sweep does not remove it under us.
  // (File system times are wall-clock anyway; the sweep compares them with its injected now.)
  const touched = new Date();
  await utimes(dir, touched, touched);
  return {
    dir,
    file: (name) => join(dir, safeFileName(name)),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A job id becomes the directory name when it is already plain; otherwise its unsafe characters
 * become `_` and a hash of the original is appended, so `a/b` and `a_b` never share a directory.
 */
export function safeDirName(jobId: string): string {
  if (/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/.test(jobId)) return jobId;
  const hash = createHash("sha256").update(jobId).digest("hex").slice(0, 12);
  const cleaned = jobId
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/^\.+/, "")
    .slice(0, 80);
  return cleaned ? `${cleaned}-${hash}` : `job-${hash}`;
}

/** Keeps letters, digits, `.`, `_`, `-` (and the extension); never empty, `.` or `..`. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/^\.+/, "")
    .slice(-120);
  return cleaned === "" ? "file" : cleaned;
}

/**
 * Deletes what crashed or killed jobs left in MEDIA_DIR: every file, symlink or other
 * non-directory whose mtime is at least `olderThanMs` before `nowMs`, and then directories that
 * are empty and themselves that old (a fresh, still-empty workspace stays). Symlinks are removed
 * as links and never followed, so nothing outside MEDIA_DIR is touched. Entries that vanish
 * mid-sweep (a job cleaning up) are skipped. `removed` counts non-directories; `bytes` sums them.
 */
export async function sweepMediaDir(
  mediaDir: string,
  olderThanMs: number,
  nowMs: number,
): Promise<{ removed: number; bytes: number }> {
  const cutoff = nowMs - olderThanMs;
  const totals = { removed: 0, bytes: 0 };
  await sweepChildren(mediaDir, cutoff, totals);
  return totals;
}

async function sweepChildren(dir: string, cutoff: number, totals: { removed: number; bytes: number }) {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isGone(error)) return;
    throw error;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const info = await lstat(path);
      if (info.isDirectory()) {
        await sweepChildren(path, cutoff, totals);
        if (info.mtimeMs <= cutoff && (await readdir(path)).length === 0) await rmdir(path);
      } else if (info.mtimeMs <= cutoff) {
        await unlink(path);
        totals.removed += 1;
        totals.bytes += info.isFile() ? info.size : 0;
      }
    } catch (error) {
      // ENOENT: removed by its job meanwhile; ENOTEMPTY: a job wrote into it meanwhile. Both fine.
      if (!isGone(error)) throw error;
    }
  }
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTEMPTY";
}
