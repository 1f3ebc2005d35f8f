import { basename } from "node:path";
import { MediaError } from "./media-error.js";
import { failureMessage, runProcess } from "./run-process.js";

export interface MediaInfo {
  durationSec: number;
  hasAudio: boolean;
  /** A real picture stream; cover art (an attached picture in an M4A) does not count. */
  hasVideo: boolean;
  /** Codec of the first audio stream, e.g. `aac`. */
  audioCodec?: string;
  /** Whole-file bit rate in bit/s, container overhead included. */
  bitRate?: number;
  /** Bit rate of the first audio stream in bit/s, when the container records it. */
  audioBitRate?: number;
  /** Channels of the first audio stream. */
  audioChannels?: number;
  /** Demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName?: string;
  /** Picture size of the first video stream (ffprobe only). */
  width?: number;
  height?: number;
}

/** The binaries `locateFfmpeg` found; a bare string is taken as ffprobe when its name says so. */
export type ProbeTool = string | { ffprobe?: string | null; ffmpeg?: string | null };

/**
 * Reads duration and streams of a local file. Uses ffprobe's JSON when an ffprobe is at hand,
 * else parses the banner `ffmpeg -i` prints on stderr. Always probes the file by path, never a
 * pipe: Zoom's M4A files may carry the `moov` atom at the end, which a non-seekable input cannot
 * reach (reference/telegram.md §7 item 6).
 */
export async function probeMedia(tool: ProbeTool, file: string, signal?: AbortSignal): Promise<MediaInfo> {
  const { ffprobe, ffmpeg } = resolveTool(tool);
  if (ffprobe) {
    try {
      return await probeWithFfprobe(ffprobe, file, signal);
    } catch (error) {
      // A broken ffprobe should not stop delivery while a working ffmpeg can answer the same question.
      if (!ffmpeg || (error instanceof MediaError && error.code === "aborted")) throw error;
    }
  }
  if (ffmpeg) return probeWithFfmpeg(ffmpeg, file, signal);
  throw new MediaError("ffmpeg_failed", "no ffprobe or ffmpeg given to probe with");
}

function resolveTool(tool: ProbeTool): { ffprobe: string | null; ffmpeg: string | null } {
  if (typeof tool !== "string") return { ffprobe: tool.ffprobe ?? null, ffmpeg: tool.ffmpeg ?? null };
  return /ffprobe/i.test(basename(tool)) ? { ffprobe: tool, ffmpeg: null } : { ffprobe: null, ffmpeg: tool };
}

async function probeWithFfprobe(ffprobe: string, file: string, signal?: AbortSignal): Promise<MediaInfo> {
  const args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-i", file];
  const result = await runProcess(ffprobe, args, { signal, captureStdout: true });
  if (result.exitCode !== 0) {
    throw new MediaError("ffmpeg_failed", failureMessage(`ffprobe of ${basename(file)}`, result), {
      stderrTail: result.stderrTail,
    });
  }
  let parsed: FfprobeJson;
  try {
    parsed = JSON.parse(result.stdout) as FfprobeJson;
  } catch (error) {
    throw new MediaError("ffmpeg_failed", `ffprobe printed no JSON for ${basename(file)}`, { cause: error });
  }
  return fromFfprobeJson(parsed);
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  bit_rate?: string;
  channels?: number;
  duration?: string;
  width?: number;
  height?: number;
  disposition?: { attached_pic?: number };
}
interface FfprobeJson {
  streams?: FfprobeStream[];
  format?: { duration?: string; bit_rate?: string; format_name?: string };
}

/** Exported for tests: maps ffprobe's `-show_format -show_streams` JSON to MediaInfo. */
export function fromFfprobeJson(json: FfprobeJson): MediaInfo {
  const streams = json.streams ?? [];
  const audio = streams.find((s) => s.codec_type === "audio");
  const picture = streams.find((s) => s.codec_type === "video" && s.disposition?.attached_pic !== 1);
  const hasVideo = picture !== undefined;
  const durationSec = num(json.format?.duration) ?? num(audio?.duration) ?? 0;
  return {
    durationSec,
    hasAudio: audio !== undefined,
    hasVideo,
    audioCodec: audio?.codec_name,
    bitRate: num(json.format?.bit_rate),
    audioBitRate: num(audio?.bit_rate),
    audioChannels: audio?.channels,
    formatName: json.format?.format_name,
    ...(picture?.width && picture.height ? { width: picture.width, height: picture.height } : {}),
  };
}

async function probeWithFfmpeg(ffmpeg: string, file: string, signal?: AbortSignal): Promise<MediaInfo> {
  // With no output file ffmpeg prints the input banner and exits 1 ("At least one output file must
  // be specified"), so the exit code says nothing; the banner does.
  const result = await runProcess(ffmpeg, ["-nostdin", "-hide_banner", "-i", file], { signal });
  const info = parseFfmpegBanner(result.stderrTail);
  if (!info) {
    throw new MediaError("ffmpeg_failed", failureMessage(`ffmpeg probe of ${basename(file)}`, result), {
      stderrTail: result.stderrTail,
    });
  }
  return info;
}

/**
 * Exported for tests: parses the `Input #0 …` banner of `ffmpeg -i`. Returns null when there is
 * no input section (unreadable or non-media file).
 */
export function parseFfmpegBanner(stderr: string): MediaInfo | null {
  const input = /^Input #0, ([^\n]+?), from /m.exec(stderr);
  if (!input) return null;
  const duration = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(stderr);
  const bitrate = /Duration: [^\n]*bitrate: (\d+) kb\/s/.exec(stderr);
  const streamLines = stderr.split(/\r?\n/).filter((line) => /^\s*Stream #0:\d+/.test(line));
  const audioLine = streamLines.find((line) => /: Audio: /.test(line));
  const hasVideo = streamLines.some((line) => /: Video: /.test(line) && !/\(attached pic\)/.test(line));
  const audioCodec = audioLine ? /: Audio: ([A-Za-z0-9_]+)/.exec(audioLine)?.[1] : undefined;
  const audioKbps = audioLine ? /, (\d+) kb\/s/.exec(audioLine)?.[1] : undefined;
  const durationSec = duration
    ? Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])
    : 0;
  return {
    durationSec,
    hasAudio: audioLine !== undefined,
    hasVideo,
    audioCodec,
    bitRate: bitrate?.[1] ? Number(bitrate[1]) * 1000 : undefined,
    audioBitRate: audioKbps ? Number(audioKbps) * 1000 : undefined,
    audioChannels: audioLine ? channelsOf(audioLine) : undefined,
    formatName: input[1],
  };
}

function channelsOf(audioLine: string): number | undefined {
  const layout = /Hz, ([^,]+),/.exec(audioLine)?.[1]?.trim();
  if (!layout) return undefined;
  if (layout === "mono") return 1;
  if (layout === "stereo") return 2;
  const explicit = /^(\d+) channels/.exec(layout);
  if (explicit?.[1]) return Number(explicit[1]);
  const surround = /^(\d+)\.(\d+)/.exec(layout);
  return surround?.[1] && surround[2] ? Number(surround[1]) + Number(surround[2]) : undefined;
}

function num(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
