/**
 * The crash suite runs on its own (`npm run test:crash`, and in .ci/run): it spawns Zoomgram as
 * child processes and SIGKILLs them for a minute or two, too slow for `npm test`, whose config only
 * includes `*.test.ts` (the suite's file is `*.crash.ts`).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/crash/**/*.crash.ts"],
    // The suite spawns the compiled CLI (dist/): built first when src/ changed.
    globalSetup: ["test/support/build-dist.ts"],
    environment: "node",
    pool: "forks",
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
