/** Idle RSS of `zoomgram serve` under Node flags: `node --import tsx bench/probe-memory.ts "<flags>" ...`. */
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startFakes } from "./lib/fixtures.js";
import { readMemory } from "./lib/proc.js";
import { ROOT, spawnChild, waitForLog } from "./lib/processes.js";
import { prepareService } from "./lib/setup.js";

const fakes = await startFakes();
for (const flags of process.argv.slice(2)) {
  const service = await prepareService(fakes, { name: "mem" });
  const child = spawnChild({
    args: [...flags.split(" ").filter(Boolean), join(ROOT, "bin", "zoomgram.mjs"), "serve"],
    env: {
      PORT: "0",
      HOST: "127.0.0.1",
      ...service.env,
      ...(process.env.ZOOMGRAM_MODULE_LOG ? { ZOOMGRAM_MODULE_LOG: process.env.ZOOMGRAM_MODULE_LOG } : {}),
    },
    logFile: join(service.dir, "serve.log"),
  });
  await waitForLog(child, (log) => (log.includes("HTTP server listening") ? true : undefined));
  await sleep(Number(process.env.PROBE_IDLE_MS ?? 2000));
  const m = readMemory(child.pid);
  console.log(`${(flags || "(none)").padEnd(50)} idle RSS ${((m?.rss ?? 0) / 1e6).toFixed(1)} MB`);
  if (process.env.SMAPS) {
    const { readFileSync } = await import("node:fs");
    const by = new Map<string, number>();
    let name = "";
    for (const line of readFileSync(`/proc/${child.pid}/smaps`, "utf8").split("\n")) {
      const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (head) name = (head[1] || "[anon]").replace(/.*node_modules\//, "nm:");
      const rss = /^Rss:\s+(\d+) kB/.exec(line);
      if (rss) by.set(name, (by.get(name) ?? 0) + Number(rss[1]));
    }
    for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 12))
      console.log(`   ${(v / 1024).toFixed(1).padStart(6)} MB ${k}`);
  }
  await child.stop();
  service.remove();
}
await fakes.close();
