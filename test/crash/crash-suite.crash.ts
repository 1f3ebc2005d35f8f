/**
 * The crash suite (issue #9 §1): 200 meetings flow through Zoomgram — real child processes,
 * `node bin/zoomgram.mjs serve` or a `web` and a `worker` — against the fake Zoom and Telegram
 * and a SQLite file (a PostgreSQL schema with TEST_DATABASE=postgres), while a seeded schedule
 * SIGKILLs the worker or the whole service twenty times and restarts it. Zoom is played by a
 * sender that, like Zoom, re-sends a webhook that got no 2xx.
 *
 * Half the kills come at a random moment, the other half right after the fake Telegram accepted
 * an upload: the one window where a kill can double a delivery (Telegram has the file, our
 * commit has not happened). Afterwards every recording must be delivered with its exact bytes,
 * and every duplicate must be explained by a kill inside that window (test/crash/analysis.ts);
 * the report gives the window's count. Deterministic in outcome: the schedule comes from
 * CRASH_SEED; CRASH_MEETINGS and CRASH_KILLS scale it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { ZoomUser } from "../fakes/fake-zoom.js";
import { countMatching, TEST_DIALECT } from "../support/db.js";
import { FFMPEG, makeTestAudio } from "../support/media.js";
import { freePort, postSignedWebhook, type ServiceWorld, startServiceWorld } from "../support/world.js";
import {
  type AcceptedUpload,
  analyzeCrashRun,
  formatCrashReport,
  type KillRecord,
  seededRandom,
} from "./analysis.js";
import { type Role, Service } from "./service.js";

const SEED = Number(process.env.CRASH_SEED ?? 20260115);
const MEETINGS = Number(process.env.CRASH_MEETINGS ?? 200);
const KILLS = Number(process.env.CRASH_KILLS ?? 20);
const HOSTS = 8;
/** Zoom sends the webhooks this far apart (ms). */
const SEND_INTERVAL_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const topicOf = (i: number) => `Crash ${String(i).padStart(3, "0")}`;
// Every tenth UUID needs Zoom's double encoding (starts with "/" or has "//").
const uuidOf = (i: number) => (i % 10 === 0 ? `/crash${i}//uuid==` : `crash-${i}-uuid==`);

interface Stage {
  world: ServiceWorld;
  service: Service;
}

let stage: Stage | undefined;
let keep = false;

afterAll(async () => {
  if (!stage) return;
  await stage.service.stop(5_000);
  await stage.world.close({ keep });
  if (keep) process.stdout.write(`crash suite: logs and media kept in ${stage.world.dir}\n`);
});

describe(`crash suite (${TEST_DIALECT})`, () => {
  it(`${MEETINGS} meetings, ${KILLS} SIGKILLs: every recording delivered, every duplicate explained`, async () => {
    const started = Date.now();
    const random = seededRandom(SEED);
    const world = await startServiceWorld({ dirPrefix: "zoomgram-crash-" });
    const { zoom, tg, db, dir } = world;
    const port = await freePort();
    const env = world.env({
      HOST: "127.0.0.1",
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      FFMPEG_PATH: FFMPEG,
      LOG_LEVEL: "info",
      // A killed worker's jobs are claimable again after this lease.
      JOB_LEASE_SECONDS: "5",
      // Every kill costs each job in flight one attempt, and half the kills aim at an upload in
      // flight: near the end the same few jobs are the ones in flight, so with the default 8
      // attempts one could go dead after 8 of the 20 kills (seen in CI: 3 jobs, attempts 8, "lease
      // expired on the last attempt"). More attempts than kills keeps the claim about delivery.
      JOB_MAX_ATTEMPTS: String(KILLS + 8),
      JOB_POLL_INTERVAL_MS: "200",
      WORKER_CONCURRENCY: "4",
      TELEGRAM_POLLING_LEASE_SECONDS: "2",
    });
    const service = new Service({ env, dir, port });
    stage = { world, service };
    keep = true; // until the run passed

    // ------------------------------------------------------------------ the world
    const audio = await makeTestAudio({ seconds: 8, bitrateKbps: 32 });
    const sourceSha256 = createHash("sha256").update(readFileSync(audio)).digest("hex");
    const hosts: ZoomUser[] = [];
    for (let i = 0; i < HOSTS; i++) {
      const { user } = await world.connect({
        chatId: 9001 + i,
        email: `crash-host-${i}@example.com`,
        telegramUserId: 5000 + i,
        fakeChat: { type: "private", first_name: `Host ${i}` },
        chat: { type: "private" },
      });
      hosts.push(user);
    }
    const keys: string[] = [];
    const keyOfUuid = new Map<string, string>();
    for (let i = 0; i < MEETINGS; i++) {
      const host = hosts[i % HOSTS] as ZoomUser;
      zoom.addMeeting({
        uuid: uuidOf(i),
        hostUserId: host.id,
        topic: topicOf(i),
        start_time: "2026-01-15T09:00:00Z",
        duration: 1,
        files: [{ file_type: "M4A", recording_type: "audio_only", path: audio }],
      });
      keys.push(topicOf(i));
      keyOfUuid.set(uuidOf(i), topicOf(i));
    }

    // ------------------------------------------------------------------ Zoom, sending
    let acknowledged = 0;
    let resent = 0;
    const sendOne = async (i: number) => {
      for (;;) {
        // Like Zoom, each attempt is signed when it is sent, with a fresh download_token.
        const event = zoom.buildEvent("recording.completed", uuidOf(i));
        try {
          const res = await postSignedWebhook(`http://127.0.0.1:${port}/webhooks/zoom`, event);
          await res.arrayBuffer();
          if (res.status === 200) {
            acknowledged++;
            return;
          }
          // Zoom retries only a 5xx; anything else would drop the event.
          if (res.status < 500) throw new Error(`webhook for ${topicOf(i)} refused with ${res.status}`);
        } catch (error) {
          if (error instanceof Error && error.message.startsWith("webhook for")) throw error;
        }
        resent++;
        await sleep(300);
      }
    };
    const sending = (async () => {
      const all: Promise<void>[] = [];
      for (let i = 0; i < MEETINGS; i++) {
        all.push(sendOne(i));
        await sleep(SEND_INTERVAL_MS);
      }
      await Promise.all(all);
    })();
    // A sender failure must fail the test, not hang it.
    let sendError: unknown;
    sending.catch((error: unknown) => {
      sendError = error;
    });

    // ------------------------------------------------------------------ the kill schedule
    const audioAccepted = () => tg.sent.filter((s) => s.method === "sendAudio").length;
    const kills: KillRecord[] = [];
    const startService = async (topology: "serve" | "split") => {
      if (topology === "serve") service.start("serve");
      else {
        service.start("web");
        service.start("worker");
      }
      await service.ready();
    };
    await startService("serve");
    for (let k = 0; k < KILLS; k++) {
      // Fixed draws per round, so the plan does not depend on timing.
      const [triggerDraw, delayDraw, rolesDraw, topologyDraw] = [random(), random(), random(), random()];
      let trigger = "random moment";
      if (triggerDraw < 0.5) {
        const before = audioAccepted();
        try {
          await tg.waitFor(() => audioAccepted() > before, 6_000);
          trigger = "right after an accepted upload";
        } catch {
          trigger = "random moment (no upload came)";
        }
      } else {
        await sleep(200 + Math.floor(delayDraw * 2800));
      }
      if (sendError) throw sendError;
      const roles: Role[] = service.running.includes("serve")
        ? ["serve"]
        : rolesDraw < 0.6
          ? ["worker"]
          : ["web", "worker"];
      const at = await service.kill(roles);
      kills.push({ at, roles, killedJobRunner: true, trigger });
      if (roles.length === 1 && roles[0] === "worker") service.start("worker");
      else await startService(topologyDraw < 0.5 ? "serve" : "split");
    }

    // ------------------------------------------------------------------ let it finish
    await sending;
    // Done when every recording is delivered and every delivery job completed (a job killed
    // after its commit is claimed again once its lease runs out, finds nothing left, completes).
    const deadline = Date.now() + 150_000;
    for (;;) {
      const delivered = await countMatching(
        db.kysely.selectFrom("deliveries").where("kind", "=", "audio").where("state", "=", "delivered"),
      );
      const open = await countMatching(
        db.kysely
          .selectFrom("jobs")
          .where("kind", "=", "deliver-recording")
          .where("state", "!=", "completed"),
      );
      if (delivered >= MEETINGS && open === 0) break;
      if (Date.now() > deadline) {
        // Say what is stuck, so a failure here can be understood from the CI log alone.
        const stuck = await db.kysely
          .selectFrom("jobs")
          .select(["id", "state", "attempts", "run_at", "locked_by", "lease_expires_at", "last_error"])
          .where("kind", "=", "deliver-recording")
          .where("state", "!=", "completed")
          .limit(10)
          .execute();
        const undelivered = await db.kysely
          .selectFrom("deliveries")
          .select(["meeting_uuid", "state", "detail"])
          .where("kind", "=", "audio")
          .where("state", "!=", "delivered")
          .limit(10)
          .execute();
        throw new Error(
          [
            `after 150 s: ${delivered} of ${MEETINGS} delivered, ${open} delivery jobs not completed (now ${Date.now()})`,
            ...stuck.map((j) => `  job ${JSON.stringify(j)}`),
            ...undelivered.map((d) => `  delivery ${JSON.stringify(d)}`),
          ].join("\n"),
        );
      }
      await sleep(250);
    }
    await service.stop();

    // ------------------------------------------------------------------ what happened
    const uploads: AcceptedUpload[] = tg.sent
      .filter((s) => s.method === "sendAudio")
      .map((s) => ({
        key: s.fields.title ?? "(no title)",
        at: s.at,
        ...(s.startedAt !== undefined ? { startedAt: s.startedAt } : {}),
        sha256: s.files[0]?.sha256 ?? "",
      }));
    const rows = await db.kysely
      .selectFrom("deliveries")
      .select(["meeting_uuid", "state", "delivered_at"])
      .where("kind", "=", "audio")
      .execute();
    const commits = rows.map((r) => ({
      key: keyOfUuid.get(r.meeting_uuid) ?? r.meeting_uuid,
      deliveredAt: r.state === "delivered" && r.delivered_at !== null ? Number(r.delivered_at) : null,
    }));
    const report = analyzeCrashRun({ keys, uploads, commits, kills, sourceSha256 });
    const jobs = await db.kysely
      .selectFrom("jobs")
      .select(["state", (eb) => eb.fn.countAll<number>().as("n")])
      .where("kind", "=", "deliver-recording")
      .groupBy("state")
      .execute();
    process.stdout.write(
      `${formatCrashReport(report, {
        dialect: TEST_DIALECT,
        seed: SEED,
        "webhooks acknowledged": acknowledged,
        "webhook attempts that Zoom had to repeat": resent,
        "kills right after an accepted upload": kills.filter((k) => k.trigger.startsWith("right after"))
          .length,
        "deliver-recording jobs": jobs.map((j) => `${j.state} ${j.n}`).join(", "),
        "wall time": `${Math.round((Date.now() - started) / 1000)} s`,
      })}\n`,
    );
    if (report.unexplained.length > 0) {
      // Everything needed to see why: each kill, and each upload of the unexplained recordings.
      const suspects = new Set(report.unexplained.map((d) => d.key));
      process.stdout.write(`kills: ${JSON.stringify(kills)}\n`);
      process.stdout.write(`their uploads: ${JSON.stringify(uploads.filter((u) => suspects.has(u.key)))}\n`);
    }

    expect(kills).toHaveLength(KILLS);
    expect(acknowledged).toBe(MEETINGS);
    // One delivery row per recording (Zoom's re-sends never made a second), all delivered.
    expect(rows).toHaveLength(MEETINGS);
    expect(report.missing).toEqual([]);
    expect(report.corrupt).toEqual([]);
    expect(report.unexplained).toEqual([]);
    expect(jobs.map((j) => j.state)).toEqual(["completed"]);
    keep = false;
  });
});
