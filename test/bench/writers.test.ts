import { describe, expect, it } from "vitest";
import { mb, ms, num, ratio, table } from "../../bench/lib/markdown.js";
import { parseStatPpid, parseStatTicks, parseStatus } from "../../bench/lib/proc.js";
import { linearTicks, lineChart, logTicks } from "../../bench/lib/svg-chart.js";

describe("bench markdown writer", () => {
  it("writes a table with alignment, escaping pipes and newlines, and a dash for missing values", () => {
    expect(
      table(
        ["name", "value"],
        [
          ["a|b", 1],
          ["line\nbreak", null],
          ["nan", Number.NaN],
        ],
        ["l", "r"],
      ),
    ).toBe(
      ["| name | value |", "| --- | ---: |", "| a\\|b | 1 |", "| line break | – |", "| nan | – |"].join("\n"),
    );
  });

  it("formats numbers, milliseconds, megabytes and ratios", () => {
    expect(num(1234567.891, 1)).toBe("1 234 567.9");
    expect(num(-4321)).toBe("-4 321");
    expect(num(undefined)).toBe("–");
    expect(ms(0.8432)).toBe("0.84 ms");
    expect(ms(12.34)).toBe("12.3 ms");
    expect(ms(1234.4)).toBe("1 234 ms");
    expect(mb(104_857_600)).toBe("104.9 MB");
    expect(mb(2 ** 30, "MiB")).toBe("1 024.0 MiB");
    expect(ratio(1.4066)).toBe("1.41×");
    expect(ratio(Number.POSITIVE_INFINITY)).toBe("–");
  });
});

describe("bench SVG chart", () => {
  it("picks 1-2-5 log ticks and round linear ticks", () => {
    expect(logTicks(1, 1000)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    expect(logTicks(0.1, 1)).toEqual([0.1, 0.2, 0.5, 1]);
    expect(linearTicks(2000)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(linearTicks(2100)).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    expect(linearTicks(0)).toEqual([0]);
  });

  it("draws one path per multi-point series, a marker per point, a legend entry each, escaped text", () => {
    const svg = lineChart({
      title: "Latency <&> load",
      xLabel: "rate",
      yLabel: "ms",
      series: [
        {
          name: "A p99",
          color: "#123456",
          points: [
            { x: 200, y: 1 },
            { x: 1000, y: 40 },
            { x: 2000, y: 900 },
          ],
        },
        {
          name: "B p50",
          color: "#654321",
          dashed: true,
          points: [
            { x: 200, y: 0.5 },
            { x: 2000, y: 3 },
          ],
        },
        // Zero or negative latencies cannot sit on a log scale: dropped, not drawn at -Infinity.
        { name: "C", color: "#000000", points: [{ x: 500, y: 0 }] },
      ],
      reference: { y: 50, label: "50 ms goal" },
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("Latency &lt;&amp;&gt; load");
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(5);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain("50 ms goal");
    for (const name of ["A p99", "B p50", "C"]) expect(svg).toContain(`>${name}</text>`);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

describe("bench /proc parsers", () => {
  it("reads VmRSS and VmHWM in bytes", () => {
    const status = "Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n";
    expect(parseStatus(status)).toEqual({ rss: 102400 * 1024, hwm: 204800 * 1024 });
    expect(parseStatus("Name:\tzombie\n")).toBeUndefined();
  });

  it("reads CPU ticks and the parent pid past a command name with spaces and parentheses", () => {
    const fields = ["S", "4242", "1", "1", "0", "-1", "0", "0", "0", "0", "0", "150", "50", "0", "0"];
    const stat = `1234 (node (bench) x) ${fields.join(" ")}`;
    expect(parseStatTicks(stat)).toBe(200);
    expect(parseStatPpid(stat)).toBe(4242);
  });
});
