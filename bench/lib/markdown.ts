/** A small Markdown writer for the generated docs/benchmarks.md: tables and number formatting. */

export type Cell = string | number | null | undefined;

/** `|`-tables; `align` per column (`r` for numbers). Pipes and newlines in cells are escaped. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  align?: readonly ("l" | "r")[],
): string {
  const esc = (c: Cell) =>
    c === null || c === undefined || (typeof c === "number" && Number.isNaN(c))
      ? "–"
      : String(c).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  const sep = headers.map((_, i) => (align?.[i] === "r" ? "---:" : "---"));
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(headers.map((h) => esc(h))),
    line(sep),
    ...rows.map((r) => line(headers.map((_, i) => esc(r[i])))),
  ].join("\n");
}

/** Fixed decimals, with a thin grouping for thousands: 12345.6 → "12 345.6" (decimals=1). */
export function num(value: number | null | undefined, decimals = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const fixed = Math.abs(value).toFixed(decimals);
  const [int = "0", frac] = fixed.split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return `${value < 0 ? "-" : ""}${grouped}${frac ? `.${frac}` : ""}`;
}

/** Milliseconds for humans: "0.84 ms", "12.3 ms", "1 234 ms". */
export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const a = Math.abs(value);
  return `${num(value, a < 10 ? 2 : a < 100 ? 1 : 0)} ms`;
}

/** Bytes as MB (10^6) or MiB, one decimal: 104857600 → "104.9 MB". */
export function mb(bytes: number | null | undefined, unit: "MB" | "MiB" = "MB"): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "–";
  return `${num(bytes / (unit === "MB" ? 1e6 : 1024 * 1024), 1)} ${unit}`;
}

/** A ratio like "0.42×". */
export function ratio(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return `${num(value, decimals)}×`;
}

/** "✅ met" / "❌ missed" against a target, with the target spelled out. */
export function verdict(met: boolean | undefined, target: string): string {
  if (met === undefined) return `– (target ${target})`;
  return `${met ? "met" : "missed"} (target ${target})`;
}
