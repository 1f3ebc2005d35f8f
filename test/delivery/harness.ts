/**
 * The delivery pipeline's test world (test/support/world.ts) with its defaults: a silent logger,
 * six attempts per job, a fixed `random`, and the fake Telegram's upload limit following
 * TELEGRAM_UPLOAD_LIMIT_MB. `settle()` runs until no deliver-recording job is waiting.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { AppDeps } from "../../src/app.js";
import type { Env } from "../../src/config.js";
import { DELIVER_RECORDING_JOB } from "../../src/delivery/delivery-jobs.js";
import type { FfmpegBinaries } from "../../src/media/ffmpeg-locator.js";
import { silentLogger } from "../../src/observability/logger.js";
import type { SentRecord } from "../fakes/fake-telegram.js";
import type { ConnectedUser, ConnectInput } from "../support/connection.js";
import { startWorld, type World } from "../support/world.js";

export { NPM_FFMPEG } from "../support/world.js";

export interface DeliveryHarnessOptions {
  env?: Env;
  /** null: pretend no ffmpeg is installed. Default: the npm one. */
  ffmpeg?: FfmpegBinaries | null;
  /** The fake Telegram's upload limit (MB, whole request); default TELEGRAM_UPLOAD_LIMIT_MB or 50. */
  telegramLimitMb?: number;
  /** Keep uploaded files on disk (`UploadedFile.path`) to inspect them. */
  keepTelegramFiles?: boolean;
  deps?: Partial<AppDeps>;
}

export interface DeliveryHarness extends Omit<World, "connect" | "settle"> {
  /** A connected Zoom user delivering to a chat the fake Telegram knows. */
  connect(input: ConnectInput): Promise<ConnectedUser>;
  /** Runs the inbox processor until the inbox is empty; returns how many events it took. */
  processInbox(): Promise<number>;
  /** The results on the audit rows (webhook_events), oldest first: what the processor decided. */
  auditResults(): Promise<string[]>;
  /** Runs jobs until no deliver-recording job is waiting, jumping the clock to each retry. */
  settle(maxRounds?: number): Promise<void>;
  /** sendAudio / sendDocument records for a chat, in order. */
  uploads(chatId?: number): SentRecord[];
  /** The deliver-recording jobs, oldest first. */
  recordingJobs(): Promise<
    Array<{ state: string; attempts: number; run_at: number; last_error: string | null }>
  >;
}

export async function startDeliveryHarness(options: DeliveryHarnessOptions = {}): Promise<DeliveryHarness> {
  const world = await startWorld({
    start: Date.UTC(2026, 2, 1, 9, 0, 0),
    telegram: {
      uploadLimitMb: options.telegramLimitMb ?? Number(options.env?.TELEGRAM_UPLOAD_LIMIT_MB ?? 50),
      keepFiles: options.keepTelegramFiles ?? false,
    },
    env: { JOB_MAX_ATTEMPTS: "6", ...options.env },
    deps: {
      logger: silentLogger(),
      random: () => 0.5,
      ...(options.ffmpeg === undefined ? {} : { ffmpeg: options.ffmpeg }),
      ...options.deps,
    },
  });
  return {
    ...world,
    connect: (input) =>
      world.connect({
        ...input,
        fakeChat: {
          type: input.chatId > 0 ? "private" : input.chatType === "supergroup" ? "supergroup" : "group",
        },
      }),
    processInbox: async () => (await world.app.worker?.drainFeeders()) ?? 0,
    async auditResults() {
      const rows = await world.db.kysely
        .selectFrom("webhook_events")
        .select("result")
        .orderBy("id")
        .execute();
      return rows.map((r) => r.result);
    },
    settle: (maxRounds) => world.settle({ kinds: [DELIVER_RECORDING_JOB], maxRounds }),
    recordingJobs: () =>
      world.db.kysely
        .selectFrom("jobs")
        .select(["state", "attempts", "run_at", "last_error"])
        .where("kind", "=", DELIVER_RECORDING_JOB)
        .orderBy("id")
        .execute(),
    uploads: (chatId) =>
      world.tg.sent.filter(
        (s) =>
          (s.method === "sendAudio" || s.method === "sendDocument") &&
          (chatId === undefined || s.chatId === chatId),
      ),
  };
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}
