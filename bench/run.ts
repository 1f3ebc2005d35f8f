/**
 * `npm run bench [-- part…]`: runs the benchmarks (all, or the named parts: ingest, relay, latency,
 * large, scale), stores each part's numbers in bench/results.json (a part run alone keeps the
 * others' last numbers) and writes docs/benchmarks.md with the chart beside it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runIngest } from "./ingest.js";
import { runLarge } from "./large.js";
import { runLatency } from "./latency.js";
import { describeMachine, loadAverage } from "./lib/machine.js";
import { pinToCpu } from "./lib/proc.js";
import { ROOT } from "./lib/processes.js";
import { sqliteCommitsPerSecond } from "./lib/sqlite-ceiling.js";
import { runRelay } from "./relay.js";
import { type BenchResults, CHART_FILE, type PartRecord, renderReport } from "./report.js";
import { runScale } from "./scale.js";

const PARTS = ["ingest", "relay", "latency", "large", "scale"] as const;
/** `npm run bench -- report`: re-render docs/benchmarks.md from bench/results.json, measure nothing. */
const REPORT_ONLY = "report";
type Part = (typeof PARTS)[number];

const RESULTS_FILE = join(ROOT, "bench", "results.json");
const DOC_FILE = join(ROOT, "docs", "benchmarks.md");

function parseParts(argv: string[]): Part[] | string {
  const names = argv.filter((a) => a !== "--");
  if (names.length === 0) return [...PARTS];
  const unknown = names.filter((n) => !(PARTS as readonly string[]).includes(n));
  if (unknown.length)
    return `unknown part(s): ${unknown.join(", ")}; choose from ${PARTS.join(", ")} (or ${REPORT_ONLY})`;
  return PARTS.filter((p) => names.includes(p));
}

function writeReport(results: BenchResults): void {
  const { markdown, chart } = renderReport(results);
  mkdirSync(join(ROOT, "docs"), { recursive: true });
  writeFileSync(DOC_FILE, markdown);
  if (chart) writeFileSync(join(ROOT, "docs", CHART_FILE), chart);
}

async function main(): Promise<number> {
  if (process.argv.slice(2).includes(REPORT_ONLY)) {
    writeReport(
      existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as BenchResults) : {},
    );
    process.stdout.write("bench: wrote docs/benchmarks.md from bench/results.json\n");
    return 0;
  }
  const parts = parseParts(process.argv.slice(2));
  if (typeof parts === "string") {
    process.stderr.write(`bench: ${parts}\n`);
    return 2;
  }
  const log = (line: string) => process.stdout.write(`${line}\n`);
  // The harness (load generator and fake servers) keeps CPU 0; servers under test get CPU 1.
  if (!pinToCpu(process.pid, 0)) log("taskset not available: processes are not pinned");
  const workDir = mkdtempSync(join(tmpdir(), "zoomgram-bench-"));
  log(`bench: ${parts.join(", ")}; logs of the processes under test in ${workDir}`);
  const machine = await describeMachine();
  const results: BenchResults = existsSync(RESULTS_FILE)
    ? (JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as BenchResults)
    : {};
  const started = Date.now();

  const runners: { [P in Part]: () => Promise<NonNullable<BenchResults[P]>["result"]> } = {
    ingest: async () => {
      const sqlite = { full: sqliteCommitsPerSecond("FULL"), normal: sqliteCommitsPerSecond("NORMAL") };
      log(
        `ingest: SQLite commits/s on this disk: ${sqlite.full.toFixed(0)} (FULL), ${sqlite.normal.toFixed(0)} (NORMAL)`,
      );
      return { ...(await runIngest({ workDir, log })), sqliteCommitsPerSecond: sqlite };
    },
    relay: () => runRelay({ workDir, log }),
    latency: () => runLatency({ workDir, log }),
    large: () => runLarge({ workDir, log }),
    scale: () => runScale({ workDir, log }),
  };

  let failed = 0;
  for (const part of parts) {
    const t0 = Date.now();
    const loadBefore = loadAverage();
    log(`== ${part} (load average ${loadBefore})`);
    const record: PartRecord<unknown> = {
      ranAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      wallMs: 0,
      load: [loadBefore, loadBefore],
      machine,
    };
    try {
      record.result = await runners[part]();
    } catch (error) {
      failed++;
      record.error = error instanceof Error ? error.message.split("\n")[0] : String(error);
      log(`${part} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    record.wallMs = Date.now() - t0;
    record.load[1] = loadAverage();
    (results as Record<Part, PartRecord<unknown>>)[part] = record;
    log(`== ${part} done in ${(record.wallMs / 1000).toFixed(1)} s`);
    // Written after every part, so an interrupted run keeps what it measured.
    writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    writeReport(results);
  }
  if (parts.length === PARTS.length) {
    results.fullRun = {
      startedAt: new Date(started).toISOString().replace(/\.\d+Z$/, "Z"),
      wallMs: Date.now() - started,
    };
    writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    writeReport(results);
  }
  log(`bench: done in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote docs/benchmarks.md`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
