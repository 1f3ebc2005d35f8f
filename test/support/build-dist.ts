/**
 * vitest globalSetup: tests that spawn the CLI (test/cli, the crash and fleet suites) run the
 * compiled dist/, exactly what `npm start` and the Docker image run, so it is rebuilt first when
 * src/ changed since the last build (a no-op otherwise).
 */
import { build } from "../../scripts/build.mjs";

export default function setup(): void {
  const code = build({ quiet: true });
  if (code !== 0) throw new Error(`building dist/ failed (exit ${code}); run \`npm run build\` to see why`);
}
