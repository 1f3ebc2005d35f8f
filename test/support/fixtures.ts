/**
 * Loads the Zoom sample payloads (Zoom's official examples and our synthetic ones) kept in
 * `test/fixtures/zoom/`, so a fresh clone runs its tests with nothing beside it.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** `<repo>/test/fixtures/zoom/`, resolved from this file (`<repo>/test/support/`). */
export const ZOOM_FIXTURES_DIR = new URL("../fixtures/zoom/", import.meta.url);

/** Absolute path of one Zoom fixture file, e.g. `recording.completed.official-example.json`. */
export function zoomFixturePath(name: string): string {
  return fileURLToPath(new URL(name, ZOOM_FIXTURES_DIR));
}

/** The exact text of a Zoom fixture (for byte-level checks such as signatures). */
export function loadZoomFixtureText(name: string): string {
  return readFileSync(zoomFixturePath(name), "utf8");
}

/** A Zoom fixture parsed as JSON. The type parameter is a test convenience, not a validation. */
export function loadZoomFixture<T = unknown>(name: string): T {
  return JSON.parse(loadZoomFixtureText(name)) as T;
}
