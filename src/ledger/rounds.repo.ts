// Rounds (申报批次) and their category budgets.
import type { Policy } from '../domain/policy.js';
import type { Db } from './open.js';

export interface Round {
  roundId: string;
  opensOn: string;
  closesOn: string;
  policyId: string;
  policyHash: string;
  policy: Policy;
  createdAt: string;
  createdBy: string;
  budgets: Record<string, number>;
}

interface RoundRow {
  round_id: string;
  opens_on: string;
  closes_on: string;
  policy_id: string;
  policy_hash: string;
  policy_json: string;
  created_at: string;
  created_by: string;
}

export function roundExists(db: Db, roundId: string): boolean {
  return db.prepare('SELECT 1 FROM rounds WHERE round_id = ?').get(roundId) !== undefined;
}

export function insertRound(db: Db, r: Round): void {
  db.prepare(
    'INSERT INTO rounds (round_id, opens_on, closes_on, policy_id, policy_hash, policy_json, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(r.roundId, r.opensOn, r.closesOn, r.policyId, r.policyHash, JSON.stringify(r.policy), r.createdAt, r.createdBy);
  const b = db.prepare('INSERT INTO round_budgets (round_id, category, amount_fen) VALUES (?, ?, ?)');
  for (const [category, fen] of Object.entries(r.budgets)) b.run(r.roundId, category, fen);
}

function budgetsOf(db: Db, roundId: string): Record<string, number> {
  const rows = db.prepare('SELECT category, amount_fen FROM round_budgets WHERE round_id = ? ORDER BY category').all(roundId) as {
    category: string;
    amount_fen: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.category, r.amount_fen]));
}

function fromRow(db: Db, row: RoundRow): Round {
  return {
    roundId: row.round_id,
    opensOn: row.opens_on,
    closesOn: row.closes_on,
    policyId: row.policy_id,
    policyHash: row.policy_hash,
    policy: JSON.parse(row.policy_json) as Policy,
    createdAt: row.created_at,
    createdBy: row.created_by,
    budgets: budgetsOf(db, row.round_id),
  };
}

export function getRound(db: Db, roundId: string): Round | undefined {
  const row = db.prepare('SELECT * FROM rounds WHERE round_id = ?').get(roundId) as RoundRow | undefined;
  return row && fromRow(db, row);
}

export function listRounds(db: Db): Round[] {
  return (db.prepare('SELECT * FROM rounds ORDER BY opens_on, round_id').all() as RoundRow[]).map((r) => fromRow(db, r));
}

/** Sets the given categories' budgets of a round (others unchanged). Call inside the command's transaction. */
export function setRoundBudgets(db: Db, roundId: string, budgets: Record<string, number>): void {
  const up = db.prepare('INSERT INTO round_budgets (round_id, category, amount_fen) VALUES (?, ?, ?) ON CONFLICT(round_id, category) DO UPDATE SET amount_fen = excluded.amount_fen');
  for (const [category, fen] of Object.entries(budgets)) up.run(roundId, category, fen);
}
