// Filing (备案, Art. 10(3)) with the hash that keeps filed amounts from
// changing unseen, and the awards an officer sets for category other
// (Art. 7(5)) that a filing may come to hold.
import { createHash } from 'node:crypto';
import { type FenJson, fenJson } from '../domain/money-stages.js';
import { canonicalJson } from '../domain/policy.js';
import { insertBatched } from './batch-insert.js';
import type { Db } from './open.js';
import { bulkInsert } from './seals.js';

export interface ManualAwardRow {
  id: number;
  application_id: string;
  amount_fen: number;
  basis: string;
  set_on: string;
  created_at: string;
  created_by: string;
}

export function insertManualAward(db: Db, r: Omit<ManualAwardRow, 'id'> & { round_id: string }): number {
  return Number(
    db
      .prepare('INSERT INTO manual_awards (round_id, application_id, amount_fen, basis, set_on, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(r.round_id, r.application_id, r.amount_fen, r.basis, r.set_on, r.created_at, r.created_by).lastInsertRowid,
  );
}

export interface FiledItem {
  application_id: string;
  amount_fen: number;
}

/**
 * SHA-256 of the filing's canonical content (round, date, every filed amount in
 * application_id order), stored with the filing so that `verify` can see any
 * later change to filed amounts.
 */
export function filingHash(roundId: string, filedOn: string, items: readonly FiledItem[]): string {
  const sorted = [...items].sort((a, b) => (a.application_id < b.application_id ? -1 : a.application_id > b.application_id ? 1 : 0));
  const content = canonicalJson({ round_id: roundId, filed_on: filedOn, awards: sorted.map((i) => [i.application_id, i.amount_fen]) });
  return createHash('sha256').update(content).digest('hex');
}

export interface FilingRow {
  filing_id: number;
  round_id: string;
  filed_on: string;
  award_count: number;
  /** Σ filed amounts, exact: a bigint past 2^53 fen. */
  total_fen: FenJson;
  hash: string;
  created_at: string;
  created_by: string;
}

export function insertFiling(db: Db, f: { round_id: string; filed_on: string; created_at: string; created_by: string }, items: readonly FiledItem[], onRow?: (done: number) => void): FilingRow {
  const hash = filingHash(f.round_id, f.filed_on, items);
  let sum = 0n;
  for (const i of items) sum += BigInt(i.amount_fen);
  const total = fenJson(sum);
  const id = Number(
    db
      .prepare('INSERT INTO filings (round_id, filed_on, award_count, total_fen, hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(f.round_id, f.filed_on, items.length, total, hash, f.created_at, f.created_by).lastInsertRowid,
  );
  let done = 0;
  // In key order, sealed from the table by rowid, not noted one by one by a trigger (seals.ts bulkInsert); outside a
  // transaction (tests that build a ledger by hand) the trigger notes them as any row.
  const bulk = db.inTransaction ? bulkInsert(db, 'filed_awards', undefined, { inKeyOrder: true }) : null;
  insertBatched(db, 'INSERT INTO filed_awards (application_id, filing_id, amount_fen) VALUES ', '(?, ?, ?)', items, (i, args) => {
    args.push(i.application_id, id, i.amount_fen);
    if (onRow && (++done & 4095) === 0) onRow(done);
  });
  bulk?.done();
  return { filing_id: id, ...f, award_count: items.length, total_fen: total, hash };
}

/** Every filing with the hash recomputed from the filed amounts as they are now (for `verify`). */
export function checkFilings(db: Db): { filing_id: number; round_id: string; stored: string; recomputed: string; ok: boolean }[] {
  const filings = db.prepare('SELECT * FROM filings ORDER BY filing_id').all() as FilingRow[];
  const items = db.prepare('SELECT application_id, amount_fen FROM filed_awards WHERE filing_id = ?');
  return filings.map((f) => {
    const recomputed = filingHash(f.round_id, f.filed_on, items.all(f.filing_id) as FiledItem[]);
    return { filing_id: f.filing_id, round_id: f.round_id, stored: f.hash, recomputed, ok: recomputed === f.hash };
  });
}

export function filedAward(db: Db, applicationId: string): { amount_fen: number; filing_id: number; filed_on: string } | undefined {
  return db
    .prepare('SELECT f.amount_fen, f.filing_id, g.filed_on FROM filed_awards f JOIN filings g ON g.filing_id = f.filing_id WHERE f.application_id = ?')
    .get(applicationId) as { amount_fen: number; filing_id: number; filed_on: string } | undefined;
}
