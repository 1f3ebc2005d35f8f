/**
 * Every table, typed. Rows stay snake_case; times are integer milliseconds since the epoch (the
 * same representation on SQLite and PostgreSQL, and the injected clock's unit); flags are 0/1
 * integers and structured values are JSON text, so one query code path serves both dialects.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

type Id = Generated<number>;

export interface UsersTable {
  telegram_user_id: number;
  username: string | null;
  first_name: string | null;
  language_code: string | null;
  locale: string;
  created_at: number;
  updated_at: number;
}

export interface ChatsTable {
  chat_id: number;
  type: string;
  title: string | null;
  locale: string;
  /** active | paused (bot blocked or kicked) | migrated */
  status: string;
  status_reason: string | null;
  migrated_to: number | null;
  created_at: number;
  updated_at: number;
}

/**
 * What a chat chose in /settings. NULL in a choice column: not chosen, the environment default
 * applies (src/settings/chat-settings.repository.ts).
 */
export interface ChatSettingsTable {
  chat_id: number;
  part_audio: number | null;
  part_video: number | null;
  part_transcript: number | null;
  part_summary: number | null;
  /** Zoom's in-meeting chat file. */
  part_chat: number | null;
  /** all | contains | excludes */
  topic_mode: string | null;
  topic_phrase: string | null;
  trash_after_delivery: number | null;
  /** A channel or group deliveries go to instead of this chat; NULL: this chat. */
  destination_chat_id: number | null;
  /** Forum topic (message_thread_id) in the destination; NULL: none / the General topic. */
  destination_thread_id: number | null;
  destination_title: string | null;
  /** Set when the destination stopped accepting posts (topic closed/deleted, channel lost). */
  destination_paused_reason: string | null;
  /**
   * On a person's private chat: the chat whose destination they are picking with the
   * `request_chat` button sent there (request_chat works in private chats only).
   */
  destination_request_for: number | null;
  created_at: number;
  updated_at: number;
}

export interface ZoomConnectionsTable {
  id: Id;
  zoom_user_id: string;
  zoom_account_id: string | null;
  email: string;
  display_name: string | null;
  timezone: string | null;
  chat_id: number;
  telegram_user_id: number;
  access_token_enc: string;
  refresh_token_enc: string;
  /** Key id of the key that encrypted both tokens (also inside each ciphertext). */
  token_key_id: string;
  access_expires_at: number;
  api_url: string | null;
  scope: string | null;
  /** active | broken (refresh rejected: reconnect needed) */
  status: string;
  status_reason: string | null;
  /** Single-flight refresh across processes: whoever holds this lease refreshes. */
  refresh_lock_owner: string | null;
  refresh_lock_until: number | null;
  /** Fencing token of the refresh lease: a save must name it (issue #13). */
  refresh_lock_token: string | null;
  connected_at: number;
  updated_at: number;
}

/** Connect links whose OAuth flow started: a link is spent once (issue #13). */
export interface ConnectLinksSpentTable {
  /** base64url SHA-256 of the link's signature. */
  link_hash: string;
  chat_id: number;
  telegram_user_id: number;
  /** When the link itself expires; the row is useless afterwards. */
  expires_at: number;
  spent_at: number;
}

export interface OauthStatesTable {
  nonce: string;
  chat_id: number;
  telegram_user_id: number;
  /** PKCE code_verifier, encrypted like tokens: it must not leak from the database either. */
  code_verifier_enc: string;
  locale: string;
  expires_at: number;
  created_at: number;
}

export interface MeetingsTable {
  id: Id;
  meeting_uuid: string;
  zoom_user_id: string;
  meeting_number: string | null;
  topic: string;
  start_time: string | null;
  timezone: string | null;
  duration_minutes: number | null;
  host_email: string | null;
  share_url: string | null;
  summary_text: string | null;
  /** zoom | api | extractive */
  summary_source: string | null;
  /** WebVTT made by speech to text when Zoom gave no transcript (issue 16); null otherwise. */
  speech_transcript: string | null;
  speech_transcript_at: number | null;
  received_at: number;
  updated_at: number;
}

export interface RecordingsTable {
  id: Id;
  meeting_uuid: string;
  file_id: string;
  file_type: string;
  recording_type: string | null;
  file_extension: string | null;
  file_size: number | null;
  status: string | null;
  recording_start: string | null;
  recording_end: string | null;
  play_url: string | null;
  created_at: number;
  updated_at: number;
}

export interface DeliveriesTable {
  id: Id;
  meeting_uuid: string;
  /** Recording file key, or a synthetic key for meeting-level parts ("summary"). */
  file_id: string;
  chat_id: number;
  /** audio | video | transcript | summary | chat (Zoom's in-meeting chat file) */
  kind: string;
  /** pending | downloading | uploading | delivered | failed | skipped */
  state: string;
  detail: string | null;
  /** JSON array of Telegram message ids this delivery produced. */
  message_ids: string | null;
  telegram_file_id: string | null;
  bytes: number | null;
  attempts: number;
  last_error: string | null;
  /** When the webhook that caused this delivery was received (end-to-end latency). */
  requested_at: number;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface MeetingCardsTable {
  meeting_uuid: string;
  chat_id: number;
  message_id: number | null;
  /** JSON of the card's part states, so every edit renders the whole card. */
  state: string;
  last_text: string | null;
  updated_at: number;
}

export interface WebhookEventsTable {
  id: Id;
  received_at: number;
  event: string;
  meeting_uuid: string | null;
  zoom_user_id: string | null;
  request_id: string | null;
  /** accepted | duplicate | ignored | no_connection | invalid */
  result: string;
  /** The event's download_token, encrypted (it is a 24 h bearer credential). */
  download_token_enc: string | null;
  /** The payload without download_token. */
  payload: string;
}

export interface JobsTable {
  id: Id;
  kind: string;
  payload: string;
  /** queued | active | retry | completed | dead | cancelled */
  state: string;
  priority: number;
  attempts: number;
  max_attempts: number;
  run_at: number;
  locked_by: string | null;
  /** Fencing token of the current lease: writes by an earlier holder are refused (issue #13). */
  lease_token: string | null;
  lease_expires_at: number | null;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
  acquired_at: number;
}

/** /import runs (src/backfill/): the request and the cursor its job resumes from. */
export interface BackfillRunsTable {
  id: Id;
  chat_id: number;
  /** `chat_id` while the run is unfinished, NULL after (unique: one unfinished run per chat). */
  active_chat_id: number | null;
  requested_by: number;
  locale: string;
  /** `YYYY-MM-DD` (UTC), inclusive. */
  from_day: string;
  to_day: string;
  /** JSON array of the Zoom user ids connected to the chat when the run began. */
  zoom_user_ids: string;
  /** Which of `zoom_user_ids` is being listed. */
  user_index: number;
  /** First day of the one-month window being listed. */
  window_from: string;
  /** Zoom's `next_page_token` within that window (expires after 15 minutes). */
  page_token: string | null;
  /** listing | delivering | done | cancelled | failed */
  state: string;
  progress_message_id: number | null;
  last_text: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** One meeting an /import run found. */
export interface BackfillItemsTable {
  id: Id;
  run_id: number;
  meeting_uuid: string;
  zoom_user_id: string;
  start_time: string;
  /** listed | ingesting | queued | skipped */
  state: string;
  created_at: number;
  updated_at: number;
}

/** Trash after delivery: a meeting's cloud recording moved to Zoom's trash (or the attempt). */
export interface MeetingTrashTable {
  meeting_uuid: string;
  chat_id: number;
  zoom_user_id: string;
  /** moving | moved | scope_missing | refused | gone */
  state: string;
  detail: string | null;
  created_at: number;
  updated_at: number;
}

/** A meeting's recording removed in Zoom while parts were on their way (issue #13, item 11). */
export interface RecordingRemovalsTable {
  meeting_uuid: string;
  zoom_user_id: string;
  chat_id: number;
  /** trashed | deleted | recovered */
  state: string;
  /** JSON array of the delivery ids stopped. */
  stopped_deliveries: string;
  /** JSON array of the jobs cancelled: `{ id, kind, payload }`. */
  stopped_jobs: string;
  created_at: number;
  updated_at: number;
}

export interface WebhookInboxTable {
  id: Id;
  received_at: number;
  event: string;
  request_id: string | null;
  /** The verified body without download_token. */
  payload: string;
  /** The event's download_token, encrypted (AAD: the meeting, as on webhook_events). */
  download_token_enc: string | null;
  /** pending | failed */
  state: ColumnType<string, string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  available_at: number;
  last_error: string | null;
}

export interface Database {
  users: UsersTable;
  chats: ChatsTable;
  chat_settings: ChatSettingsTable;
  zoom_connections: ZoomConnectionsTable;
  oauth_states: OauthStatesTable;
  connect_links_spent: ConnectLinksSpentTable;
  meetings: MeetingsTable;
  recordings: RecordingsTable;
  deliveries: DeliveriesTable;
  meeting_cards: MeetingCardsTable;
  webhook_events: WebhookEventsTable;
  webhook_inbox: WebhookInboxTable;
  jobs: JobsTable;
  leases: LeasesTable;
  backfill_runs: BackfillRunsTable;
  backfill_items: BackfillItemsTable;
  meeting_trash: MeetingTrashTable;
  recording_removals: RecordingRemovalsTable;
}

export type JobRow = Selectable<JobsTable>;
export type NewJob = Insertable<JobsTable>;
export type JobUpdate = Updateable<JobsTable>;
export type ConnectionRow = Selectable<ZoomConnectionsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type MeetingRow = Selectable<MeetingsTable>;
export type ChatRow = Selectable<ChatsTable>;
export type UserRow = Selectable<UsersTable>;

// Re-exported so feature code never needs to know the ColumnType helper exists.
export type { ColumnType };
