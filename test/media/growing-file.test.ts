/**
 * GrowingFile: readers follow a file while its writer appends, never pass the size the writer
 * reported, end only when the writer completes, and fail when it fails or restarts under them.
 */
import { appendFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GrowingFile } from "../../src/media/growing-file.js";
import { tempDirForEachTest } from "../support/each-test.js";

const workDir = tempDirForEachTest("zoomgram-growing-");

/** Reads the file through a new reader of `size` bytes until it has them or it ends; resolves with what it read. */
function collect(file: GrowingFile, size: number) {
  const chunks: Buffer[] = [];
  const done = (async () => {
    const reader = await file.opener(size)();
    try {
      for (let position = 0; position < size; ) {
        const buffer = Buffer.alloc(size - position);
        const n = await reader.read(buffer, buffer.length, position);
        if (n === 0) break;
        chunks.push(buffer.subarray(0, n));
        position += n;
      }
    } finally {
      await reader.close();
    }
    return Buffer.concat(chunks);
  })();
  return { chunks, done, read: () => Buffer.concat(chunks).length };
}

/** Lets the reader's pending work run (a few macrotask turns, no wall clock). */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Turns the event loop until `check()` holds (file reads go through the thread pool). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000_000 && !check(); i++) await new Promise<void>((r) => setImmediate(r));
  expect(check()).toBe(true);
}

describe("GrowingFile", () => {
  it("streams bytes as they are reported, waits for more, and ends when the writer completes", async () => {
    const path = join(workDir(), "f");
    writeFileSync(path, "");
    const file = new GrowingFile(path);
    const reader = collect(file, 11);
    await turns();
    expect(reader.read()).toBe(0);
    appendFileSync(path, "hello ");
    // Bytes on disk but not reported yet are not read.
    await turns();
    expect(reader.read()).toBe(0);
    file.grew(6);
    await until(() => reader.read() === 6);
    appendFileSync(path, "world");
    file.grew(11);
    file.complete();
    expect((await reader.done).toString()).toBe("hello world");
  });

  it("a second reader starts from byte 0 (a retried upload sends the whole file)", async () => {
    const path = join(workDir(), "f");
    writeFileSync(path, "abcdef");
    const file = new GrowingFile(path);
    file.grew(6);
    file.complete();
    expect((await collect(file, 6).done).toString()).toBe("abcdef");
    expect((await collect(file, 6).done).toString()).toBe("abcdef");
  });

  it("does not open the file before the writer reported bytes", async () => {
    const path = join(workDir(), "not-yet");
    const file = new GrowingFile(path);
    const reader = collect(file, 4);
    await turns();
    writeFileSync(path, "late");
    file.grew(4);
    file.complete();
    expect((await reader.done).toString()).toBe("late");
  });

  it("fails its readers when the writer fails", async () => {
    const path = join(workDir(), "f");
    writeFileSync(path, "abc");
    const file = new GrowingFile(path);
    file.grew(3);
    const reader = collect(file, 10);
    await turns();
    file.fail(new Error("download broke"));
    await expect(reader.done).rejects.toThrow("download broke");
  });

  it("fails a reader that already read bytes when the writer restarts from 0; a fresh reader is fine", async () => {
    const path = join(workDir(), "f");
    writeFileSync(path, "abc");
    const file = new GrowingFile(path);
    file.grew(3);
    const early = collect(file, 6);
    await until(() => early.read() === 3);
    truncateSync(path, 0);
    file.restarted();
    await expect(early.done).rejects.toThrow(/restarted/);
    writeFileSync(path, "xyz");
    file.grew(3);
    file.complete();
    expect((await collect(file, 3).done).toString()).toBe("xyz");
  });

  it("a reader ends (reads 0) when the writer completes short of the size it was opened for", async () => {
    const path = join(workDir(), "f");
    writeFileSync(path, "ab");
    const file = new GrowingFile(path);
    const reader = collect(file, 5);
    file.grew(2);
    await until(() => reader.read() === 2);
    file.complete();
    expect((await reader.done).toString()).toBe("ab");
  });
});
