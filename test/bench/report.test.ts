import { describe, expect, it } from "vitest";
import type { IngestRun } from "../../bench/ingest.js";
import type { MachineInfo } from "../../bench/lib/machine.js";
import type { LatencySummary } from "../../bench/lib/stats.js";
import { type BenchResults, renderReport } from "../../bench/report.js";

const machine: MachineInfo = {
  cpu: "Test CPU",
  cores: 2,
  memoryGiB: 24,
  kernel: "Linux 6 x64",
  node: "v20",
  sqlite: "3.50",
  postgres: "17",
  ffmpeg: "ffmpeg N",
  curl: "curl 7.88",
  taskset: true,
};
const lat = (p50: number, p99: number): LatencySummary => ({
  count: 10,
  min: p50,
  mean: p50,
  p50,
  p90: p99,
  p99,
  max: p99,
});
const run = (rate: number | undefined, throughput: number, p99: number): IngestRun => ({
  mode: rate === undefined ? "max" : "rate",
  ...(rate === undefined ? { concurrency: 32 } : { offeredRate: rate }),
  sent: 100,
  ok: 100,
  errors: 0,
  statusCounts: { "200": 100 },
  elapsedMs: 1000,
  throughput,
  latency: lat(p99 / 4, p99),
  clientCpuPct: 10,
  serverCpuPct: 40,
});
const part = <T>(result: T) => ({
  result,
  ranAt: "2026-11-25T12:00:00Z",
  wallMs: 1000,
  load: [0.5, 0.7] as [number, number],
  machine,
});

describe("bench report", () => {
  it("says which parts have not run and describes the machine", () => {
    const { markdown, chart } = renderReport({
      latency: part({
        meetings: 100,
        fileBytes: 250_000,
        ack: lat(5, 9),
        ackToFirstByte: lat(40, 90),
        ackToDelivered: lat(45, 95),
      }),
    });
    expect(markdown).toContain("| CPU | Test CPU × 2 |");
    expect(markdown.match(/_Not run yet/g)).toHaveLength(4);
    expect(markdown).toContain("| acknowledged → first byte p50 ≤ 100 ms | 40.0 ms | **met** |");
    expect(markdown).not.toContain("Why it misses");
    expect(chart).toBeUndefined();
  });

  it("renders ingest with the ratio to the bare server, a chart, and a reason for each missed goal", () => {
    const results: BenchResults = {
      ingest: part({
        rates: [200, 1000],
        durationMs: 5000,
        maxConcurrencies: [32, 128],
        requestBytes: 3000,
        sqliteCommitsPerSecond: { full: 600, normal: 20_000 },
        targets: [
          {
            name: "zoomgram-sqlite",
            serverRss: 1,
            runs: [run(200, 200, 8), run(1000, 400, 3000), run(undefined, 400, 80)],
          },
          {
            name: "zoomgram-postgres",
            serverRss: 1,
            runs: [run(200, 200, 9), run(1000, 1000, 30), run(undefined, 2000, 30)],
          },
          {
            name: "bare",
            serverRss: 1,
            runs: [run(200, 200, 1), run(1000, 1000, 2), run(undefined, 4000, 10)],
          },
        ],
      }),
    };
    const { markdown, chart } = renderReport(results);
    expect(markdown).toContain(
      "| p99 ≤ 50 ms at 1,000 requests/s on SQLite | 3 000 ms (answered 400/s) | **missed** |",
    );
    expect(markdown).toContain("400/s of 4 000/s = 10.00% | **missed** |");
    expect(markdown).toContain("2 000/s of 4 000/s = 50.00% | **met** |");
    expect(markdown).toContain("**Why it misses.**");
    expect(markdown).toContain("![Webhook latency against offered load](benchmarks-ingest.svg)");
    expect(chart).toContain("Zoomgram, SQLite p99");
    expect(chart?.match(/<path /g)).toHaveLength(6);
  });

  it("records a part that failed, with its reason", () => {
    const { markdown } = renderReport({
      scale: {
        ranAt: "2026-11-25T12:00:00Z",
        wallMs: 5,
        load: [1, 1],
        machine,
        error: "PostgreSQL is not reachable",
      },
    });
    expect(markdown).toContain("**This part did not complete:** PostgreSQL is not reachable");
  });
});
