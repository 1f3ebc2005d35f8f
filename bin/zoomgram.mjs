#!/usr/bin/env node
// Runs the compiled service (dist/, built by `tsc -p tsconfig.build.json`): plain JavaScript, no
// transpiler in the process. In a checkout (src/ present) it first rebuilds dist/ when src/ changed
// since the last build (scripts/build.mjs; `npm ci` already built it through `prepare`), so
// `npm ci && npm start` and `npm start` after an edit both work. The Docker image ships dist/ only.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const main = join(root, "dist", "cli", "main.js");
const buildScript = join(root, "scripts", "build.mjs");

if (existsSync(join(root, "src")) && existsSync(buildScript)) {
  const { isFresh, build } = await import(pathToFileURL(buildScript).href);
  if (!isFresh()) {
    const code = build();
    if (code !== 0) process.exit(code);
  }
}
if (!existsSync(main)) {
  process.stderr.write("zoomgram: dist/ is missing; run `npm run build` (needs the devDependencies)\n");
  process.exit(1);
}
await import(pathToFileURL(main).href);
