import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { basename, delimiter, dirname, isAbsolute, join } from "node:path";

export interface FfmpegBinaries {
  ffmpeg: string;
  /** Null when no working ffprobe sits with this ffmpeg; probeMedia then parses `ffmpeg -i`. */
  ffprobe: string | null;
  source: "config" | "path" | "npm";
}

export interface LocateFfmpegOptions {
  /** FFMPEG_PATH: an absolute or relative path, or a bare command name looked up on `searchPath`. */
  configuredPath?: string | undefined;
  /** A PATH-style list of directories (the config passes the process's PATH in). */
  searchPath?: string | undefined;
  /** The binaries shipped by npm; default resolves `@ffmpeg-installer/ffmpeg` and `@ffprobe-installer/ffprobe`. */
  npmBinaries?: () => Promise<{ ffmpeg: string; ffprobe: string | null } | null>;
  /** Whether a binary runs and prints its version; default runs `<binary> -version`. */
  runsVersion?: (binary: string, name: "ffmpeg" | "ffprobe") => Promise<boolean>;
  /** `.exe` on Windows; default from the running platform. */
  executableSuffix?: string;
}

/**
 * Finds a working ffmpeg: FFMPEG_PATH first, then `ffmpeg` on PATH, then the static build npm
 * installed. Each candidate must exist and answer `-version`, so a stale FFMPEG_PATH or a broken
 * binary falls through to the next one instead of failing jobs later. Returns null when none
 * works — deliveries then fall back to links. Nothing is cached: call it once at start-up (and in
 * `doctor`) and pass the result on.
 */
export async function locateFfmpeg(options: LocateFfmpegOptions = {}): Promise<FfmpegBinaries | null> {
  const {
    configuredPath,
    searchPath = "",
    npmBinaries = loadNpmBinaries,
    runsVersion = answersVersion,
    executableSuffix = process.platform === "win32" ? ".exe" : "",
  } = options;
  const pathDirs = searchPath.split(delimiter).filter((dir) => dir !== "");
  const probeNextTo = async (ffmpeg: string) => {
    const candidate = join(dirname(ffmpeg), `ffprobe${executableSuffix}`);
    return (await usable(candidate, "ffprobe", runsVersion)) ? candidate : null;
  };

  if (configuredPath) {
    const isBareName = !isAbsolute(configuredPath) && basename(configuredPath) === configuredPath;
    const candidates = isBareName ? pathDirs.map((dir) => join(dir, configuredPath)) : [configuredPath];
    for (const ffmpeg of candidates) {
      if (await usable(ffmpeg, "ffmpeg", runsVersion)) {
        return { ffmpeg, ffprobe: await probeNextTo(ffmpeg), source: "config" };
      }
    }
  }

  for (const dir of pathDirs) {
    const ffmpeg = join(dir, `ffmpeg${executableSuffix}`);
    if (await usable(ffmpeg, "ffmpeg", runsVersion)) {
      const ffprobe =
        (await probeNextTo(ffmpeg)) ?? (await firstOnPath(pathDirs, executableSuffix, runsVersion));
      return { ffmpeg, ffprobe, source: "path" };
    }
  }

  const npm = await npmBinaries().catch(() => null);
  if (npm && (await usable(npm.ffmpeg, "ffmpeg", runsVersion))) {
    const ffprobe = npm.ffprobe && (await usable(npm.ffprobe, "ffprobe", runsVersion)) ? npm.ffprobe : null;
    return { ffmpeg: npm.ffmpeg, ffprobe, source: "npm" };
  }
  return null;
}

async function firstOnPath(
  dirs: readonly string[],
  suffix: string,
  runsVersion: NonNullable<LocateFfmpegOptions["runsVersion"]>,
): Promise<string | null> {
  for (const dir of dirs) {
    const candidate = join(dir, `ffprobe${suffix}`);
    if (await usable(candidate, "ffprobe", runsVersion)) return candidate;
  }
  return null;
}

async function usable(
  binary: string,
  name: "ffmpeg" | "ffprobe",
  runsVersion: NonNullable<LocateFfmpegOptions["runsVersion"]>,
): Promise<boolean> {
  try {
    await access(binary, constants.X_OK);
  } catch {
    // Not there or not executable: an expected answer while searching, not an error.
    return false;
  }
  return runsVersion(binary, name);
}

/** A real ffmpeg/ffprobe exits 0 and starts its output with "ffmpeg version" / "ffprobe version". */
function answersVersion(binary: string, name: "ffmpeg" | "ffprobe"): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(binary, ["-version"], { timeout: 10_000, windowsHide: true }, (error, stdout) => {
      resolve(!error && stdout.startsWith(`${name} version`));
    });
  });
}

/**
 * The npm packages throw at import on platforms they have no binary for (and may be pruned from
 * a production install), so they are loaded lazily and any failure means "not available".
 */
async function loadNpmBinaries(): Promise<{ ffmpeg: string; ffprobe: string | null }> {
  const ffmpeg = (await import("@ffmpeg-installer/ffmpeg")).default.path;
  const ffprobe = await import("@ffprobe-installer/ffprobe").then(
    (m) => m.default.path,
    () => null,
  );
  return { ffmpeg, ffprobe };
}
