/**
 * The in-repo HTTP load generator: `node:http` with a keep-alive agent, each request built (and
 * signed) by the caller at the moment it is sent.
 *
 * - `runFixedRate`: open loop. Requests leave at a fixed rate whatever the server does, and each
 *   latency counts from the request's INTENDED send time (see schedule.ts), so queueing in the
 *   client or the server shows up in the numbers instead of silently lowering the rate.
 * - `runMax`: closed loop with `concurrency` requests in flight, for the maximum throughput.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { dueCount, intendedOffsetMs, totalRequests } from "./schedule.js";
import { type LatencySummary, summarize } from "./stats.js";

export interface LoadRequest {
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  mode: "rate" | "max";
  /** Offered rate (fixed-rate runs). */
  offeredRate?: number;
  concurrency?: number;
  sent: number;
  /** 2xx answers. */
  ok: number;
  /** Non-2xx answers, timeouts and connection errors. */
  errors: number;
  statusCounts: Record<string, number>;
  /** From the first send to the last answer. */
  elapsedMs: number;
  /** 2xx answers per second over `elapsedMs`. */
  throughput: number;
  /** Of 2xx answers, in ms. */
  latency: LatencySummary;
  /** CPU the generator's own process used, in % of one core. */
  clientCpuPct: number;
  /**
   * Fixed-rate runs: how late the generator itself handed each request to its HTTP agent, after
   * its intended send time, in ms (a busy generator's lateness counts against the server).
   */
  sendLag?: LatencySummary;
}

interface Common {
  url: string;
  /** Builds request `i`; called right before it is sent. */
  make: (index: number) => LoadRequest;
  /** Per-request deadline (ms after it was due); a timeout counts as an error. Default 5 s. */
  timeoutMs?: number;
}

export interface FixedRateOptions extends Common {
  ratePerSecond: number;
  durationMs: number;
  /** Keep-alive sockets at most. Default 256. */
  connections?: number;
}

export interface MaxOptions extends Common {
  concurrency: number;
  durationMs: number;
  /** Stop sending once this returns true (e.g. a fixed list of requests is used up). */
  until?: () => boolean;
}

type Outcome = { ok: true; status: number } | { ok: false; status: number | string };

/**
 * Sends one request; `remainingMs` is how long it may still take (its deadline counts from when it
 * was due, so a request stuck in the agent's queue times out too and a run always ends).
 */
function send(
  agent: http.Agent,
  target: URL,
  req: LoadRequest,
  remainingMs: number,
  done: (o: Outcome) => void,
): void {
  let settled = false;
  const finish = (o: Outcome) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    done(o);
  };
  const body = Buffer.from(req.body);
  const r = http.request(
    {
      agent,
      host: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      method: "POST",
      headers: { ...req.headers, "content-length": String(body.length) },
    },
    (res) => {
      const status = res.statusCode ?? 0;
      res.on("end", () =>
        finish(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status }),
      );
      res.on("error", () => finish({ ok: false, status: "response_error" }));
      res.resume();
    },
  );
  const timer = setTimeout(
    () => {
      finish({ ok: false, status: "timeout" });
      r.destroy();
    },
    Math.max(0, remainingMs),
  );
  r.on("error", (e: NodeJS.ErrnoException) => finish({ ok: false, status: e.code ?? "error" }));
  r.end(body);
}

const cpuPct = (start: NodeJS.CpuUsage, wallMs: number) => {
  const d = process.cpuUsage(start);
  return wallMs > 0 ? ((d.user + d.system) / 1000 / wallMs) * 100 : 0;
};

export async function runFixedRate(o: FixedRateOptions): Promise<LoadResult> {
  const target = new URL(o.url);
  const total = totalRequests(o.ratePerSecond, o.durationMs);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections ?? 256 });
  const timeoutMs = o.timeoutMs ?? 5_000;
  const latencies = new Float64Array(total);
  const lags = new Float64Array(total);
  const statusCounts: Record<string, number> = {};
  let okCount = 0;
  let errors = 0;
  let answered = 0;
  let sent = 0;
  let lastAnswerAt = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();

  await new Promise<void>((resolve) => {
    const onAnswer = (index: number) => (out: Outcome) => {
      const t = performance.now();
      lastAnswerAt = t;
      statusCounts[String(out.status)] = (statusCounts[String(out.status)] ?? 0) + 1;
      if (out.ok) latencies[okCount++] = t - (start + intendedOffsetMs(index, o.ratePerSecond));
      else errors++;
      if (++answered === total) resolve();
    };
    const tick = () => {
      const due = dueCount(performance.now() - start, o.ratePerSecond, total);
      while (sent < due) {
        const i = sent++;
        const dueAt = start + intendedOffsetMs(i, o.ratePerSecond);
        const now = performance.now();
        lags[i] = now - dueAt;
        send(agent, target, o.make(i), dueAt + timeoutMs - now, onAnswer(i));
      }
      if (sent < total) setTimeout(tick, 1);
    };
    if (total === 0) resolve();
    else tick();
  });
  const elapsedMs = lastAnswerAt - start;
  agent.destroy();
  return {
    mode: "rate",
    offeredRate: o.ratePerSecond,
    sent,
    ok: okCount,
    errors,
    statusCounts,
    elapsedMs,
    throughput: elapsedMs > 0 ? okCount / (elapsedMs / 1000) : 0,
    latency: summarize(latencies.subarray(0, okCount)),
    clientCpuPct: cpuPct(cpu0, elapsedMs),
    sendLag: summarize(lags.subarray(0, sent)),
  };
}

export async function runMax(o: MaxOptions): Promise<LoadResult> {
  const target = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  let lastAnswerAt = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + o.durationMs;

  const loop = () =>
    new Promise<void>((resolve) => {
      const next = () => {
        if (performance.now() >= deadline || o.until?.()) {
          resolve();
          return;
        }
        const sentAt = performance.now();
        send(agent, target, o.make(sent++), o.timeoutMs ?? 5_000, (out) => {
          const t = performance.now();
          lastAnswerAt = t;
          statusCounts[String(out.status)] = (statusCounts[String(out.status)] ?? 0) + 1;
          if (out.ok) latencies.push(t - sentAt);
          else errors++;
          next();
        });
      };
      next();
    });
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  const elapsedMs = lastAnswerAt - start;
  agent.destroy();
  return {
    mode: "max",
    concurrency: o.concurrency,
    sent,
    ok: latencies.length,
    errors,
    statusCounts,
    elapsedMs,
    throughput: elapsedMs > 0 ? latencies.length / (elapsedMs / 1000) : 0,
    latency: summarize(latencies),
    clientCpuPct: cpuPct(cpu0, elapsedMs),
  };
}
