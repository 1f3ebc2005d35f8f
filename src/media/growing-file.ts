/**
 * A file that is still being written (a download), read by others while it grows (an upload):
 * the writer says how many bytes are on disk (`grew`), that it finished (`complete`) or failed
 * (`fail`), or that it cut the file back to 0 bytes (`restarted`); each reader (`opener`) reads the
 * file from byte 0, waiting for bytes that are not there yet, and ends only once the writer completed.
 *
 * A reader never passes the writer's reported size, so it only sends bytes that reached the file;
 * it fails when the writer fails (an upload must not end with a truncated file), and when the
 * writer restarts after the reader already read bytes (they may not be the bytes that follow).
 * The file stays on disk, so a failed upload can be retried from it without downloading again.
 */
import { type FileHandle, open } from "node:fs/promises";

/** One reader of a GrowingFile (the shape src/telegram/file-upload.ts uploads from). */
export interface GrowingFileReader {
  readonly size: number;
  /** Reads up to `length` bytes at `position` into `buffer`, waiting for the writer; 0 at the end. */
  read(buffer: Buffer, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

export class GrowingFile {
  private size = 0;
  private done = false;
  private failure: unknown;
  private restarts = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly path: string) {}

  /** The file now holds `size` bytes from its start. */
  grew(size: number): void {
    this.size = size;
    this.wake();
  }

  /** The writer cut the file back to 0 bytes. */
  restarted(): void {
    this.size = 0;
    this.restarts++;
    this.wake();
  }

  /** The writer finished: the file is whole at its current size. */
  complete(size = this.size): void {
    this.size = size;
    this.done = true;
    this.wake();
  }

  /** The writer gave up: every reader fails with `error`. */
  fail(error: unknown): void {
    this.failure = error ?? new Error("the file was not written");
    this.wake();
  }

  /**
   * Opens the file for reading `size` bytes (what the writer is expected to end at, e.g. Zoom's
   * `file_size`); each call opens afresh, so a retried upload reads from byte 0 again. A read
   * waits for bytes the writer has not reported yet and returns 0 only once the writer completed.
   */
  opener(size: number): () => Promise<GrowingFileReader> {
    return async () => {
      const restartsAtStart = this.restarts;
      let file: FileHandle | undefined;
      return {
        size,
        read: async (buffer, length, position) => {
          for (;;) {
            if (this.failure !== undefined) throw this.failure;
            if (this.restarts !== restartsAtStart && position > 0) {
              throw new Error("the file was restarted from byte 0 while it was being read");
            }
            if (position < this.size) {
              file ??= await open(this.path, "r");
              const want = Math.min(length, this.size - position);
              const { bytesRead } = await file.read(buffer, 0, want, position);
              if (bytesRead === 0) throw new Error("the file is shorter than its writer said");
              return bytesRead;
            }
            if (this.done) return 0;
            await new Promise<void>((resolve) => this.waiters.push(resolve));
          }
        },
        close: async () => {
          await file?.close();
          file = undefined;
        },
      };
    };
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
