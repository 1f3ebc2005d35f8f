import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseConfig } from "../src/config.js";
import { openDatabase } from "../src/db/database.js";
import { startFakes } from "./lib/fixtures.js";
import { drainInbox } from "./lib/inbox.js";
import { type LoadRequest, type LoadResult, runFixedRate, runMax } from "./lib/loadgen.js";
import { createPostgresDatabase } from "./lib/postgres.js";
import { cpuSeconds, processesCpuSeconds, readMemory } from "./lib/proc.js";
import { type Child, startBareServer, startZoomgram } from "./lib/processes.js";
import { type BenchService, prepareService, signedHeaders, WEBHOOK_SECRET } from "./lib/setup.js";

export interface IngestRun extends LoadResult {
  /** CPU the server process used, % of one core. */
  serverCpuPct: number | undefined;
  /** CPU every PostgreSQL process used meanwhile, % of one core (the PostgreSQL runs). */
  databaseCpuPct?: number;
}

export interface IngestTarget {
  name: "zoomgram-sqlite" | "zoomgram-postgres" | "bare";
  runs: IngestRun[];
  /** Server RSS after the runs, bytes. */
  serverRss: number | undefined;
  /** Zoomgram: the inbox processor turning stored events into rows and jobs, after the runs. */
  processing?: InboxProcessing;
}

export interface InboxProcessing {
  events: number;
  seconds: number;
  perSecond: number;
  batchSize: number;
}

export interface IngestResult {
  rates: number[];
  durationMs: number;
  /** The closed-loop depths tried for the maximum; each target's best is its maximum. */
  maxConcurrencies: number[];
  requestBytes: number;
  targets: IngestTarget[];
}

export interface IngestOptions {
  rates?: number[];
  durationMs?: number;
  maxConcurrencies?: number[];
  /** Stored events the inbox processor is timed on (the oldest; the rest are deleted). */
  processEvents?: number;
  workDir: string;
  log: (line: string) => void;
}

/** A `recording.completed` body template whose meeting UUID and file ids are replaced per request. */
function eventTemplate(fakes: Awaited<ReturnType<typeof startFakes>>): (i: number) => string {
  const uuid = "TEMPLATEuuid0000000000==";
  const m = fakes.zoom.addMeeting({
    uuid,
    hostUserId: fakes.user.id,
    topic: "Weekly sync",
    start_time: "2026-03-02T10:00:00Z",
    duration: 45,
    files: [
      { file_type: "M4A", recording_type: "audio_only", bytes: "m4a" },
      { file_type: "MP4", recording_type: "shared_screen_with_speaker_view", bytes: "mp4" },
      { file_type: "TRANSCRIPT", recording_type: "audio_transcript", bytes: "WEBVTT\n" },
    ],
  });
  let json = JSON.stringify(fakes.zoom.buildEvent("recording.completed", uuid));
  json = json.split(uuid).join("@@U@@");
  m.files.forEach((f, k) => {
    json = json.split(f.id).join(`@@F${k}@@`);
  });
  const run = Date.now().toString(36);
  return (i) => {
    const tag = `${run}-${i}`;
    const u = `bench${tag}`.padEnd(22, "A").concat("==");
    return json.replaceAll("@@U@@", u).replace(/@@F(\d)@@/g, (_, k: string) => `file${k}-${tag}`);
  };
}

/**
 * After an overloaded run the server may still be working through requests the generator gave up
 * on: wait (at most 15 s) until it uses under a fifth of a core, so the next run starts clean.
 */
async function settle(child: Child): Promise<void> {
  const deadline = Date.now() + 15_000;
  let before = cpuSeconds(child.pid) ?? 0;
  while (Date.now() < deadline) {
    await sleep(250);
    const now = cpuSeconds(child.pid) ?? 0;
    if ((now - before) / 0.25 < 0.2) return;
    before = now;
  }
}

/** A run's latency, errors and CPU, as the progress log prints them. */
function runFigures(run: IngestRun): string {
  const database =
    run.databaseCpuPct === undefined ? "" : `, PostgreSQL CPU ${run.databaseCpuPct.toFixed(0)}%`;
  return `p50 ${run.latency.p50.toFixed(2)} ms, p99 ${run.latency.p99.toFixed(2)} ms, errors ${run.errors}, server CPU ${run.serverCpuPct?.toFixed(0)}%, client CPU ${run.clientCpuPct.toFixed(0)}%${database}`;
}

async function measure(
  child: Child,
  url: string,
  make: (i: number) => LoadRequest,
  o: Required<Pick<IngestOptions, "rates" | "durationMs" | "maxConcurrencies">>,
  log: (line: string) => void,
  label: string,
): Promise<IngestTarget["runs"]> {
  const runs: IngestRun[] = [];
  const postgres = label === "postgres";
  const withCpu = async (fn: () => Promise<LoadResult>): Promise<IngestRun> => {
    const c0 = cpuSeconds(child.pid);
    const d0 = postgres ? processesCpuSeconds("postgres") : 0;
    const t0 = performance.now();
    const r = await fn();
    const c1 = cpuSeconds(child.pid);
    const d1 = postgres ? processesCpuSeconds("postgres") : 0;
    const wall = (performance.now() - t0) / 1000;
    return {
      ...r,
      serverCpuPct: c0 !== undefined && c1 !== undefined ? ((c1 - c0) / wall) * 100 : undefined,
      ...(postgres ? { databaseCpuPct: ((d1 - d0) / wall) * 100 } : {}),
    };
  };
  // Warm-up (JIT, connection pools, SQLite page cache); not reported.
  await runFixedRate({ url, ratePerSecond: 100, durationMs: 2000, make });
  await settle(child);
  // Maximum first, on a fresh server: after an overloaded fixed-rate run the server is still
  // working off what it was sent, and a closed loop behind that backlog would understate it.
  // Each depth on its own; the best is the maximum (a deeper queue lets group commit fill larger
  // batches; a shallower one costs the generator less per request).
  let max: IngestRun | undefined;
  const maxRuns: IngestRun[] = [];
  for (const concurrency of o.maxConcurrencies) {
    const run = await withCpu(() => runMax({ url, concurrency, durationMs: o.durationMs, make }));
    log(`  ${label} max, ${concurrency} in flight: ${run.throughput.toFixed(0)}/s, ${runFigures(run)}`);
    maxRuns.push(run);
    if (!max || run.throughput > max.throughput) max = run;
    await settle(child);
  }
  if (!max) throw new Error("no maximum: maxConcurrencies is empty");
  // Twice the maximum: does the server still answer about its maximum in time (no collapse)?
  const twice = Math.round((2 * max.throughput) / 100) * 100;
  const rates = [...o.rates, ...(twice > 0 && !o.rates.includes(twice) ? [twice] : [])];
  for (const rate of rates) {
    const r = await withCpu(() => runFixedRate({ url, ratePerSecond: rate, durationMs: o.durationMs, make }));
    log(`  ${label} ${rate}/s: ${r.throughput.toFixed(0)}/s ok, ${runFigures(r)}`);
    runs.push(r);
    await settle(child);
  }
  runs.push(...maxRuns);
  return runs;
}

export async function runIngest(opts: IngestOptions): Promise<IngestResult> {
  const o = {
    rates: opts.rates ?? [200, 500, 1000, 2000],
    durationMs: opts.durationMs ?? 5000,
    maxConcurrencies: opts.maxConcurrencies ?? [32, 128],
  };
  const fakes = await startFakes();
  const template = eventTemplate(fakes);
  const make = (i: number): LoadRequest => {
    const body = template(i);
    return { headers: signedHeaders(body), body };
  };
  const targets: IngestTarget[] = [];
  try {
    for (const dialect of ["sqlite", "postgres"] as const) {
      const pgDb = dialect === "postgres" ? await createPostgresDatabase("ingest") : undefined;
      let service: BenchService | undefined;
      let child: Child | undefined;
      try {
        // The request path alone: the web role appends to the inbox and no worker runs beside it, so
        // admission control (503 after WEBHOOK_MAX_BACKLOG_SECONDS of backlog) is set out of reach
        // here; the inbox processor's own rate is measured after the runs, from what they stored.
        service = await prepareService(fakes, {
          name: "ingest",
          ...(pgDb ? { databaseUrl: pgDb.url } : {}),
          extra: { WEBHOOK_MAX_BACKLOG_SECONDS: "3600" },
        });
        child = await startZoomgram({
          role: "web",
          env: service.env,
          logFile: join(opts.workDir, `ingest-${dialect}.log`),
          cpu: 1,
        });
        const url = `http://127.0.0.1:${child.port}/webhooks/zoom`;
        const first = await fetch(url, {
          method: "POST",
          ...(() => {
            const b = template(-1);
            return { headers: signedHeaders(b), body: b };
          })(),
        });
        if (first.status !== 200) throw new Error(`Zoomgram answered ${first.status}: ${await first.text()}`);
        opts.log(`ingest: Zoomgram web on ${dialect} (pid ${child.pid}, CPU 1)`);
        const runs = await measure(child, url, make, o, opts.log, dialect);
        const serverRss = readMemory(child.pid)?.rss;
        await child.stop();
        child = undefined;
        const processing = await measureProcessing(service.env, opts.processEvents ?? 10_000);
        opts.log(
          `  ${dialect} inbox processing: ${processing.events} events in ${processing.seconds.toFixed(2)} s = ${processing.perSecond.toFixed(0)}/s (batches of ${processing.batchSize}, harness CPU)`,
        );
        targets.push({ name: `zoomgram-${dialect}`, runs, serverRss, processing });
      } finally {
        await child?.stop();
        await pgDb?.drop();
        service?.remove();
      }
    }
    const bare = await startBareServer({
      secret: WEBHOOK_SECRET,
      logFile: join(opts.workDir, "ingest-bare.log"),
      cpu: 1,
    });
    try {
      opts.log(`ingest: bare node:http HMAC server (pid ${bare.pid}, CPU 1)`);
      const url = `http://127.0.0.1:${bare.port}/webhooks/zoom`;
      const runs = await measure(bare, url, make, o, opts.log, "bare");
      targets.push({ name: "bare", runs, serverRss: readMemory(bare.pid)?.rss });
    } finally {
      await bare.stop();
    }
  } finally {
    await fakes.close();
  }
  return { ...o, requestBytes: Buffer.byteLength(template(0)), targets };
}

/**
 * The inbox processor's rate: keeps the oldest `events` of what the runs stored, then times one
 * worker-role app (in this process, on the harness CPU; no job runs) turning them into audit rows,
 * meetings, files, deliveries and jobs, a batch per transaction.
 */
async function measureProcessing(env: Record<string, string>, events: number): Promise<InboxProcessing> {
  const parsed = parseConfig(env);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  const db = await openDatabase(parsed.config.database.url);
  try {
    const cutoff = await db.kysely
      .selectFrom("webhook_inbox")
      .select("id")
      .orderBy("id")
      .offset(events - 1)
      .limit(1)
      .executeTakeFirst();
    if (cutoff) await db.kysely.deleteFrom("webhook_inbox").where("id", ">", cutoff.id).execute();
  } finally {
    await db.close();
  }
  const { events: n, seconds, batchSize } = await drainInbox(env);
  return { events: n, seconds, perSecond: n / seconds, batchSize };
}
