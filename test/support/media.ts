import { execFile } from "node:child_process";
import { copyFile, mkdir, rename, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import ffprobeInstaller from "@ffprobe-installer/ffprobe";

const run = promisify(execFile);

/** The npm-installed static binaries every media test uses (no system ffmpeg is assumed). */
export const FFMPEG = ffmpegInstaller.path;
export const FFPROBE = ffprobeInstaller.path;

/** Generated media is cached here across runs: generating 6 minutes of AAC takes seconds, a copy milliseconds. */
export const TEST_MEDIA_CACHE = join(tmpdir(), "zoomgram-test-media");

export interface TestAudioOptions {
  seconds: number;
  bitrateKbps?: number;
  /** Where the caller wants its own copy (tests may delete or overwrite it); default: the cached file. */
  path?: string;
  /** Leave the `moov` atom at the end, as ffmpeg's MP4 muxer (and some Zoom files) do by default. */
  moovAtEnd?: boolean;
}

/**
 * Real AAC-LC stereo in an M4A: a 440 Hz tone mixed with pink noise (fixed seed), so the encoder
 * has something to spend bits on and the file lands near the asked bit rate (a pure sine would
 * compress to almost nothing and make size arithmetic meaningless).
 */
export async function makeTestAudio(options: TestAudioOptions): Promise<string> {
  const { seconds, bitrateKbps = 128, moovAtEnd = false } = options;
  const name = `audio-${seconds}s-${bitrateKbps}k-${moovAtEnd ? "moovend" : "faststart"}.m4a`;
  const cached = await cachedOrMake(name, (out) => [
    ...noisyTone(seconds),
    "-filter_complex",
    "[0:a][1:a]amix=inputs=2:duration=shortest[a]",
    "-map",
    "[a]",
    "-c:a",
    "aac",
    "-b:a",
    `${bitrateKbps}k`,
    "-ac",
    "2",
    ...(moovAtEnd ? [] : ["-movflags", "+faststart"]),
    "-f",
    "ipod",
    out,
  ]);
  return copyTo(cached, options.path);
}

export interface TestVideoOptions {
  seconds: number;
  path?: string;
  withAudio?: boolean;
}

/** A tiny H.264 `testsrc` video (160x120, 10 fps) with, by default, 96 kbit/s mono AAC: a stand-in for Zoom's MP4. */
export async function makeTestVideo(options: TestVideoOptions): Promise<string> {
  const { seconds, withAudio = true } = options;
  const name = `video-${seconds}s-${withAudio ? "audio" : "silent"}.mp4`;
  const cached = await cachedOrMake(name, (out) => [
    "-f",
    "lavfi",
    "-i",
    `testsrc=size=160x120:rate=10:duration=${seconds}`,
    ...(withAudio ? videoWithTone(seconds, "96k") : []),
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    ...playableMp4(out),
  ]);
  return copyTo(cached, options.path);
}

export interface HeavyTestVideoOptions {
  seconds: number;
  /** Video bit rate the encode is held to (constant, padded): what makes the file large. */
  kbps: number;
  /** A keyframe every this many seconds (stream-copied parts cut only there). */
  keyframeSeconds: number;
}

/**
 * A 320x240, 25 fps H.264 video of moving noise at a constant bit rate, with 32 kbit/s mono AAC:
 * large for its length, so the video ladder's rungs can be reached with a 1 MB upload limit.
 */
export async function makeHeavyTestVideo(options: HeavyTestVideoOptions): Promise<string> {
  const { seconds, kbps, keyframeSeconds } = options;
  const keyint = String(25 * keyframeSeconds);
  return cachedOrMake(`heavy-n40-${seconds}s-${kbps}k-gop${keyframeSeconds}.mp4`, (out) => [
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=320x240:rate=25:duration=${seconds},noise=alls=40:allf=t`,
    ...videoWithTone(seconds, "32k"),
    "-ac",
    "1",
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-b:v",
    `${kbps}k`,
    "-minrate",
    `${kbps}k`,
    "-maxrate",
    `${kbps}k`,
    "-bufsize",
    `${kbps}k`,
    "-x264-params",
    `keyint=${keyint}:min-keyint=${keyint}:scenecut=0:nal-hrd=cbr`,
    ...playableMp4(out),
  ]);
}

/** Input 0 is the video: maps it with the noisy tone as its AAC track at `bitrate`. */
function videoWithTone(seconds: number, bitrate: string): string[] {
  return [
    ...noisyTone(seconds),
    "-filter_complex",
    "[1:a][2:a]amix=inputs=2:duration=shortest[a]",
    "-map",
    "0:v",
    "-map",
    "[a]",
    "-c:a",
    "aac",
    "-b:a",
    bitrate,
  ];
}

/** The output options of every test video: a player-friendly pixel format, `moov` first, MP4 at `out`. */
function playableMp4(out: string): string[] {
  return ["-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", out];
}

function noisyTone(seconds: number): string[] {
  return [
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=440:sample_rate=44100:duration=${seconds}`,
    "-f",
    "lavfi",
    "-i",
    `anoisesrc=color=pink:amplitude=0.3:sample_rate=44100:seed=42:duration=${seconds}`,
  ];
}

async function cachedOrMake(name: string, args: (out: string) => string[]): Promise<string> {
  const cached = join(TEST_MEDIA_CACHE, name);
  if (await exists(cached)) return cached;
  await mkdir(TEST_MEDIA_CACHE, { recursive: true });
  // Test files run in parallel workers: write under a unique name, then rename atomically.
  const partial = join(TEST_MEDIA_CACHE, `.${process.pid}-${Date.now()}-${name}`);
  await run(FFMPEG, ["-nostdin", "-hide_banner", "-loglevel", "error", "-y", ...args(partial)]);
  await rename(partial, cached);
  return cached;
}

async function copyTo(cached: string, path: string | undefined): Promise<string> {
  if (!path) return cached;
  await mkdir(dirname(path), { recursive: true });
  await copyFile(cached, path);
  return path;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}
