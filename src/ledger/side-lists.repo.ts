// Side lists (SPEC §5): ledger-wide, not per round. A row is identified by the
// hash of its normalised values, so importing the same rows again adds nothing.
import { canonicalJson } from '../domain/policy.js';
import { type SideListKind, type SideListRecord, sideListContent } from '../domain/side-lists.js';
import { AHEAD_ROWS, sha256Hex } from './import.repo.js';
import type { Db } from './open.js';
import { type BulkInsert, bulkInsert, type SideListTable } from './seals.js';

export const SIDE_LIST_TABLES: Readonly<Record<SideListKind, SideListTable>> = {
  'prior-funding': 'prior_funding',
  credit: 'credit_listings',
  violations: 'violations',
  accidents: 'accidents',
};

const INSERT: Readonly<Record<SideListKind, string>> = {
  'prior-funding': 'INSERT INTO prior_funding (uscc, project_name, program, amount_fen, year, row_hash, source_file, source_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  credit: 'INSERT INTO credit_listings (uscc, list, listed_on, removed_on, row_hash, source_file, source_line) VALUES (?, ?, ?, ?, ?, ?, ?)',
  violations: 'INSERT INTO violations (uscc, occurred_on, description, row_hash, source_file, source_line) VALUES (?, ?, ?, ?, ?, ?)',
  accidents: 'INSERT INTO accidents (uscc, occurred_on, kind, description, row_hash, source_file, source_line) VALUES (?, ?, ?, ?, ?, ?, ?)',
};

function values(rec: SideListRecord): (string | number | null)[] {
  switch (rec.kind) {
    case 'prior-funding':
      return [rec.row.uscc, rec.row.projectName, rec.row.program, rec.row.amountFen, rec.row.year];
    case 'credit':
      return [rec.row.uscc, rec.row.list, rec.row.listedOn, rec.row.removedOn];
    case 'violations':
      return [rec.row.uscc, rec.row.occurredOn, rec.row.description];
    case 'accidents':
      return [rec.row.uscc, rec.row.occurredOn, rec.row.kind, rec.row.description];
  }
}

export const sideListRowHash = (rec: SideListRecord): string => sha256Hex(canonicalJson(sideListContent(rec)));

/**
 * A side-list row as its import inserts it: the list's values in the INSERT's
 * order, then the row's identity hash. Made where the row is parsed (the
 * import worker, for a large file): a flat array crosses between threads for
 * little, and the hash is then not made by the thread that writes.
 */
export type SideListInsertRow = (string | number | null)[];

export const sideListInsertRow = (rec: SideListRecord): SideListInsertRow => {
  const row = values(rec);
  row.push(sideListRowHash(rec));
  return row;
};

/**
 * One import's inserts, inside its transaction. The new rows are sealed in bulk
 * (seals.ts): with the table's seal trigger in place, each insert ran as a
 * statement that could abort half done, so SQLite copied the pages it touched
 * into a statement journal, row by row, into a temporary file once one row's
 * copy outgrew 64 KiB.
 */
export class SideListImportSession {
  private readonly insert;
  private readonly newRows: BulkInsert;
  constructor(db: Db, kind: SideListKind) {
    this.newRows = bulkInsert(db, SIDE_LIST_TABLES[kind]);
    this.insert = db.prepare(`${INSERT[kind]} ON CONFLICT(row_hash) DO NOTHING`);
  }

  /** While the parser is behind: a few of the new rows hashed for their seals (false: none was left). */
  sealAhead(): boolean {
    return this.newRows.sealAhead(AHEAD_ROWS);
  }

  /** Before the commit: the rows this import inserted are noted for the row seals. */
  noteNewRows(): void {
    this.newRows.done();
  }

  /** true when the row is new, false when the ledger (or this file) already has it. */
  accept(row: SideListInsertRow, file: string, line: number): boolean {
    return this.insert.run(...row, file, line).changes === 1;
  }
}

/** A side-list row as `lists show --json` prints it. */
export type SideListJson = Record<string, string | number | null>;

const SELECT: Readonly<Record<SideListKind, string>> = {
  'prior-funding': 'SELECT uscc, project_name, program, amount_fen, year, source_file, source_line FROM prior_funding',
  credit: 'SELECT uscc, list, listed_on, removed_on, source_file, source_line FROM credit_listings',
  violations: 'SELECT uscc, occurred_on AS date, description, source_file, source_line FROM violations',
  accidents: 'SELECT uscc, occurred_on AS date, kind, description, source_file, source_line FROM accidents',
};

export function listSideList(db: Db, kind: SideListKind, uscc?: string): SideListJson[] {
  const where = uscc === undefined ? '' : ' WHERE uscc = ?';
  const stmt = db.prepare(`${SELECT[kind]}${where} ORDER BY uscc, id`);
  return (uscc === undefined ? stmt.all() : stmt.all(uscc)) as SideListJson[];
}
