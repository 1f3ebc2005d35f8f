/**
 * The bot's own uploader for files from disk (src/telegram/file-upload.ts), through the bot the
 * app builds (createBot installs it) against the fake Bot API: the bytes arrive whole through two
 * reused buffers; the size is declared up front, so an oversized file gets nginx's 413 before its
 * bytes are sent; Telegram's errors reach the caller as grammY's; a file that ends short or cannot
 * be opened fails the call; calls with other files, and every call of a bot with an injected
 * fetch, go through grammY as before.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Api, GrammyError, HttpError, InputFile } from "grammy";
import { describe, expect, it } from "vitest";
import { classifyTelegramError } from "../../src/delivery/telegram-upload.js";
import { createTranslator } from "../../src/i18n/translator.js";
import { GrowingFile } from "../../src/media/growing-file.js";
import { silentLogger } from "../../src/observability/logger.js";
import { createBot } from "../../src/telegram/bot.js";
import { diskFile, type OpenUpload, UploadFile } from "../../src/telegram/file-upload.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/fake-telegram.js";
import { closingAfterEachTest, tempDirForEachTest } from "../support/each-test.js";

const CHAT = 5151;
const workDir = tempDirForEachTest("zoomgram-upload-");
const startTelegram = closingAfterEachTest(startFakeTelegram, (tg) => expect(tg.internalErrors).toEqual([]));
const translator = createTranslator({ onWarning: () => {} });

async function world(options: { uploadLimitMb?: number; fetch?: typeof fetch } = {}) {
  const tg = await startTelegram({ uploadLimitMb: options.uploadLimitMb ?? 50 });
  tg.addChat({ id: CHAT, type: "private", first_name: "Ann" });
  const bot = createBot({
    token: tg.token,
    apiRoot: tg.url,
    translator,
    logger: silentLogger(),
    composers: [],
    botInfo: tg.botInfo,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { tg, api: bot.api };
}

/** A file of `size` patterned bytes in the test's folder, with its SHA-256. */
function patterned(name: string, size: number): { path: string; sha256: string } {
  const data = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) data.writeUInt32BE(i, i);
  const path = join(workDir(), name);
  writeFileSync(path, data);
  return { path, sha256: createHash("sha256").update(data).digest("hex") };
}

/** A file of `bytes` sent while "still being written": opened for `size` bytes, none reported yet. */
function sendGrowing(api: Api, name: string, bytes: number, size = bytes) {
  const file = patterned(name, bytes);
  const growing = new GrowingFile(file.path);
  const sending = api.sendAudio(CHAT, new UploadFile(growing.opener(size), name));
  return { file, growing, sending };
}

/** `open` with every read recorded: which buffers were read into, and how many bytes. */
function watched(open: OpenUpload) {
  const buffers = new Set<ArrayBufferLike>();
  let bytes = 0;
  const upload: OpenUpload = async () => {
    const reader = await open();
    return {
      size: reader.size,
      read: async (buffer, length, position) => {
        buffers.add(buffer.buffer);
        const n = await reader.read(buffer, length, position);
        bytes += n;
        return n;
      },
      close: () => reader.close(),
    };
  };
  return { upload, buffers, bytesRead: () => bytes };
}

function lastFile(tg: FakeTelegram) {
  return tg.sent.at(-1)?.files[0];
}

describe("file uploads through reused buffers", () => {
  it("sends a 5 MB file whole, read through two buffers, with the call's other fields", async () => {
    const { tg, api } = await world();
    const file = patterned("talk.m4a", 5_000_000);
    const reads = watched(diskFile(file.path));
    const message = await api.sendAudio(CHAT, new UploadFile(reads.upload, "talk.m4a"), {
      caption: "Weekly sync",
      duration: 61,
      reply_parameters: { message_id: 1, allow_sending_without_reply: true },
    });
    expect(message.audio.file_id).toBeTruthy();
    expect(lastFile(tg)).toMatchObject({
      field: "audio",
      filename: "talk.m4a",
      size: 5_000_000,
      sha256: file.sha256,
    });
    expect(tg.sent.at(-1)).toMatchObject({ caption: "Weekly sync", fields: { duration: "61" } });
    expect(JSON.parse(tg.sent.at(-1)?.fields.reply_parameters ?? "{}")).toEqual({
      message_id: 1,
      allow_sending_without_reply: true,
    });
    expect(reads.buffers.size).toBe(2);
  });

  it("uploads a file still being written, waiting for its bytes", async () => {
    const { tg, api } = await world();
    const { file, growing, sending } = sendGrowing(api, "growing.m4a", 3_000_000);
    growing.grew(1_000_000);
    setImmediate(() => growing.complete(3_000_000));
    await sending;
    expect(lastFile(tg)).toMatchObject({ size: 3_000_000, sha256: file.sha256 });
  });

  it("declares the size, so a file over the limit gets the 413 page before its bytes are read, read as too large", async () => {
    const { tg, api } = await world({ uploadLimitMb: 1 });
    const file = patterned("big.m4a", 20_000_000);
    const reads = watched(diskFile(file.path));
    const error = await api.sendAudio(CHAT, new UploadFile(reads.upload, "big.m4a")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(classifyTelegramError(error, "sendAudio").code).toBe("telegram.too_large");
    expect(tg.calls.filter((c) => c.method === "sendAudio").map((c) => c.status)).toEqual([413]);
    expect(reads.bytesRead()).toBeLessThan(20_000_000);
  });

  it("Telegram's own error answers reach the caller as grammY's errors", async () => {
    const { tg, api } = await world();
    const file = patterned("a.m4a", 1000);
    tg.inject("sendAudio", { kind: "429", retryAfter: 7 });
    const error = await api
      .sendAudio(CHAT, new UploadFile(diskFile(file.path), "a.m4a"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect(classifyTelegramError(error, "sendAudio")).toMatchObject({
      code: "telegram.rate_limited",
      retryAfterMs: 7000,
    });
  });

  it("a file that ends short of its size, or cannot be opened, fails the call and delivers nothing", async () => {
    const { tg, api } = await world();
    const { growing, sending } = sendGrowing(api, "short.m4a", 2_000_000, 3_000_000);
    growing.grew(2_000_000);
    growing.complete(2_000_000);
    const short = await sending.catch((e: unknown) => e);
    expect(short).toBeInstanceOf(HttpError);
    expect(String((short as HttpError).error)).toMatch(/ended at 2000000 of its 3000000 bytes/);

    const missing = await api
      .sendAudio(CHAT, new UploadFile(diskFile(join(workDir(), "gone.m4a")), "gone.m4a"))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(HttpError);
    expect((missing as HttpError).error).toMatchObject({ code: "ENOENT" });
    expect(tg.sent.filter((s) => s.method === "sendAudio")).toEqual([]);
  });

  it("a call with another kind of file, and a bot with an injected fetch, go through grammY", async () => {
    const seen: string[] = [];
    const fetching: typeof fetch = (input, init) => {
      seen.push(String(input));
      // grammY's signal comes from the abort-controller polyfill, which Node 24's fetch refuses,
      // and its multipart body is a stream (duplex: "half"); neither matters to where the call goes.
      const { signal: _polyfill, ...rest } = init ?? {};
      return fetch(input, { ...rest, duplex: "half" } as RequestInit);
    };
    const { tg, api } = await world({ fetch: fetching });
    const file = patterned("via-grammy.m4a", 200_000);
    await api.sendAudio(CHAT, new UploadFile(diskFile(file.path), "via-grammy.m4a"));
    expect(seen.some((url) => url.endsWith("/sendAudio"))).toBe(true);
    expect(lastFile(tg)).toMatchObject({ size: 200_000, sha256: file.sha256 });

    const plain = await world();
    await plain.api.sendDocument(CHAT, new InputFile(Buffer.from("notes"), "notes.txt"));
    expect(lastFile(plain.tg)).toMatchObject({ field: "document", filename: "notes.txt", size: 5 });
  });
});
