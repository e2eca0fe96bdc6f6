// What the ledger's schema holds right now: checks, repositories and report
// queries read only tables and columns that exist, so a ledger from before a
// migration (or a table still being built) is read without error.
import type { Db } from './open.js';

export function hasTable(db: Db, table: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
}

export function hasColumn(db: Db, table: string, column: string): boolean {
  return db.prepare(`SELECT 1 FROM pragma_table_info(?) WHERE name = ?`).get(table, column) !== undefined;
}

export function tableColumns(db: Db, table: string): Set<string> | undefined {
  const rows = db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[];
  return rows.length ? new Set(rows.map((r) => r.name)) : undefined;
}

/** The tables and columns a check needs that the ledger lacks (empty: all present). */
export function missingNeeds(db: Db, needs: Record<string, readonly string[]>): string[] {
  const missing: string[] = [];
  for (const [table, cols] of Object.entries(needs)) {
    const have = tableColumns(db, table);
    if (!have) missing.push(table);
    else for (const c of cols) if (!have.has(c)) missing.push(`${table}.${c}`);
  }
  return missing;
}
