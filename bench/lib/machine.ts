/** What the benchmarks ran on: CPU, cores, memory, kernel, runtimes, and how busy the machine was. */
import { execFileSync } from "node:child_process";
import os from "node:os";
import Database from "better-sqlite3";
import { FFMPEG } from "../../test/support/media.js";
import { postgresVersion } from "./postgres.js";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  sqlite: string;
  postgres: string | undefined;
  ffmpeg: string;
  curl: string;
  taskset: boolean;
}

const firstLine = (cmd: string, args: string[]) => {
  try {
    return (
      execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
        .split("\n")[0]
        ?.trim() ?? ""
    );
  } catch {
    return "not found";
  }
};

export async function describeMachine(): Promise<MachineInfo> {
  const sqlite = new Database(":memory:");
  const sqliteVersion = String((sqlite.prepare("select sqlite_version() as v").get() as { v: string }).v);
  sqlite.close();
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    // os.cpus(), not availableParallelism(): the harness pins itself to one CPU.
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    sqlite: sqliteVersion,
    postgres: await postgresVersion(),
    ffmpeg: firstLine(FFMPEG, ["-version"])
      .replace(/ Copyright.*/, "")
      .replace(/\s+https?:\S+/, "")
      .trim(),
    curl: firstLine("curl", ["--version"]).split(" ").slice(0, 2).join(" "),
    taskset: firstLine("taskset", ["--version"]) !== "not found",
  };
}

/** 1-minute load average: how much else wanted the CPUs while a part ran. */
export function loadAverage(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
}
