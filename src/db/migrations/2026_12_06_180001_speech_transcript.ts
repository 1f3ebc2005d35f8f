/**
 * The transcript made by speech to text when Zoom gave the meeting none (WebVTT, stitched from the
 * pieces), kept on the meeting so its summary can be made from it, and purged with the meeting on
 * deauthorization. Frozen in time: never import application code here.
 */
import type { Migration } from "kysely";
import type { Dialect } from "../database.js";
import { bigIntType } from "./columns.js";

export function speechTranscript(dialect: Dialect): Migration {
  const big = bigIntType(dialect);
  return {
    async up(db) {
      await db.schema.alterTable("meetings").addColumn("speech_transcript", "text").execute();
      await db.schema.alterTable("meetings").addColumn("speech_transcript_at", big).execute();
    },
    async down(db) {
      await db.schema.alterTable("meetings").dropColumn("speech_transcript_at").execute();
      await db.schema.alterTable("meetings").dropColumn("speech_transcript").execute();
    },
  };
}
