/**
 * MEDIA_DIR holds private meetings while they are being delivered, so nobody else may control it
 * (issue #13, item 6): it is created 0700, and start-up refuses a folder that is a symlink, is
 * owned by another user, or is writable by group or others — another local user could otherwise
 * plant symlinks or swap files between our writes. Files inside are opened with
 * {@link openMediaFileExclusive}: created anew, never through a symlink.
 */
import { constants } from "node:fs";
import { chmod, type FileHandle, lstat, mkdir, open, unlink } from "node:fs/promises";

export interface MediaDirOptions {
  /** The user the folder must belong to; default this process's (`process.getuid()`). */
  uid?: number;
}

/**
 * Creates MEDIA_DIR (0700) when missing, then checks it. Resolves with a one-line problem for the
 * operator, or undefined when the folder is fit to use.
 */
export async function prepareMediaDir(
  dir: string,
  options: MediaDirOptions = {},
): Promise<string | undefined> {
  const uid = options.uid ?? process.getuid?.();
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) await chmod(dir, 0o700);
  const info = await lstat(dir);
  if (info.isSymbolicLink()) return `${dir} is a symbolic link; point MEDIA_DIR at the real folder`;
  if (!info.isDirectory()) return `${dir} is not a folder`;
  if (uid !== undefined && info.uid !== uid) {
    return `${dir} belongs to user id ${info.uid}, not to this service's user (${uid}); use a folder of its own (chown it, or set MEDIA_DIR elsewhere)`;
  }
  if ((info.mode & 0o022) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(3, "0");
    const who = [info.mode & 0o020 ? "its group" : "", info.mode & 0o002 ? "others" : ""].filter(Boolean);
    return `${dir} is writable by ${who.join(" and ")} (mode ${mode}); run chmod 700 on it`;
  }
  return undefined;
}

/**
 * Opens `path` for writing as a new file (0600): an existing entry — a stale file from an earlier
 * attempt, or a symlink someone planted — is unlinked first (a symlink as a link, never followed),
 * then the file is created with O_EXCL | O_NOFOLLOW, so a race that puts anything there in between
 * fails instead of writing through it.
 */
export async function openMediaFileExclusive(path: string): Promise<FileHandle> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  return open(path, flags, 0o600);
}
