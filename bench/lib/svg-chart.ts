/**
 * A dependency-free SVG line chart for "latency against load": x is the offered rate (linear),
 * y the latency in ms on a log10 scale (latencies span from under a millisecond to seconds once a
 * server saturates). Pure: data in, SVG text out.
 */

export interface ChartPoint {
  x: number;
  y: number;
}

export interface ChartSeries {
  name: string;
  color: string;
  /** Dashed line (e.g. p50 beside a solid p99). */
  dashed?: boolean;
  points: readonly ChartPoint[];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  width?: number;
  height?: number;
  /** Horizontal reference line, e.g. a latency target. */
  reference?: { y: number; label: string };
}

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** 1-2-5 ticks on a log scale covering [lo, hi]. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  const start = Math.floor(Math.log10(lo));
  const end = Math.ceil(Math.log10(hi));
  for (let e = start; e <= end; e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(Number(v.toPrecision(3)));
    }
  }
  return ticks;
}

/** About `count` round ticks on a linear scale from 0 to at least `hi`. */
export function linearTicks(hi: number, count = 5): number[] {
  if (!(hi > 0)) return [0];
  const raw = hi / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(6)));
  if ((ticks.at(-1) ?? 0) < hi) ticks.push(Number(((ticks.at(-1) ?? 0) + step).toPrecision(6)));
  return ticks;
}

const fmtTick = (v: number) => (v >= 1000 ? `${v / 1000}k` : v >= 1 ? String(v) : String(v));

export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 840;
  const height = options.height ?? 420;
  const m = { left: 70, right: 250, top: 40, bottom: 56 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const pts = options.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && p.y > 0);
  const refY = options.reference?.y;
  const ys = [...pts.map((p) => p.y), ...(refY ? [refY] : [])];
  const yLo = ys.length ? 10 ** Math.floor(Math.log10(Math.min(...ys))) : 0.1;
  const yHi = ys.length ? 10 ** Math.ceil(Math.log10(Math.max(...ys))) : 1000;
  const xTicks = linearTicks(pts.length ? Math.max(...pts.map((p) => p.x)) : 1);
  const xHi = xTicks.at(-1) ?? 1;
  const sx = (x: number) => m.left + (x / xHi) * pw;
  const sy = (y: number) =>
    m.top + ph - ((Math.log10(y) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo) || 1)) * ph;
  const r = (v: number) => v.toFixed(1);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${width / 2 - m.right / 2 + m.left / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  );
  for (const t of logTicks(yLo, yHi)) {
    const y = r(sy(t));
    out.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${fmtTick(t)}</text>`,
    );
  }
  for (const t of xTicks) {
    const x = r(sx(t));
    out.push(
      `<line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}" stroke="#f0f0f0"/>`,
      `<text x="${x}" y="${m.top + ph + 18}" text-anchor="middle" fill="#444">${fmtTick(t)}</text>`,
    );
  }
  out.push(
    `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`,
    `<text x="${m.left + pw / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  if (options.reference && refY) {
    const y = r(sy(refY));
    out.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="#d62728" stroke-dasharray="2 3"/>`,
      `<text x="${m.left + pw - 4}" y="${Number(y) - 5}" text-anchor="end" fill="#d62728">${escapeXml(options.reference.label)}</text>`,
    );
  }
  options.series.forEach((s, i) => {
    const points = s.points.filter((p) => Number.isFinite(p.x) && p.y > 0).sort((a, b) => a.x - b.x);
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    if (points.length > 1) {
      const d = points.map((p, k) => `${k === 0 ? "M" : "L"}${r(sx(p.x))} ${r(sy(p.y))}`).join(" ");
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    }
    for (const p of points) {
      out.push(`<circle cx="${r(sx(p.x))}" cy="${r(sy(p.y))}" r="3" fill="${s.color}"/>`);
    }
    const ly = m.top + 8 + i * 20;
    const lx = m.left + pw + 14;
    out.push(
      `<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
