/**
 * Progress of a meeting's parts in a chat, published by the jobs that do the work and consumed by
 * whoever shows it (the meeting card). Publishing never fails the publisher: a listener error is
 * logged by the bus owner, and the delivery goes on.
 */
/**
 * `trash`: the cloud recording was moved to Zoom's trash (done) or Zoom refused (failed, detail = why).
 * `zoom`: someone changed the recording in Zoom before it was all delivered (detail `trashed`,
 * `deleted` or `recovered`; src/delivery/ingest-lifecycle.ts).
 * `chat`: Zoom's in-meeting chat file, for chats that chose it.
 */
export type MeetingPart = "received" | "audio" | "transcript" | "summary" | "chat" | "trash" | "zoom";
export type PartStatus = "pending" | "working" | "done" | "failed" | "unavailable" | "waiting";

export interface PartProgress {
  meetingUuid: string;
  chatId: number;
  part: MeetingPart;
  status: PartStatus;
  /** Localized-ready reason key or short plain detail (e.g. "downloading", "uploading 2/3"). */
  detail?: string;
}

export type ProgressListener = (event: PartProgress) => Promise<void>;

export interface ProgressBus {
  publish(event: PartProgress): Promise<void>;
  subscribe(listener: ProgressListener): () => void;
}

export function createProgressBus(onListenerError: (error: unknown) => void): ProgressBus {
  const listeners = new Set<ProgressListener>();
  return {
    async publish(event) {
      for (const listener of listeners) {
        try {
          await listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
