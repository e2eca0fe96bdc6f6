// Notices, objections, filings, acceptances, payments, spot checks and
// clawbacks (SPEC §9, §10). Reads and writes only; the rules are in
// domain/lifecycle.ts and domain/notice.ts. Call writers inside the command's
// transaction.
import { createHash } from 'node:crypto';
import type { ApplicationState } from '../domain/application.js';
import { currentAwardFen } from '../domain/lifecycle.js';
import { canonicalJson } from '../domain/policy.js';
import type { NotAcceptedReason, ObjectionStatus } from '../domain/labels.js';
import type { Db } from './open.js';

function hasTable(db: Db, table: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
}

export function setState(db: Db, applicationId: string, state: ApplicationState, at: string): void {
  db.prepare('UPDATE applications SET state = ?, updated_at = ? WHERE application_id = ?').run(state, at, applicationId);
}

// ---------------------------------------------------------------- awards

/** The latest allocation version of the round, or null (also before the allocation tables exist). */
export function latestAllocationVersion(db: Db, roundId: string): number | null {
  if (!hasTable(db, 'allocations')) return null;
  const r = db.prepare('SELECT max(version) AS v FROM allocations WHERE round_id = ?').get(roundId) as { v: number | null };
  return r.v;
}

export interface ProposedAward {
  application_id: string;
  state: string;
  category: string;
  enterprise_name: string;
  uscc: string;
  project_name: string;
  award_fen: number;
  source: 'allocation' | 'manual';
}

/**
 * Awards > 0 proposed for the round: the latest allocation version's lines,
 * and for manual categories (Art. 7(5)) the newest `award set`; in
 * application_id order.
 */
export function proposedAwards(db: Db, roundId: string, manualCategories: readonly string[]): ProposedAward[] {
  const out = new Map<string, ProposedAward>();
  const version = latestAllocationVersion(db, roundId);
  if (version !== null) {
    const rows = db
      .prepare(
        `SELECT a.application_id, a.state, a.category, a.enterprise_name, a.uscc, a.project_name, l.award_fen, 'allocation' AS source
         FROM allocation_lines l JOIN applications a ON a.application_id = l.application_id
         WHERE l.round_id = ? AND l.version = ? AND l.award_fen > 0`,
      )
      .all(roundId, version) as ProposedAward[];
    for (const r of rows) if (!manualCategories.includes(r.category)) out.set(r.application_id, r);
  }
  const manual = db
    .prepare(
      `SELECT a.application_id, a.state, a.category, a.enterprise_name, a.uscc, a.project_name, m.amount_fen AS award_fen, 'manual' AS source
       FROM manual_awards m JOIN applications a ON a.application_id = m.application_id
       WHERE m.round_id = ? AND m.id = (SELECT max(id) FROM manual_awards x WHERE x.application_id = m.application_id) AND m.amount_fen > 0`,
    )
    .all(roundId) as ProposedAward[];
  for (const r of manual) if (manualCategories.includes(r.category)) out.set(r.application_id, r);
  return [...out.values()].sort((a, b) => (a.application_id < b.application_id ? -1 : a.application_id > b.application_id ? 1 : 0));
}

export interface ManualAwardRow {
  id: number;
  application_id: string;
  amount_fen: number;
  basis: string;
  set_on: string;
  created_at: string;
  created_by: string;
}

export function latestManualAward(db: Db, applicationId: string): ManualAwardRow | undefined {
  return db.prepare('SELECT * FROM manual_awards WHERE application_id = ? ORDER BY id DESC LIMIT 1').get(applicationId) as ManualAwardRow | undefined;
}

export function insertManualAward(db: Db, r: Omit<ManualAwardRow, 'id'> & { round_id: string }): number {
  return Number(
    db
      .prepare('INSERT INTO manual_awards (round_id, application_id, amount_fen, basis, set_on, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(r.round_id, r.application_id, r.amount_fen, r.basis, r.set_on, r.created_at, r.created_by).lastInsertRowid,
  );
}

// ---------------------------------------------------------------- notices

export interface NoticeRow {
  notice_id: number;
  round_id: string;
  allocation_version: number | null;
  starts_on: string;
  days: number;
  ends_on: string;
  out_file: string | null;
  created_at: string;
  created_by: string;
}

export interface NoticeItem {
  application_id: string;
  award_fen: number;
  source: 'allocation' | 'manual';
}

export function insertNotice(db: Db, n: Omit<NoticeRow, 'notice_id'>, items: readonly NoticeItem[]): number {
  const id = Number(
    db
      .prepare('INSERT INTO notices (round_id, allocation_version, starts_on, days, ends_on, out_file, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(n.round_id, n.allocation_version, n.starts_on, n.days, n.ends_on, n.out_file, n.created_at, n.created_by).lastInsertRowid,
  );
  const ins = db.prepare('INSERT INTO notice_items (notice_id, application_id, award_fen, source) VALUES (?, ?, ?, ?)');
  for (const it of items) ins.run(id, it.application_id, it.award_fen, it.source);
  return id;
}

/** The notice an application was put on, with its amount; undefined if never on notice. */
export function noticeOf(db: Db, applicationId: string): (NoticeRow & { award_fen: number }) | undefined {
  return db
    .prepare('SELECT n.*, i.award_fen FROM notice_items i JOIN notices n ON n.notice_id = i.notice_id WHERE i.application_id = ?')
    .get(applicationId) as (NoticeRow & { award_fen: number }) | undefined;
}

export function roundNotices(db: Db, roundId: string): (NoticeRow & { applications: number; total_fen: number })[] {
  return db
    .prepare(
      `SELECT n.*, count(i.application_id) AS applications, coalesce(sum(i.award_fen), 0) AS total_fen
       FROM notices n LEFT JOIN notice_items i ON i.notice_id = n.notice_id WHERE n.round_id = ? GROUP BY n.notice_id ORDER BY n.notice_id`,
    )
    .all(roundId) as (NoticeRow & { applications: number; total_fen: number })[];
}

/** Applications of the round now in-notice, with the notice each is on. */
export function inNotice(db: Db, roundId: string): { application_id: string; award_fen: number; notice_id: number; ends_on: string }[] {
  return db
    .prepare(
      `SELECT a.application_id, i.award_fen, n.notice_id, n.ends_on
       FROM applications a JOIN notice_items i ON i.application_id = a.application_id JOIN notices n ON n.notice_id = i.notice_id
       WHERE a.round_id = ? AND a.state = 'in-notice' ORDER BY a.application_id`,
    )
    .all(roundId) as { application_id: string; award_fen: number; notice_id: number; ends_on: string }[];
}

// ---------------------------------------------------------------- objections

export interface ObjectionRow {
  objection_id: number;
  round_id: string;
  application_id: string;
  notice_id: number | null;
  received_on: string;
  from_name: string | null;
  text: string;
  status: ObjectionStatus;
  not_accepted_reason: NotAcceptedReason | null;
  resolution_note: string | null;
  resolved_on: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  created_at: string;
  created_by: string;
}

export function insertObjection(db: Db, o: Omit<ObjectionRow, 'objection_id' | 'resolution_note' | 'resolved_on' | 'resolved_at' | 'resolved_by'>): number {
  return Number(
    db
      .prepare(
        `INSERT INTO objections (round_id, application_id, notice_id, received_on, from_name, text, status, not_accepted_reason, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(o.round_id, o.application_id, o.notice_id, o.received_on, o.from_name, o.text, o.status, o.not_accepted_reason, o.created_at, o.created_by)
      .lastInsertRowid,
  );
}

export function getObjection(db: Db, id: number): ObjectionRow | undefined {
  return db.prepare('SELECT * FROM objections WHERE objection_id = ?').get(id) as ObjectionRow | undefined;
}

export function resolveObjection(db: Db, id: number, r: { status: 'upheld' | 'dismissed'; note: string; on: string; at: string; by: string }): void {
  db.prepare(
    `UPDATE objections SET status = ?, resolution_note = ?, resolved_on = ?, resolved_at = ?, resolved_by = ? WHERE objection_id = ? AND status = 'open'`,
  ).run(r.status, r.note, r.on, r.at, r.by, id);
}

export function roundObjections(db: Db, roundId: string, status?: ObjectionStatus): ObjectionRow[] {
  return status
    ? (db.prepare('SELECT * FROM objections WHERE round_id = ? AND status = ? ORDER BY objection_id').all(roundId, status) as ObjectionRow[])
    : (db.prepare('SELECT * FROM objections WHERE round_id = ? ORDER BY objection_id').all(roundId) as ObjectionRow[]);
}

// ---------------------------------------------------------------- filing

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
  total_fen: number;
  hash: string;
  created_at: string;
  created_by: string;
}

export function insertFiling(db: Db, f: { round_id: string; filed_on: string; created_at: string; created_by: string }, items: readonly FiledItem[]): FilingRow {
  const hash = filingHash(f.round_id, f.filed_on, items);
  const total = items.reduce((s, i) => s + i.amount_fen, 0);
  const id = Number(
    db
      .prepare('INSERT INTO filings (round_id, filed_on, award_count, total_fen, hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(f.round_id, f.filed_on, items.length, total, hash, f.created_at, f.created_by).lastInsertRowid,
  );
  const ins = db.prepare('INSERT INTO filed_awards (application_id, filing_id, amount_fen) VALUES (?, ?, ?)');
  for (const i of items) ins.run(i.application_id, id, i.amount_fen);
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

// ---------------------------------------------------------------- acceptance

export interface AcceptanceRow {
  application_id: string;
  accepted_on: string;
  claimed_result: 'pass' | 'fail';
  result: 'pass' | 'fail';
  reason: string;
  actual_investment_fen: number;
  training_events: number | null;
  trainees: number | null;
  cap_fen: number | null;
  filed_award_fen: number;
  final_award_fen: number;
  note: string | null;
  created_at: string;
  created_by: string;
}

export function insertAcceptance(db: Db, a: AcceptanceRow): void {
  db.prepare(
    `INSERT INTO acceptances (application_id, accepted_on, claimed_result, result, reason, actual_investment_fen, training_events, trainees, cap_fen,
       filed_award_fen, final_award_fen, note, created_at, created_by)
     VALUES (@application_id, @accepted_on, @claimed_result, @result, @reason, @actual_investment_fen, @training_events, @trainees, @cap_fen,
       @filed_award_fen, @final_award_fen, @note, @created_at, @created_by)`,
  ).run(a);
}

export function acceptanceOf(db: Db, applicationId: string): AcceptanceRow | undefined {
  return db.prepare('SELECT * FROM acceptances WHERE application_id = ?').get(applicationId) as AcceptanceRow | undefined;
}

// ---------------------------------------------------------------- money

export interface MoneyEntries {
  payments: number[];
  clawbacks: number[];
  recoveries: number[];
}

export function moneyEntries(db: Db, applicationId: string): MoneyEntries {
  const col = (sql: string) => (db.prepare(sql).pluck().all(applicationId) as number[]);
  return {
    payments: col('SELECT amount_fen FROM payments WHERE application_id = ? ORDER BY payment_id'),
    clawbacks: col('SELECT amount_fen FROM clawbacks WHERE application_id = ? ORDER BY clawback_id'),
    recoveries: col('SELECT amount_fen FROM recoveries WHERE application_id = ? ORDER BY recovery_id'),
  };
}

export function insertPayment(db: Db, p: { application_id: string; amount_fen: number; paid_on: string; voucher: string | null; created_at: string; created_by: string }): number {
  return Number(
    db
      .prepare('INSERT INTO payments (application_id, amount_fen, paid_on, voucher, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
      .run(p.application_id, p.amount_fen, p.paid_on, p.voucher, p.created_at, p.created_by).lastInsertRowid,
  );
}

export function insertClawback(
  db: Db,
  c: { application_id: string; amount_fen: number; source: 'audit' | 'spot-check' | 'acceptance'; reason: string; ordered_on: string; created_at: string; created_by: string },
): number {
  return Number(
    db
      .prepare('INSERT INTO clawbacks (application_id, amount_fen, source, reason, ordered_on, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(c.application_id, c.amount_fen, c.source, c.reason, c.ordered_on, c.created_at, c.created_by).lastInsertRowid,
  );
}

export function insertRecovery(db: Db, r: { application_id: string; amount_fen: number; recovered_on: string; voucher: string | null; created_at: string; created_by: string }): number {
  return Number(
    db
      .prepare('INSERT INTO recoveries (application_id, amount_fen, recovered_on, voucher, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.application_id, r.amount_fen, r.recovered_on, r.voucher, r.created_at, r.created_by).lastInsertRowid,
  );
}

export function lastPaymentDate(db: Db, applicationId: string): string | null {
  return (db.prepare('SELECT max(paid_on) FROM payments WHERE application_id = ?').pluck().get(applicationId) as string | null) ?? null;
}

// ---------------------------------------------------------------- spot checks

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
       WHERE a.round_id = ? AND f.amount_fen > 0 AND a.state IN (SELECT value FROM json_each(?)) ORDER BY a.application_id`,
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
  f: { check_id: number; application_id: string; finding: 'ok' | 'violation'; note: string; found_on: string; created_at: string; created_by: string },
): number {
  return Number(
    db
      .prepare('INSERT INTO spot_check_findings (check_id, application_id, finding, note, found_on, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(f.check_id, f.application_id, f.finding, f.note, f.found_on, f.created_at, f.created_by).lastInsertRowid,
  );
}

// ---------------------------------------------------------------- award status

export interface AwardOf {
  state: string;
  /** The award as it stands now (see domain currentAwardFen). */
  award_fen: number;
  filed_award_fen: number | null;
  final_award_fen: number | null;
  paid_fen: number;
  /** Ordered back and not yet recovered. */
  clawback_due_fen: number;
  recovered_fen: number;
}

interface FactsRow {
  application_id: string;
  category: string;
  state: string;
  proposed_fen: number;
  noticed_fen: number | null;
  filed_fen: number | null;
  final_fen: number | null;
  paid_fen: number;
  clawed_fen: number;
  recovered_fen: number;
}

/** One row of money facts per application, by round or for one application, in one query. */
function factsRows(db: Db, where: { roundId: string } | { applicationId: string }): FactsRow[] {
  const byRound = 'roundId' in where;
  const key = byRound ? where.roundId : where.applicationId;
  const withAlloc = hasTable(db, 'allocation_lines');
  const line = withAlloc
    ? `(SELECT l.award_fen FROM allocation_lines l WHERE l.round_id = a.round_id AND l.application_id = a.application_id
         AND l.version = (SELECT max(version) FROM allocations v WHERE v.round_id = a.round_id))`
    : 'NULL';
  const sum = (table: string) => `coalesce((SELECT sum(amount_fen) FROM ${table} t WHERE t.application_id = a.application_id), 0)`;
  return db
    .prepare(
      `SELECT a.application_id, a.category, a.state,
         coalesce((SELECT m.amount_fen FROM manual_awards m WHERE m.application_id = a.application_id ORDER BY m.id DESC LIMIT 1), ${line}, 0) AS proposed_fen,
         (SELECT award_fen FROM notice_items i WHERE i.application_id = a.application_id) AS noticed_fen,
         (SELECT amount_fen FROM filed_awards f WHERE f.application_id = a.application_id) AS filed_fen,
         (SELECT final_award_fen FROM acceptances c WHERE c.application_id = a.application_id) AS final_fen,
         ${sum('payments')} AS paid_fen, ${sum('clawbacks')} AS clawed_fen, ${sum('recoveries')} AS recovered_fen
       FROM applications a WHERE ${byRound ? 'a.round_id' : 'a.application_id'} = ? ORDER BY a.application_id`,
    )
    .all(key) as FactsRow[];
}

const toAwardOf = (r: FactsRow): AwardOf => ({
  state: r.state,
  award_fen: currentAwardFen({
    state: r.state,
    proposedFen: r.proposed_fen,
    noticedFen: r.noticed_fen,
    filedFen: r.filed_fen,
    finalFen: r.final_fen,
    paidFen: r.paid_fen,
    clawedBackFen: r.clawed_fen,
  }),
  filed_award_fen: r.filed_fen,
  final_award_fen: r.final_fen,
  paid_fen: r.paid_fen,
  clawback_due_fen: r.clawed_fen - r.recovered_fen,
  recovered_fen: r.recovered_fen,
});

/** State and money of one application, for `applications show` and the lifecycle commands; undefined if there is no such application. */
export function awardOf(db: Db, applicationId: string): AwardOf | undefined {
  const [r] = factsRows(db, { applicationId });
  return r && toAwardOf(r);
}

/** awardOf for every application of the round, in application_id order. */
export function roundAwards(db: Db, roundId: string): (AwardOf & { application_id: string; category: string; clawed_back_fen: number })[] {
  return factsRows(db, { roundId }).map((r) => ({ application_id: r.application_id, category: r.category, clawed_back_fen: r.clawed_fen, ...toAwardOf(r) }));
}

// ---------------------------------------------------------------- re-allocation

const EXCLUDED_STATES = ['withdrawn', 'rejected-at-acceptance'];

/**
 * What a re-allocation must respect (SPEC §8 reserve list), for `allocate`:
 * `kept` — every award that went on notice and was not withdrawn (nor
 * cancelled at acceptance before payment), at the amount published; `excluded`
 * — the withdrawn / rejected applications, never offered money again. Null
 * while nothing of the round has been put on notice (a plain allocation).
 */
export function reallocationInput(db: Db, roundId: string): { kept: Map<string, number>; excluded: Set<string> } | null {
  const rows = db
    .prepare(
      `SELECT i.application_id, i.award_fen, a.state FROM notice_items i JOIN notices n ON n.notice_id = i.notice_id
       JOIN applications a ON a.application_id = i.application_id WHERE n.round_id = ? ORDER BY i.application_id`,
    )
    .all(roundId) as { application_id: string; award_fen: number; state: string }[];
  if (rows.length === 0) return null;
  const kept = new Map<string, number>();
  const excluded = new Set<string>();
  for (const r of rows) {
    if (EXCLUDED_STATES.includes(r.state)) excluded.add(r.application_id);
    else kept.set(r.application_id, r.award_fen);
  }
  return { kept, excluded };
}
