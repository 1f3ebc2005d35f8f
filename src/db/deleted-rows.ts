/**
 * How many rows a DELETE removed, as a number: Kysely reports `numDeletedRows` as a bigint, and
 * every retention and purge statement returns the count to its caller (logs, metrics, the CLI).
 */
import type { DeleteResult } from "kysely";

export async function deletedRows(query: { executeTakeFirst(): Promise<DeleteResult> }): Promise<number> {
  return Number((await query.executeTakeFirst()).numDeletedRows);
}
