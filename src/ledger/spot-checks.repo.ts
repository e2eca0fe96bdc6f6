// Spot checks (抽查, Art. 16): the drawn sample and the findings.
import type { SpotCheckFinding } from '../domain/labels.js';
import type { Db } from './open.js';
import { noticedStateSql } from './states.js';

export interface SpotCheckRow {
  check_id: number;
  round_id: string;
  seed: string;
  method_json: string;
  population: number;
  drawn_on: string;
  created_at: string;
  created_by: string;
}

/** Filed awards > 0 that a spot check may draw (SPEC §10: any state from filed on, award not cancelled). */
export function spotCheckPopulation(db: Db, roundId: string, states: readonly string[]): { application_id: string; category: string; amount_fen: number }[] {
  return db
    .prepare(
      `SELECT a.application_id, a.category, f.amount_fen FROM applications a JOIN filed_awards f ON f.application_id = a.application_id
       WHERE a.round_id = ? AND f.amount_fen > 0 AND ${noticedStateSql(db, 'a')} IN (SELECT value FROM json_each(?)) ORDER BY a.application_id`,
    )
    .all(roundId, JSON.stringify(states)) as { application_id: string; category: string; amount_fen: number }[];
}

export function insertSpotCheck(
  db: Db,
  c: Omit<SpotCheckRow, 'check_id'>,
  items: readonly { application_id: string; basis: 'random' | 'above-amount'; stratum: string | null }[],
): number {
  const id = Number(
    db
      .prepare('INSERT INTO spot_checks (round_id, seed, method_json, population, drawn_on, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(c.round_id, c.seed, c.method_json, c.population, c.drawn_on, c.created_at, c.created_by).lastInsertRowid,
  );
  const ins = db.prepare('INSERT INTO spot_check_items (check_id, application_id, basis, stratum) VALUES (?, ?, ?, ?)');
  for (const i of items) ins.run(id, i.application_id, i.basis, i.stratum);
  return id;
}

/** The newest spot check that sampled the application (or the one named), with its finding if any. */
export function spotCheckItem(db: Db, applicationId: string, checkId?: number): { check_id: number; drawn_on: string; finding: string | null } | undefined {
  const sql = `SELECT c.check_id, c.drawn_on, f.finding FROM spot_check_items i JOIN spot_checks c ON c.check_id = i.check_id
     LEFT JOIN spot_check_findings f ON f.check_id = i.check_id AND f.application_id = i.application_id
     WHERE i.application_id = ? ${checkId === undefined ? '' : 'AND i.check_id = ?'} ORDER BY c.check_id DESC LIMIT 1`;
  const args: (string | number)[] = checkId === undefined ? [applicationId] : [applicationId, checkId];
  return db.prepare(sql).get(...args) as { check_id: number; drawn_on: string; finding: string | null } | undefined;
}

export function insertFinding(
  db: Db,
  f: { check_id: number; application_id: string; finding: SpotCheckFinding; note: string; found_on: string; created_at: string; created_by: string },
): number {
  return Number(
    db
      .prepare('INSERT INTO spot_check_findings (check_id, application_id, finding, note, found_on, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(f.check_id, f.application_id, f.finding, f.note, f.found_on, f.created_at, f.created_by).lastInsertRowid,
  );
}
