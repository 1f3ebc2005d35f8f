/** SQL of the speech feature: the transcript it made, kept on the meeting for the summary. */
import type { Executor } from "../db/database.js";

export async function storeSpeechTranscript(
  db: Executor,
  meetingUuid: string,
  vtt: string,
  now: number,
): Promise<void> {
  await db
    .updateTable("meetings")
    .set({ speech_transcript: vtt, speech_transcript_at: now, updated_at: now })
    .where("meeting_uuid", "=", meetingUuid)
    .execute();
}

export async function findSpeechTranscript(db: Executor, meetingUuid: string): Promise<string | null> {
  const row = await db
    .selectFrom("meetings")
    .select("speech_transcript")
    .where("meeting_uuid", "=", meetingUuid)
    .executeTakeFirst();
  return row?.speech_transcript ?? null;
}
