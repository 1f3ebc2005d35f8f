import { defineConfig } from "vitest/config";

/**
 * Tests that run whole fleets of child processes: one file at a time, after the parallel suite,
 * so they neither starve nor are starved by it on a 2-core machine.
 */
export default defineConfig({
  test: {
    include: ["test/fleet/**/*.test.ts"],
    // The fleet spawns the compiled CLI (dist/): built first when src/ changed.
    globalSetup: ["test/support/build-dist.ts"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
