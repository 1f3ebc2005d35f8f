/**
 * Meeting UUIDs in REST paths (`/meetings/{uuid}/recordings`, `/meetings/{uuid}/meeting_summary`).
 * UUIDs are base64-like and may hold `/`, `+` and `=`, so they are always percent-encoded; Zoom's
 * official rule adds a second encoding when the UUID starts with `/` or contains `//`
 * (`reference/zoom.md` §4.2, CONTRACT "Behaviour at the edges").
 */

/** True when Zoom's official rule asks for double encoding: a leading `/` or any `//`. */
export function needsDoubleEncoding(uuid: string): boolean {
  return uuid.startsWith("/") || uuid.includes("//");
}

function requireUuid(uuid: string): void {
  // An empty segment would turn `/meetings/{uuid}/recordings` into `/meetings//recordings`.
  if (uuid.length === 0) throw new RangeError("meeting UUID must not be empty");
}

/**
 * The path segment for a meeting UUID: `encodeURIComponent` once, twice when
 * {@link needsDoubleEncoding}. "Always double-encode" (ZoomNet's variant) is UNCONFIRMED (zoom.md §9.9).
 */
export function encodeMeetingUuid(uuid: string): string {
  requireUuid(uuid);
  const once = encodeURIComponent(uuid);
  return needsDoubleEncoding(uuid) ? encodeURIComponent(once) : once;
}

/**
 * The other encoding of the same UUID, or `undefined` when both coincide (no `/` at all). zoom.md §4.2
 * suggests one retry with it when Zoom answers 404 code 3001/3301 for a UUID containing `/`.
 */
export function alternateMeetingUuidEncoding(uuid: string): string | undefined {
  requireUuid(uuid);
  if (!uuid.includes("/")) return undefined;
  const once = encodeURIComponent(uuid);
  return needsDoubleEncoding(uuid) ? once : encodeURIComponent(once);
}
