/**
 * The meeting card as text and buttons, rendered from its stored state alone: every edit shows the
 * whole card, so a lost or reordered progress event can never leave a half-updated message. Plain
 * text (no parse_mode): the topic is user text and must never break a message (en.ftl header).
 */
import { formatDateTime } from "../i18n/format.js";
import type { Locale } from "../i18n/locales.js";
import type { TranslationVariables } from "../i18n/translator.js";
import { parseJsonOrUndefined } from "../json.js";
import { stripControlChars, truncate } from "../telegram/text/escape.js";
import type { MeetingPart, PartProgress, PartStatus } from "./progress.js";

/**
 * The parts a card always shows a line for; `received` only moves the stage line; `trash` and
 * `zoom` add a note; `chat` (Zoom's chat file) has a line once its delivery started: most meetings
 * have none.
 */
export type CardPart = Exclude<MeetingPart, "received" | "trash" | "zoom" | "chat">;

/** What happened to the recording in Zoom while parts were on their way (src/delivery/ingest-lifecycle.ts). */
export type ZoomRemoval = "trashed" | "deleted" | "recovered";

const ZOOM_REMOVALS: readonly string[] = ["trashed", "deleted", "recovered"] satisfies ZoomRemoval[];

export function isZoomRemoval(value: unknown): value is ZoomRemoval {
  return typeof value === "string" && ZOOM_REMOVALS.includes(value);
}

export const CARD_PARTS: readonly CardPart[] = ["audio", "transcript", "summary"];

export interface CardPartState {
  status: PartStatus;
  /** A `reason-*` key (failed) or a short progress word (`downloading`, `uploading 2/3`). */
  detail?: string;
}

/** What the `meeting_cards.state` column holds (JSON). */
export interface CardState {
  v: 1;
  receivedAt?: number;
  parts: Record<CardPart, CardPartState>;
  /** Zoom's in-meeting chat file, once a job works on one. */
  chatFile?: CardPartState;
  /** When this card was last sent or edited (per-chat edit pacing). */
  editedAt?: number;
  /** Set while one process sends the first message; others then only store state. */
  creatingSince?: number;
  /** The inline keyboard last shown, so a button change alone still counts as a change. */
  lastMarkup?: string;
  /** When the parts timeout job was enqueued (once per card). */
  timeoutScheduled?: boolean;
  /** Trash after delivery: `moved`, or why Zoom kept it (`scope_missing`, `refused`). */
  trash?: "moved" | "scope_missing" | "refused";
  /** The recording was trashed, deleted or recovered in Zoom before everything arrived. */
  zoom?: ZoomRemoval;
}

export function emptyCardState(): CardState {
  return {
    v: 1,
    parts: {
      audio: { status: "pending" },
      transcript: { status: "pending" },
      summary: { status: "pending" },
    },
  };
}

/** Reads the stored JSON leniently: an unreadable state starts over rather than failing a delivery. */
export function parseCardState(json: string | null | undefined): CardState {
  const state = emptyCardState();
  if (!json) return state;
  const raw = parseJsonOrUndefined(json);
  if (typeof raw !== "object" || raw === null) return state;
  const r = raw as Partial<CardState>;
  for (const part of CARD_PARTS) {
    const p = parsePartState(r.parts?.[part]);
    if (p) state.parts[part] = p;
  }
  const chatFile = parsePartState(r.chatFile);
  if (chatFile) state.chatFile = chatFile;
  if (typeof r.receivedAt === "number") state.receivedAt = r.receivedAt;
  if (typeof r.editedAt === "number") state.editedAt = r.editedAt;
  if (typeof r.creatingSince === "number") state.creatingSince = r.creatingSince;
  if (typeof r.lastMarkup === "string") state.lastMarkup = r.lastMarkup;
  if (r.timeoutScheduled === true) state.timeoutScheduled = true;
  if (r.trash === "moved" || r.trash === "scope_missing" || r.trash === "refused") state.trash = r.trash;
  if (isZoomRemoval(r.zoom)) state.zoom = r.zoom;
  return state;
}

function parsePartState(p: Partial<CardPartState> | undefined): CardPartState | undefined {
  if (!p || typeof p.status !== "string" || !isStatus(p.status)) return undefined;
  return typeof p.detail === "string" ? { status: p.status, detail: p.detail } : { status: p.status };
}

const STATUSES: readonly PartStatus[] = ["pending", "working", "done", "failed", "unavailable", "waiting"];

function isStatus(value: string): value is PartStatus {
  return (STATUSES as readonly string[]).includes(value);
}

/** Settled: nothing more will happen to this part unless a new event arrives. */
export function isTerminal(status: PartStatus): boolean {
  return status === "done" || status === "failed" || status === "unavailable";
}

/**
 * Applies one progress event. A part that is already `done` is not pulled back by a late
 * `working`/`pending` from a duplicate or retried job: what the chat has received stays received.
 */
export function applyProgress(state: CardState, event: PartProgress, now: number): CardState {
  const next: CardState = { ...state, parts: { ...state.parts } };
  if (event.part === "received") {
    next.receivedAt ??= now;
    return next;
  }
  if (event.part === "trash") {
    // Moved is final; a refusal never overrides it.
    if (next.trash !== "moved") {
      next.trash =
        event.status === "done" ? "moved" : event.detail === "scope_missing" ? "scope_missing" : "refused";
    }
    return next;
  }
  if (event.part === "zoom") {
    if (isZoomRemoval(event.detail)) next.zoom = event.detail;
    return next;
  }
  const current = event.part === "chat" ? next.chatFile : next.parts[event.part];
  if (current?.status === "done" && !isTerminal(event.status)) return next;
  const updated =
    event.detail === undefined ? { status: event.status } : { status: event.status, detail: event.detail };
  if (event.part === "chat") next.chatFile = updated;
  else next.parts[event.part] = updated;
  return next;
}

export interface CardMeeting {
  topic: string;
  startTime: string | null;
  /** The Zoom user's zone (connection), else the meeting's, else UTC. */
  timeZone: string | null;
}

export interface CardButtons {
  /** The audio delivery a "resend" button re-sends. */
  audioDeliveryId?: number;
  /** The delivered transcript a "get transcript" button re-sends. */
  transcriptDeliveryId?: number;
}

export interface InlineButton {
  text: string;
  callback_data: string;
}

export interface RenderedCard {
  text: string;
  keyboard: InlineButton[][];
}

export interface CardTranslator {
  t(locale: Locale, key: string, vars?: TranslationVariables): string;
  keys(): string[];
}

/** Telegram's callback_data limit in bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

export const CARD_CALLBACK = {
  resend: (deliveryId: number) => `card:resend:${deliveryId}`,
  transcript: (deliveryId: number) => `card:transcript:${deliveryId}`,
} as const;

const MAX_TOPIC_CHARS = 200;

/**
 * The card:
 *
 * ```text
 * 🎥 Weekly sync · Mar 1, 2026, 10:00 AM GMT+1
 * ⬇️ Downloading from Zoom…
 * 🎧 Audio: in progress…
 * 📝 Transcript: waiting
 * 🧠 Summary: waiting
 * ```
 */
export function renderMeetingCard(input: {
  state: CardState;
  meeting: CardMeeting;
  buttons: CardButtons;
  locale: Locale;
  translator: CardTranslator;
  /** Parts the chat turned off in /settings: no line, and nothing to wait for. */
  hidden?: ReadonlySet<CardPart>;
}): RenderedCard {
  const { state, meeting, buttons, locale, translator } = input;
  const hidden = input.hidden ?? new Set<CardPart>();
  const t: Translate = (key, vars) => translator.t(locale, key, vars);
  const known = new Set(translator.keys());
  const status = (part: CardPartState) => statusText(part, t, known);

  // Where a delivered transcript came from: Zoom's own, or speech to text (issue 16).
  const partStatus = (part: CardPart): string => {
    const state_ = state.parts[part];
    const source =
      part === "transcript" &&
      state_.status === "done" &&
      (state_.detail === "zoom" || state_.detail === "stt")
        ? t(`card-transcript-source-${state_.detail}`)
        : undefined;
    return source ? `${status(state_)} (${source})` : status(state_);
  };

  const lines = [cardTitle(meeting, locale, t)];
  const stage = stageKey(state, hidden);
  if (stage) lines.push(t(stage));
  for (const part of CARD_PARTS) {
    if (hidden.has(part)) continue;
    lines.push(t(`card-line-${part}`, { status: partStatus(part) }));
  }
  if (state.chatFile) lines.push(t("card-line-chat", { status: status(state.chatFile) }));
  if (state.trash) lines.push("", t(`card-trash-${state.trash.replace("_", "-")}`));
  if (state.zoom) lines.push("", t(`card-zoom-${state.zoom}`));

  const row = cardButtons(state, buttons, t);
  return { text: lines.join("\n"), keyboard: row.length > 0 ? [row] : [] };
}

type Translate = (key: string, vars?: TranslationVariables) => string;

/** "🎥 Topic · date": the topic cleaned and cut to fit, the start in the meeting's time zone. */
function cardTitle(meeting: CardMeeting, locale: Locale, t: Translate): string {
  const topic =
    truncate(stripControlChars(meeting.topic).replace(/\s+/g, " ").trim(), MAX_TOPIC_CHARS) ||
    t("meeting-untitled");
  const start = meeting.startTime ? new Date(meeting.startTime) : undefined;
  const date =
    start && !Number.isNaN(start.getTime())
      ? formatDateTime(locale, start, meeting.timeZone ?? undefined)
      : "";
  return date ? t("card-title", { topic, date }) : `🎥 ${topic}`;
}

/** One part's status in words; `known` is every locale key, for the failure reasons we may show. */
function statusText(part: CardPartState, t: Translate, known: ReadonlySet<string>): string {
  switch (part.status) {
    case "pending":
      return t("card-status-pending");
    case "working":
      return t("card-status-in-progress");
    case "waiting":
      return t("card-status-waiting");
    case "done":
      return t("card-status-done");
    case "unavailable":
      return t("card-status-not-available");
    case "failed": {
      // Only our own reason keys are shown; free text from a job is not translated, so it is not shown.
      const reasonKey =
        part.detail?.startsWith("reason-") && known.has(part.detail) ? part.detail : "reason-unknown";
      return t("card-status-failed", { reason: t(reasonKey) });
    }
  }
}

/** Resend the audio once it settled; get the transcript once it is there. */
function cardButtons(state: CardState, buttons: CardButtons, t: Translate): InlineButton[] {
  const row: InlineButton[] = [];
  if (buttons.audioDeliveryId !== undefined && isTerminal(state.parts.audio.status)) {
    row.push({
      text: t("card-button-resend-audio"),
      callback_data: CARD_CALLBACK.resend(buttons.audioDeliveryId),
    });
  }
  if (buttons.transcriptDeliveryId !== undefined && state.parts.transcript.status === "done") {
    row.push({
      text: t("card-button-get-transcript"),
      callback_data: CARD_CALLBACK.transcript(buttons.transcriptDeliveryId),
    });
  }
  return row;
}

/** The line under the title: where the meeting as a whole stands, or none while parts trickle in. */
function stageKey(state: CardState, hidden: ReadonlySet<CardPart>): string | undefined {
  const parts = CARD_PARTS.filter((p) => !hidden.has(p)).map((p) => state.parts[p]);
  if (state.chatFile) parts.push(state.chatFile);
  if (parts.every((p) => isTerminal(p.status))) {
    const removed = state.zoom === "trashed" || state.zoom === "deleted";
    return removed || parts.some((p) => p.status === "failed") ? "card-stage-problem" : "card-stage-done";
  }
  if (parts.some((p) => p.status === "waiting")) return "card-stage-waiting";
  if (hidden.has("audio")) return undefined;
  const audio = state.parts.audio;
  if (audio.status === "working")
    return audio.detail?.startsWith("upload") ? "card-stage-uploading" : "card-stage-downloading";
  if (audio.status === "pending") return "card-stage-received";
  return undefined;
}
