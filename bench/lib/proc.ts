/**
 * Process measurements from /proc (Linux): resident memory (VmRSS) and its high-water mark
 * (VmHWM) of one process, CPU time, and a sampler that keeps the peak while a process runs (the
 * high-water mark of a process that already exited cannot be read any more).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface MemoryStatus {
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size so far, bytes. */
  hwm: number;
}

/** Parses the `VmRSS:` and `VmHWM:` lines of /proc/<pid>/status (kB) into bytes. */
export function parseStatus(text: string): MemoryStatus | undefined {
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m").exec(text);
    return m?.[1] ? Number(m[1]) * 1024 : undefined;
  };
  const rss = kb("VmRSS");
  const hwm = kb("VmHWM");
  return rss === undefined || hwm === undefined ? undefined : { rss, hwm };
}

export function readMemory(pid: number): MemoryStatus | undefined {
  try {
    return parseStatus(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return undefined; // gone
  }
}

/**
 * The fields of a /proc/<pid>/stat line after the command name (which may hold spaces and
 * parentheses): element 0 is field 3 (state), so field N is element N − 3.
 */
function fieldsAfterName(text: string): string[] {
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

/** utime + stime of /proc/<pid>/stat, in clock ticks (fields 14 and 15). */
export function parseStatTicks(text: string): number | undefined {
  const rest = fieldsAfterName(text);
  const u = Number(rest[11]);
  const s = Number(rest[12]);
  return Number.isFinite(u) && Number.isFinite(s) ? u + s : undefined;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * CPU seconds (user + system, with those of reaped children) of every process named `comm` on this
 * machine, e.g. "postgres": the server's backends, its WAL writer and checkpointer together.
 */
export function processesCpuSeconds(comm: string): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")) !== comm) continue;
      const rest = fieldsAfterName(text);
      // utime, stime, cutime, cstime: fields 14–17.
      for (const i of [11, 12, 13, 14]) ticks += Number(rest[i]) || 0;
    } catch {
      // gone meanwhile
    }
  }
  return ticks / ticksPerSecond();
}

/** CPU seconds the process used so far (user + system). */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const ticks = parseStatTicks(readFileSync(`/proc/${pid}/stat`, "utf8"));
    return ticks === undefined ? undefined : ticks / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/** Samples a process's memory every `intervalMs` and keeps the peaks. */
export class MemorySampler {
  peakRss = 0;
  lastHwm = 0;
  samples = 0;
  /** CPU seconds (user + system) at the last sample: a process's total when sampled just before it exits. */
  lastCpu = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 50,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  sample(): void {
    const m = readMemory(this.pid);
    if (!m) return;
    this.samples++;
    this.lastCpu = cpuSeconds(this.pid) ?? this.lastCpu;
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.lastHwm = Math.max(this.lastHwm, m.hwm);
  }

  /** Stops sampling; the peak is the kernel's high-water mark when it was readable. */
  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return Math.max(this.peakRss, this.lastHwm);
  }
}

/** Pins a running process (and its future threads) to one CPU; false when taskset is missing. */
export function pinToCpu(pid: number, cpu: number): boolean {
  try {
    execFileSync("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface ChildSighting {
  pid: number;
  /** argv, from /proc/<pid>/cmdline. */
  argv: string[];
  firstSeen: number;
  lastSeen: number;
}

/** The parent pid (field 4) of a /proc/<pid>/stat line. */
export function parseStatPpid(text: string): number | undefined {
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const ppid = Number(rest[1]);
  return Number.isFinite(ppid) ? ppid : undefined;
}

/**
 * Watches the direct children of a process (e.g. the ffmpeg runs of a Zoomgram worker) by scanning
 * /proc every `intervalMs`: when each was first and last seen, and its command line. A child's wall
 * time is known to about one interval.
 */
export class ChildTracker {
  readonly seen = new Map<number, ChildSighting>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly parentPid: number,
    private readonly intervalMs = 20,
  ) {}

  start(): this {
    this.timer = setInterval(() => this.scan(), this.intervalMs);
    return this;
  }

  scan(): void {
    const t = performance.timeOrigin + performance.now();
    let entries: string[];
    try {
      entries = readdirSync("/proc");
    } catch {
      return;
    }
    for (const name of entries) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      const known = this.seen.get(pid);
      if (known) {
        known.lastSeen = t;
        continue;
      }
      try {
        if (parseStatPpid(readFileSync(`/proc/${pid}/stat`, "utf8")) !== this.parentPid) continue;
        const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
        this.seen.set(pid, { pid, argv, firstSeen: t, lastSeen: t });
      } catch {
        // exited between readdir and read
      }
    }
  }

  stop(): ChildSighting[] {
    clearInterval(this.timer);
    return [...this.seen.values()].sort((a, b) => a.firstSeen - b.firstSeen);
  }
}
