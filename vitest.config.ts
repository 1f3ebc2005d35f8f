import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Whole-fleet tests run separately, one at a time (vitest.serial.config.ts).
    exclude: ["test/fleet/**", "**/node_modules/**"],
    environment: "node",
    setupFiles: ["test/support/fast-check-seed.ts"],
    // Tests that spawn the CLI run the compiled dist/: built first when src/ changed.
    globalSetup: ["test/support/build-dist.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each test file gets a fresh module graph; tests never share a database.
    isolate: true,
  },
});
