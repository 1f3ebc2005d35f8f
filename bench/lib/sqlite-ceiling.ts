/**
 * How many committed transactions per second SQLite can do on this disk, with `synchronous=FULL`
 * (what Zoomgram uses: every COMMIT waits for fsync) and with `synchronous=NORMAL` in WAL mode:
 * the ceiling any one-transaction-per-webhook design hits on SQLite here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";

export function sqliteCommitsPerSecond(synchronous: "FULL" | "NORMAL", durationMs = 1000): number {
  const dir = mkdtempSync(join(tmpdir(), "zoomgram-bench-sqlite-"));
  const db = new Database(join(dir, "c.db"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${synchronous}`);
    db.exec("create table t (id integer primary key, v text)");
    const insert = db.prepare("insert into t (v) values (?)");
    const tx = db.transaction((v: string) => insert.run(v));
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < durationMs) {
      tx("x".repeat(200));
      n++;
    }
    return n / ((performance.now() - start) / 1000);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
