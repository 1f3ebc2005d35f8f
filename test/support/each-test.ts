/**
 * Per-test lifecycles for a test file, registered once at its top (vitest hooks, so only for test
 * files — child processes import ./db.ts directly).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { createTestDatabase, type TestDatabase, type TestDialect } from "./db.js";
import { makeTestAudio, makeTestVideo, type TestAudioOptions, type TestVideoOptions } from "./media.js";

/**
 * A fresh migrated database for every test of the file (or of the `describe` it is called in),
 * closed and dropped after it. The returned object reads the current test's database.
 */
export function databaseForEachTest(dialect?: TestDialect): TestDatabase {
  let current: TestDatabase | undefined;
  beforeEach(async () => {
    current = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  const now = (): TestDatabase => {
    if (!current) throw new Error("databaseForEachTest: used outside a test");
    return current;
  };
  return {
    get db() {
      return now().db;
    },
    get url() {
      return now().url;
    },
    cleanup: () => now().cleanup(),
  };
}

/**
 * Closes after every test of the file whatever the test handed to the returned function (a
 * harness, a bench: anything with `close()`), newest first, also when the test failed. The
 * function hands its argument back: `const b = closeAfterTest(await startOpsHarness())`.
 */
export function closeAfterEachTest<
  T extends { close(): Promise<unknown> } = { close(): Promise<unknown> },
>(): <U extends T>(started: U) => U {
  const open: T[] = [];
  afterEach(async () => {
    for (const started of open.splice(0).reverse()) await started.close();
  });
  return (started) => {
    open.push(started);
    return started;
  };
}

/**
 * `start` wrapped so that whatever it starts is closed after the test (`closeAfterEachTest`),
 * after `check` (an assertion on the started thing, e.g. that a fake saw no internal error).
 */
export function closingAfterEachTest<A extends unknown[], T extends { close(): Promise<unknown> }>(
  start: (...args: A) => Promise<T>,
  check?: (started: T) => void,
): (...args: A) => Promise<T> {
  const closeAfterTest = closeAfterEachTest<{ close(): Promise<unknown> }>();
  return async (...args) => {
    const started = await start(...args);
    closeAfterTest({
      close: async () => {
        check?.(started);
        await started.close();
      },
    });
    return started;
  };
}

/**
 * One generated audio file (support/media.ts) for the file's tests, made once before the first;
 * the returned function gives its path inside a test.
 */
export function testAudioForFile(options: TestAudioOptions): () => string {
  return generatedForFile(() => makeTestAudio(options));
}

/** Like {@link testAudioForFile}, for one generated video. */
export function testVideoForFile(options: TestVideoOptions): () => string {
  return generatedForFile(() => makeTestVideo(options));
}

/**
 * One file `make` generates (e.g. support/media.ts's makeHeavyTestVideo) for the file's tests,
 * made once before the first (within `timeoutMs`, default the hook timeout); the returned
 * function gives its path inside a test.
 */
export function generatedForFile(make: () => Promise<string>, timeoutMs?: number): () => string {
  let path: string | undefined;
  beforeAll(async () => {
    path = await make();
  }, timeoutMs);
  return () => {
    if (path === undefined) throw new Error("generated test media used outside a test");
    return path;
  };
}

/**
 * A private, empty temp folder for the file's tests (or the `describe`'s), made before the first
 * and removed after the last; the returned function gives its path inside a test.
 */
export function tempDirForFile(prefix: string): () => string {
  return tempDirBetween(beforeAll, afterAll, prefix);
}

/**
 * A fresh, empty temp folder for every test of the file (or of the `describe`), removed after the
 * test; the returned function gives the current test's.
 */
export function tempDirForEachTest(prefix: string): () => string {
  return tempDirBetween(beforeEach, afterEach, prefix);
}

function tempDirBetween(
  setUp: (fn: () => void) => void,
  tearDown: (fn: () => void) => void,
  prefix: string,
): () => string {
  let dir: string | undefined;
  setUp(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  tearDown(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (dir === undefined) throw new Error(`temp folder ${prefix}… used outside a test`);
    return dir;
  };
}

/**
 * Kills (SIGKILL) after every test of the file whatever child process the test handed to the
 * returned function, also when the test failed. The function hands its argument back.
 */
export function killAfterEachTest(): <C extends ChildProcess>(child: C) => C {
  const running: ChildProcess[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) child.kill("SIGKILL");
  });
  return (child) => {
    running.push(child);
    return child;
  };
}
