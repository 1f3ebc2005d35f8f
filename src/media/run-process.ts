import { spawn } from "node:child_process";
import { MediaError } from "./media-error.js";

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** Only the last `stderrTailBytes` of stderr: ffmpeg logs progress there for hours on long inputs. */
  stderrTail: string;
}

export interface RunProcessOptions {
  signal?: AbortSignal | undefined;
  /** Collect stdout (ffprobe's JSON); off for ffmpeg, whose stdout we never read. Bounded too. */
  captureStdout?: boolean;
  /** Default 16 KiB: enough for ffmpeg's final error lines, small enough to store on a job row. */
  stderrTailBytes?: number;
  /** Default 8 MiB: ffprobe JSON for a file with a handful of streams is a few KiB. */
  stdoutMaxBytes?: number;
}

/**
 * Runs a binary with an argument array (never a shell) and resolves once it has exited, whatever
 * the exit code; the caller decides what a non-zero exit means. Rejects with `aborted` when the
 * signal fires — only after the child has actually exited, so a rejection means no ffmpeg is
 * left running and writing — and with `ffmpeg_failed` when the binary cannot be started.
 */
export function runProcess(file: string, args: readonly string[], options: RunProcessOptions = {}) {
  const {
    signal,
    captureStdout = false,
    stderrTailBytes = 16 * 1024,
    stdoutMaxBytes = 8 * 1024 * 1024,
  } = options;
  return new Promise<ProcessResult>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new MediaError("aborted", `${label(file)} not started: aborted`, { cause: signal.reason }));
      return;
    }
    const child = spawn(file, args, {
      stdio: ["ignore", captureStdout ? "pipe" : "ignore", "pipe"],
      windowsHide: true,
    });
    let stderr = Buffer.alloc(0);
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let spawnError: Error | undefined;
    let aborted = false;

    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > stderrTailBytes * 2) stderr = stderr.subarray(stderr.length - stderrTailBytes);
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      if (stdoutBytes >= stdoutMaxBytes) return;
      stdoutChunks.push(chunk);
      stdoutBytes += chunk.length;
    });

    const onAbort = () => {
      aborted = true;
      // SIGKILL, not SIGTERM: on SIGTERM ffmpeg finishes the file it is writing, which can take a
      // while and leaves a valid-looking but truncated output behind.
      child.kill("SIGKILL");
    };
    signal?.addEventListener("abort", onAbort, { once: true });

    child.on("error", (error) => {
      spawnError = error;
    });
    child.on("close", (exitCode, exitSignal) => {
      signal?.removeEventListener("abort", onAbort);
      const stderrTail = stderr.subarray(Math.max(0, stderr.length - stderrTailBytes)).toString("utf8");
      if (aborted) {
        reject(new MediaError("aborted", `${label(file)} aborted`, { cause: signal?.reason, stderrTail }));
      } else if (spawnError) {
        reject(
          new MediaError("ffmpeg_failed", `${label(file)} could not start: ${spawnError.message}`, {
            cause: spawnError,
          }),
        );
      } else {
        resolve({
          exitCode,
          signal: exitSignal,
          stdout: Buffer.concat(stdoutChunks).toString("utf8"),
          stderrTail,
        });
      }
    });
  });
}

/** Error text for a non-zero exit: the last few stderr lines say what went wrong. */
export function failureMessage(what: string, result: ProcessResult): string {
  const lastLines = result.stderrTail.trim().split(/\r?\n/).slice(-3).join(" | ");
  const how = result.signal ? `signal ${result.signal}` : `exit code ${result.exitCode}`;
  return `${what} failed (${how})${lastLines ? `: ${lastLines}` : ""}`;
}

function label(file: string): string {
  return file.split(/[\\/]/).pop() || file;
}
