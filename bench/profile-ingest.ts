/**
 * Profiles the webhook request path: `node --import tsx bench/profile-ingest.ts [sqlite|postgres]`
 * starts `zoomgram web` with --cpu-prof, drives it closed-loop for 5 s and prints the hottest
 * functions (self time) from the profile.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startFakes } from "./lib/fixtures.js";
import { runMax } from "./lib/loadgen.js";
import { createPostgresDatabase } from "./lib/postgres.js";
import { cpuSeconds } from "./lib/proc.js";
import { ROOT, spawnChild, waitForLog } from "./lib/processes.js";
import { prepareService, signedHeaders } from "./lib/setup.js";

const dialect = process.argv[2] === "postgres" ? "postgres" : "sqlite";
const dir = "/tmp/prof";
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const fakes = await startFakes();
const uuid = "TEMPLATEuuid0000000000==";
fakes.zoom.addMeeting({
  uuid,
  hostUserId: fakes.user.id,
  topic: "Weekly sync",
  start_time: "2026-03-02T10:00:00Z",
  duration: 45,
  files: [{ file_type: "M4A", recording_type: "audio_only", bytes: "m4a" }],
});
const json = JSON.stringify(fakes.zoom.buildEvent("recording.completed", uuid));
const pg = dialect === "postgres" ? await createPostgresDatabase("profile") : undefined;
const service = await prepareService(fakes, {
  name: "profile",
  ...(pg ? { databaseUrl: pg.url } : {}),
  extra: { WEBHOOK_MAX_BACKLOG_SECONDS: "3600" },
});
const child = spawnChild({
  args: [
    ...(process.env.PROFILE_FLAGS ?? "").split(" ").filter(Boolean),
    "--cpu-prof",
    `--cpu-prof-dir=${dir}`,
    join(ROOT, "bin", "zoomgram.mjs"),
    "web",
  ],
  env: { PORT: "0", HOST: "127.0.0.1", ...service.env },
  logFile: join(dir, "web.log"),
  cpu: 1,
});
child.port = await waitForLog(child, (log) => {
  const m = /"port":(\d+)[^\n]*"msg":"HTTP server listening"/.exec(log);
  return m?.[1] ? Number(m[1]) : undefined;
});
const url = `http://127.0.0.1:${child.port}/webhooks/zoom`;
let n = 0;
const make = () => {
  const body = json.replaceAll(uuid, `prof${n++}`.padEnd(22, "A").concat("=="));
  return { headers: signedHeaders(body), body };
};
await runMax({ url, concurrency: 32, durationMs: 2000, make });
const cpu0 = cpuSeconds(child.pid) ?? 0;
const r = await runMax({ url, concurrency: 32, durationMs: 5000, make });
const cpuPerRequest = (((cpuSeconds(child.pid) ?? 0) - cpu0) / (r.throughput * 5)) * 1000;
console.log(
  `max ${r.throughput.toFixed(0)}/s p50 ${r.latency.p50.toFixed(2)} p99 ${r.latency.p99.toFixed(2)} ms; server CPU ${cpuPerRequest.toFixed(3)} ms per request`,
);
await child.stop();
await pg?.drop();
service.remove();
await fakes.close();
const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
if (!file) throw new Error("no profile written");
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const prof = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
const byId = new Map(prof.nodes.map((x) => [x.id, x]));
const self = new Map<number, number>();
prof.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const agg = new Map<string, number>();
const pkg = new Map<string, number>();
for (const [id, t] of self) {
  const f = byId.get(id)?.callFrame;
  if (!f) continue;
  const where = f.url.replace(/^.*node_modules\//, "nm:").replace(/^.*\/work\/main\//, "");
  const key = `${f.functionName || "(anon)"} ${where}:${f.lineNumber}`;
  agg.set(key, (agg.get(key) ?? 0) + t);
  const p = f.url.includes("node_modules/")
    ? (f.url
        .split("node_modules/")[1]
        ?.split("/")
        .slice(0, f.url.includes("/@") ? 2 : 1)
        .join("/") ?? "?")
    : f.url.startsWith("node:")
      ? "node:"
      : f.url.includes("/dist/")
        ? `dist/${f.url.split("/dist/")[1]?.split("/")[0]}`
        : f.url === ""
          ? `(${f.functionName})`
          : f.url;
  pkg.set(p, (pkg.get(p) ?? 0) + t);
}
const show = (m: Map<string, number>, k: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .forEach(([name, t]) => {
      console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${name}`);
    });
console.log("-- by package");
show(pkg, 25);
console.log("-- by function");
show(agg, 40);
