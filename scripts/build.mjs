#!/usr/bin/env node
// Compiles src/ to dist/ (tsc -p tsconfig.build.json) and copies the non-TypeScript assets next to
// the compiled modules (src/i18n/locales/*.ftl, src/zoom/examples/*.json), so dist/ runs on its own
// with plain `node`. Plain JavaScript on purpose: it runs before anything is compiled.
//
//   node scripts/build.mjs          build when src/ changed since the last build (npm run build)
//   node scripts/build.mjs --force  build unconditionally
//
// `npm ci` runs it (the `prepare` script), and bin/zoomgram.mjs runs it when src/ is newer than
// dist/, so `npm ci && npm start` on a fresh clone and `npm start` after an edit both work. The
// build stamp (dist/.build-stamp) fingerprints every file under src/ plus the tsconfigs and
// package.json (path, size, mtime); a lock directory keeps concurrent starts from building twice.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");
const DIST = join(ROOT, "dist");
const STAMP = join(DIST, ".build-stamp");
const LOCK = join(ROOT, ".dist.lock");
const INPUTS = ["tsconfig.json", "tsconfig.build.json", "package.json"];
const STALE_LOCK_MS = 180_000;

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** A hash of every input's path, size and mtime: changes when a file is added, removed or edited. */
export function sourceFingerprint() {
  const hash = createHash("sha256");
  const files = [...walk(SRC), ...INPUTS.map((f) => join(ROOT, f)).filter((f) => existsSync(f))].sort();
  for (const file of files) {
    const s = statSync(file);
    hash.update(`${relative(ROOT, file)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest("hex");
}

/** True when dist/ was built from exactly the current sources. */
export function isFresh() {
  if (!existsSync(join(DIST, "cli", "main.js")) || !existsSync(STAMP)) return false;
  return readFileSync(STAMP, "utf8").trim() === sourceFingerprint();
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock(fn) {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(LOCK).mtimeMs;
      } catch {
        continue;
      }
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function resolveTsc() {
  try {
    return createRequire(join(ROOT, "package.json")).resolve("typescript/bin/tsc");
  } catch {
    return undefined;
  }
}

/** Copies every non-TypeScript file under src/ to the same place under dist/. */
function copyAssets() {
  for (const file of walk(SRC)) {
    if (extname(file) === ".ts") continue;
    const target = join(DIST, relative(SRC, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
}

/** Removes compiled modules whose source is gone (a renamed or deleted src/ file). */
function removeOrphans() {
  if (!existsSync(DIST)) return;
  for (const file of walk(DIST)) {
    const rel = relative(DIST, file);
    const js = rel.endsWith(".js")
      ? rel.slice(0, -3)
      : rel.endsWith(".js.map")
        ? rel.slice(0, -7)
        : undefined;
    if (js === undefined) continue;
    if (!existsSync(join(SRC, `${js}.ts`))) rmSync(file);
  }
}

/** Builds dist/ (unless `force` is false and it is already fresh). Returns an exit code. */
export function build({ force = false, quiet = false } = {}) {
  return withLock(() => {
    if (!force && isFresh()) return 0;
    const tsc = resolveTsc();
    if (!tsc) {
      process.stderr.write(
        "zoomgram build: TypeScript is not installed (devDependencies); run `npm ci` without --omit=dev, then `npm run build`\n",
      );
      return 1;
    }
    const fingerprint = sourceFingerprint();
    if (!quiet) process.stderr.write("zoomgram build: compiling src/ to dist/\n");
    const result = spawnSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json")], {
      cwd: ROOT,
      stdio: "inherit",
    });
    if (result.status !== 0) return result.status ?? 1;
    removeOrphans();
    copyAssets();
    writeFileSync(STAMP, `${fingerprint}\n`);
    return 0;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args.includes("--if-typescript") && !resolveTsc()) {
    // `prepare` after `npm ci --omit=dev`: nothing to compile with; dist/ must come from elsewhere.
    process.stderr.write("zoomgram build: skipped (no TypeScript installed)\n");
    process.exit(0);
  }
  process.exit(build({ force: args.includes("--force") }));
}
