/** A fresh PostgreSQL database per benchmark (127.0.0.1:5432, trust auth), dropped afterwards. */
import pg from "pg";

export const PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createPostgresDatabase(tag: string): Promise<BenchDatabase> {
  const name = `zoomgram_bench_${process.pid}_${tag.replace(/[^a-z0-9_]/gi, "_")}`.toLowerCase();
  await admin((c) => c.query(`drop database if exists ${name} with (force)`));
  await admin((c) => c.query(`create database ${name}`));
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

export async function postgresVersion(): Promise<string | undefined> {
  try {
    return await admin(async (c) => String((await c.query("show server_version")).rows[0]?.server_version));
  } catch {
    return undefined;
  }
}
