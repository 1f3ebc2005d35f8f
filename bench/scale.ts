/**
 * Benchmark 5 — scale. One against two `worker` processes on PostgreSQL draining 1,000
 * deliver-recording jobs, every fake Zoom and Telegram call taking 50 ms. The jobs are made the
 * real way (1,000 signed webhooks to a `web` process), then held back (run_at in the future) until
 * every worker is up and LISTENing, and released at once: the drain time runs from the release to
 * the last job's finished_at.
 */
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { JOBS_CHANNEL } from "../src/jobs/pg-notifier.js";
import { addAudioMeeting, meetingUuid, startFakes } from "./lib/fixtures.js";
import { drainInbox } from "./lib/inbox.js";
import { runMax } from "./lib/loadgen.js";
import { makeShortAudio } from "./lib/media.js";
import { createPostgresDatabase } from "./lib/postgres.js";
import { cpuSeconds } from "./lib/proc.js";
import { type Child, startZoomgram } from "./lib/processes.js";
import { seedConnection, signedHeaders, zoomgramEnv } from "./lib/setup.js";

export interface ScaleRun {
  workers: number;
  jobs: number;
  completed: number;
  dead: number;
  drainMs: number;
  jobsPerSecond: number;
  /** Fake Zoom + Telegram requests per job (each takes latencyMs). */
  callsPerJob: number;
  /** CPU each worker process used while draining, % of one core. */
  workerCpuPct: number[];
}

export interface ScaleResult {
  jobs: number;
  latencyMs: number;
  concurrencyPerWorker: number;
  runs: ScaleRun[];
  speedup: number;
}

const KIND = "deliver-recording";

async function one(
  workers: number,
  jobs: number,
  fakes: Awaited<ReturnType<typeof startFakes>>,
  audioPath: string,
  workDir: string,
  log: (line: string) => void,
): Promise<ScaleRun> {
  const db = await createPostgresDatabase(`scale${workers}`);
  const client = new pg.Client({ connectionString: db.url });
  const children: Child[] = [];
  try {
    await seedConnection(db.url, fakes.zoom, fakes.user);
    await client.connect();
    const env = zoomgramEnv({
      databaseUrl: db.url,
      zoom: fakes.zoom,
      tg: fakes.tg,
      mediaDir: join(workDir, "scale-media"),
    });
    // 1. The jobs, made the real way: signed webhooks to a `web` process (stored in the inbox),
    //    then the inbox processed (here in the harness, so no worker claims a job yet). No worker
    //    drains the inbox while the webhooks arrive, so admission control is set out of reach.
    const web = await startZoomgram({
      role: "web",
      env: { ...env, WEBHOOK_MAX_BACKLOG_SECONDS: "3600" },
      logFile: join(workDir, `scale-${workers}-web.log`),
    });
    try {
      const events = Array.from({ length: jobs }, (_, i) => {
        const uuid = addAudioMeeting(fakes, {
          uuid: meetingUuid(`scale${workers}w`),
          path: audioPath,
          durationMinutes: 1,
          topic: `Scale ${i}`,
        });
        return JSON.stringify(fakes.zoom.buildEvent("recording.completed", uuid));
      });
      let next = 0;
      const ingest = await runMax({
        url: `http://127.0.0.1:${web.port}/webhooks/zoom`,
        concurrency: 8,
        durationMs: 120_000,
        make: () => {
          const body = events[next++] as string;
          return { headers: signedHeaders(body), body };
        },
        until: () => next >= events.length,
      });
      if (ingest.ok !== jobs)
        throw new Error(
          `only ${ingest.ok} of ${jobs} webhooks were accepted: ${JSON.stringify(ingest.statusCounts)}`,
        );
    } finally {
      await web.stop();
    }
    await drainInbox(env);
    // 2. Hold them back until the workers are ready.
    const held = await client.query("update jobs set run_at = $1 where kind = $2 and state = 'queued'", [
      Date.now() + 3_600_000,
      KIND,
    ]);
    if (held.rowCount !== jobs)
      throw new Error(`expected ${jobs} queued ${KIND} jobs, found ${held.rowCount}`);
    for (let w = 0; w < workers; w++) {
      children.push(
        await startZoomgram({
          role: "worker",
          env,
          logFile: join(workDir, `scale-${workers}-worker${w}.log`),
        }),
      );
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await client.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%'",
      );
      if ((r.rows[0]?.n ?? 0) >= workers) break;
      if (Date.now() > deadline) throw new Error("workers did not start LISTENing");
      await sleep(50);
    }
    await sleep(500); // let start-up work (periodic sweeps, first empty claim) settle
    // 3. Release and drain.
    const cpu0 = children.map((c) => cpuSeconds(c.pid) ?? 0);
    const releasedAt = Date.now();
    await client.query("update jobs set run_at = $1 where kind = $2 and state = 'queued'", [
      releasedAt,
      KIND,
    ]);
    await client.query(`select pg_notify('${JOBS_CHANNEL}', '')`);
    let completed = 0;
    let dead = 0;
    const until = Date.now() + 10 * 60_000;
    for (;;) {
      const r = await client.query(
        "select state, count(*)::int as n from jobs where kind = $1 group by state",
        [KIND],
      );
      const by = Object.fromEntries(r.rows.map((row: { state: string; n: number }) => [row.state, row.n]));
      completed = by.completed ?? 0;
      dead = by.dead ?? 0;
      if (completed + dead >= jobs) break;
      if (Date.now() > until) throw new Error(`drain timed out: ${JSON.stringify(by)}`);
      await sleep(100);
    }
    const last = await client.query("select max(finished_at)::bigint as t from jobs where kind = $1", [KIND]);
    const drainMs = Number(last.rows[0]?.t) - releasedAt;
    const cpu1 = children.map((c) => cpuSeconds(c.pid) ?? 0);
    const wall = (Date.now() - releasedAt) / 1000;
    const zoomCalls = fakes.zoom.requests.filter((r) => r.at >= releasedAt).length;
    const telegramCalls = fakes.tg.calls.filter((c) => c.startedAt >= releasedAt).length;
    const run: ScaleRun = {
      workers,
      jobs,
      completed,
      dead,
      drainMs,
      jobsPerSecond: completed / (drainMs / 1000),
      callsPerJob: (zoomCalls + telegramCalls) / jobs,
      workerCpuPct: cpu1.map((c, i) => ((c - (cpu0[i] ?? 0)) / wall) * 100),
    };
    log(
      `  scale ${workers} worker(s): ${completed} jobs in ${(drainMs / 1000).toFixed(1)} s (${run.jobsPerSecond.toFixed(1)}/s), dead ${dead}, ${run.callsPerJob.toFixed(1)} calls/job, worker CPU ${run.workerCpuPct.map((c) => c.toFixed(0)).join("% + ")}%`,
    );
    return run;
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await client.end().catch(() => undefined);
    await db.drop();
  }
}

export async function runScale(opts: {
  jobs?: number;
  latencyMs?: number;
  workDir: string;
  log: (line: string) => void;
}): Promise<ScaleResult> {
  const jobs = opts.jobs ?? 1000;
  const latencyMs = opts.latencyMs ?? 50;
  const audio = await makeShortAudio(30);
  const fakes = await startFakes({ latencyMs });
  try {
    const runs: ScaleRun[] = [];
    for (const workers of [1, 2])
      runs.push(await one(workers, jobs, fakes, audio.path, opts.workDir, opts.log));
    const [a, b] = runs as [ScaleRun, ScaleRun];
    return { jobs, latencyMs, concurrencyPerWorker: 4, runs, speedup: b.jobsPerSecond / a.jobsPerSecond };
  } finally {
    await fakes.close();
  }
}
