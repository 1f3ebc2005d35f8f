/**
 * Per-test lifecycles for a test file, registered once at its top (vitest hooks, so only for test
 * files — child processes import ./db.ts directly).
 */
import { afterEach, beforeEach } from "vitest";
import { createTestDatabase, type TestDatabase, type TestDialect } from "./db.js";

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
