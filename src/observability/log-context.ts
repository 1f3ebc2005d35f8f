/**
 * Ids that belong on every log line of one unit of work — the HTTP request id, the job id and
 * kind, the meeting UUID — without threading a child logger through every function. The access-log
 * middleware and the worker run their work inside `withLogContext`; the logger's mixin reads
 * `currentLogContext()` and adds the fields to each line written meanwhile, whichever module
 * (and whichever logger instance) writes it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface LogContext {
  requestId?: string;
  jobId?: number;
  jobKind?: string;
  meetingUuid?: string;
  /** A Telegram update being handled, and its chat. */
  updateId?: number;
  chatId?: number;
}

const storage = new AsyncLocalStorage<Readonly<LogContext>>();

/** Runs `fn` with `fields` added to the current context (inner values win). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  const merged: LogContext = { ...storage.getStore() };
  for (const [key, value] of Object.entries(fields) as [keyof LogContext, never][]) {
    if (value !== undefined) merged[key] = value;
  }
  return storage.run(Object.freeze(merged), fn);
}

/** The context of the running unit of work, or an empty object outside one. */
export function currentLogContext(): Readonly<LogContext> {
  return storage.getStore() ?? {};
}

/** The meeting UUID a job payload names, if it names one (`meetingUuid` by convention). */
export function meetingUuidOf(payload: unknown): string | undefined {
  if (payload && typeof payload === "object" && "meetingUuid" in payload) {
    const value = (payload as { meetingUuid: unknown }).meetingUuid;
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}
