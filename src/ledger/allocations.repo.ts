// Allocation versions: reading the candidates (plan() ranks them), storing a
// plan as a numbered version, reading versions back.
import { ALLOCATION_REASONS, BINDING_LIMITS, CandidateColumns, ELIGIBILITY_CODES, SCORE_STATUS_CODES } from '../domain/allocation.js';
import { isDateNumber } from '../domain/dates.js';
import { RefusedError } from '../domain/errors.js';
import { text } from '../domain/text.js';
import type { AllocationPlan, AllocationReason, BindingLimit, KeptAward } from '../domain/allocation.js';
import type { AllocationMethod, ShortfallRule, TieBreakKey } from '../domain/policy.js';
import type { Db } from './open.js';
import { getRound } from './rounds.repo.js';
import { hasTable } from './schema.js';
import { eligibilitySql, LINE_STATE_SQL, noticedStateIn, PRE_NOTICE_STATES, sqlWords, stateSql } from './states.js';
import { insertBatched } from './batch-insert.js';
import { FirstCopies } from '../domain/first-copies.js';
import { bulkInsert } from './seals.js';
import { sqlText } from './statements.js';

type CandidateRow = [
  string, // application_id
  number | string, // category: code, or text when not in the policy
  number | string | null, // cluster: code, or text when not in the policy
  string, // uscc
  string, // enterprise_name
  number, // requested_amount_fen
  number, // total_investment_fen
  number | string, // submitted_on as YYYYMMDD, or as stored when not 10 characters long
  number, // 4 × eligibility code + score status code
  number | string | null, // score_num
  number | string | null, // score_den
  string | null, // score_display
];

/**
 * Whether to read the round by walking the applications' key (already in
 * application_id order) rather than finding the round's rows and sorting them,
 * and about how many applications to expect. A sort of 10^6 wide rows spills
 * to temporary files (12 s of CPU against 4 s for the walk), but the walk
 * visits every round's rows: worth it when this round is most of the ledger.
 */
function walkKey(db: Db, roundId: string): { key: boolean; inRound: number } {
  // The only round is the whole ledger: no count over every row (0.45 s at 10^6) to find out.
  if ((db.prepare('SELECT count(*) FROM rounds').pluck().get() as number) === 1) {
    const last = (db.prepare('SELECT max(rowid) FROM applications').pluck().get() as number | null) ?? 0;
    return { key: true, inRound: Math.min(last, 1 << 24) };
  }
  const inRound = db.prepare('SELECT count(*) FROM applications WHERE round_id = ?').pluck().get(roundId) as number;
  if (inRound < 50_000) return { key: false, inRound };
  const all = db.prepare('SELECT count(*) FROM applications').pluck().get() as number;
  return { key: inRound * 2 >= all, inRound };
}

/**
 * Every application of the round with its eligibility and stored aggregate, by
 * application_id: plan() ranks them, and storeAllocation writes the lines in
 * this order, the order of allocation_lines' key. (Ranking in SQL cost more than
 * the JS sort: its temporary B-tree holds every wide row, in random order.)
 * Works before the eligibility and scores tables exist: everyone is then not
 * yet checked / not scored.
 */
/**
 * A function giving the first copy of each text it has seen (up to `limit`
 * distinct ones), for what repeats across 10^5–10^6 rows held in memory.
 */
function sharedStrings(limit = 200_000): <T extends string | null>(s: T) => T {
  const copies = new FirstCopies<string>(limit);
  return <T extends string | null>(s: T): T => (s === null ? s : ((copies.get(s) ?? copies.keep(s, s)) as T));
}

/** `onRead`: applications read so far, every 4,096 (a progress bar). */
export function roundCandidates(db: Db, roundId: string, onRead?: (done: number) => void): CandidateColumns {
  const withScores = hasTable(db, 'score_aggregates');
  const walk = walkKey(db, roundId);
  const cols = new CandidateColumns(walk.inRound);
  // SQLite codes what repeats (category, cluster, date, eligibility and score status) as
  // numbers: 10^6 rows then make three strings each instead of eleven. The round's policy
  // names the usual values; any other comes through as text and is coded here.
  const policy = getRound(db, roundId)?.policy ?? null;
  const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const caseOf = (col: string, keys: string[], code: (k: string) => number) =>
    keys.length === 0 ? col : `CASE ${col} ${keys.map((k) => `WHEN ${lit(k)} THEN ${code(k)}`).join(' ')} ELSE ${col} END`;
  const categoryKeys = policy?.categories.map((c) => c.key) ?? [];
  const clusterKeys = policy?.clusters.map((c) => c.key) ?? [];
  for (const k of categoryKeys) cols.categoryCodeOf(k);
  for (const k of clusterKeys) cols.clusterCodeOf(k);
  const code = (list: readonly (string | null)[], col: string) => `CASE ${col} ${list.map((v, i) => (v === null ? '' : `WHEN ${lit(v)} THEN ${i}`)).join(' ')} ELSE 0 END`;
  // Integers of up to 15 characters are exact as doubles; longer ones stay text for BigInt.
  const exactly = (col: string) => `CASE WHEN length(${col}) <= 15 THEN CAST(${col} AS INTEGER) ELSE ${col} END`;
  const sql = `SELECT a.application_id, ${caseOf('a.category', categoryKeys, (k) => cols.categoryCodeOf(k))},
      ${caseOf('a.cluster', clusterKeys, (k) => cols.clusterCodeOf(k))}, a.uscc, a.enterprise_name, a.requested_amount_fen,
      a.total_investment_fen,
      CASE WHEN length(a.submitted_on) = 10 THEN CAST(replace(a.submitted_on, '-', '') AS INTEGER) ELSE a.submitted_on END,
      ${code(ELIGIBILITY_CODES, eligibilitySql(db, 'a'))} * 4 + ${withScores ? code(SCORE_STATUS_CODES, 's.status') : '0'},
      ${withScores ? `${exactly('s.score_num')}, ${exactly('s.score_den')}, s.score_display` : 'NULL, NULL, NULL'}
    FROM applications a ${withScores ? 'LEFT JOIN score_aggregates s ON s.application_id = a.application_id' : ''}
    WHERE ${walk.key ? '+a.round_id' : 'a.round_id'} = ?
    ORDER BY a.application_id`;
  // One string per displayed score and per enterprise's name, not one per application (held for the whole plan).
  const one = sharedStrings();
  let read = 0;
  for (const r of db.prepare(sql).raw().iterate(roundId) as IterableIterator<CandidateRow>) {
    const category = typeof r[1] === 'number' ? r[1] : cols.categoryCodeOf(r[1]);
    const cluster = r[2] === null ? 0 : typeof r[2] === 'number' ? r[2] : cols.clusterCodeOf(r[2]);
    const day = r[7];
    // Import stores only valid dates: anything else here is a damaged ledger (`jmfund verify`).
    if (typeof day !== 'number' || !isDateNumber(day)) {
      throw new RefusedError(
        text(`申报 ${r[0]}：账本中的提交日期（${day}）不是 YYYY-MM-DD 日期；账本可能被改动过。`, `application ${r[0]}: the stored submission date (${day}) is not a YYYY-MM-DD date; the ledger may have been altered.`),
        text('运行 `jmfund verify`，必要时从备份恢复。', 'run `jmfund verify`, and restore from a backup if needed.'),
      );
    }
    cols.pushCoded(r[0], category, cluster, r[3], one(r[4]), r[5], r[6], day, r[8], r[9], r[10], one(r[11]));
    if (onRead && (++read & 4095) === 0) onRead(read);
  }
  return cols;
}

// After the notice, an award is kept by a re-allocation; a withdrawn one frees its money (SPEC §8).
const KEPT_STATES = ['in-notice', 'filed', 'accepted', 'disbursed', 'clawback-due', 'recovered'];
const EXCLUDED_STATES = ['withdrawn', 'rejected-at-acceptance'];

/** Awards a new version must keep, and applications it must leave out, from the latest version and the states. */
export function lockedAwards(db: Db, roundId: string): { kept: Map<string, KeptAward>; excluded: Set<string> } {
  const kept = new Map<string, KeptAward>();
  const excluded = new Set<string>();
  // Nothing can be on notice or withdrawn before a first version.
  const latest = latestVersion(db, roundId);
  if (latest === null) return { kept, excluded };
  for (const r of db.prepare(`SELECT application_id FROM applications WHERE round_id = ? AND state IN (${sqlWords(EXCLUDED_STATES)})`).all(roundId) as {
    application_id: string;
  }[]) {
    excluded.add(r.application_id);
  }
  const rows = db
    .prepare(
      `SELECT l.application_id, l.award_fen, l.reason, l.binding FROM allocation_lines l JOIN applications a ON a.application_id = l.application_id
       WHERE l.round_id = ? AND l.version = ? AND l.award_fen > 0 AND ${noticedStateIn(db, 'a', KEPT_STATES)}`,
    )
    .all(roundId, latest) as { application_id: string; award_fen: number; reason: AllocationReason; binding: BindingLimit | null }[];
  for (const r of rows) kept.set(r.application_id, { awardFen: r.award_fen, reason: r.reason, binding: r.binding });
  return { kept, excluded };
}

export function latestVersion(db: Db, roundId: string): number | null {
  const r = db.prepare('SELECT max(version) AS v FROM allocations WHERE round_id = ?').get(roundId) as { v: number | null };
  return r.v;
}

export interface StoredAllocation {
  roundId: string;
  version: number;
  method: AllocationMethod;
  shortfall: ShortfallRule;
  tieBreak: TieBreakKey[];
  budgets: Record<string, number>;
  ties: string[][];
  createdAt: string;
  createdBy: string;
}

interface AllocationRow {
  round_id: string;
  version: number;
  method: AllocationMethod;
  shortfall: ShortfallRule;
  tie_break: string;
  budgets_json: string;
  ties_json: string;
  created_at: string;
  created_by: string;
}

const fromRow = (r: AllocationRow): StoredAllocation => ({
  roundId: r.round_id,
  version: r.version,
  method: r.method,
  shortfall: r.shortfall,
  tieBreak: r.tie_break.split(',') as TieBreakKey[],
  budgets: JSON.parse(r.budgets_json) as Record<string, number>,
  ties: JSON.parse(r.ties_json) as string[][],
  createdAt: r.created_at,
  createdBy: r.created_by,
});

/**
 * Stores a plan as the next version: its participants still before the notice
 * are then proposed / not-funded (ledger/states.ts reads that from the lines;
 * their rows are not rewritten). Call inside the command's transaction.
 * Returns the participants' ids only when there are few enough to name in the
 * event (appendEvent keeps ≤ 1000); otherwise linkParticipants indexes them.
 */
export function storeAllocation(
  db: Db,
  roundId: string,
  plan: AllocationPlan,
  at: string,
  officer: string,
  /** Lines written so far of all, every 4,096 (a progress bar). */
  onWritten?: (done: number, total: number) => void,
): { version: number; stateChanges: { proposed: number; notFunded: number }; participants: number; participantIds: string[] } {
  const version = (latestVersion(db, roundId) ?? 0) + 1;
  db.prepare(
    `INSERT INTO allocations (round_id, version, method, shortfall, tie_break, budgets_json, ties_json, created_at, created_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(roundId, version, plan.method, plan.shortfall, plan.tieBreak.join(','), JSON.stringify(plan.budgets), JSON.stringify(plan.ties), at, officer);
  // Lines go several to a statement (batch-insert.ts), round and version written into it: one call per
  // line crossed into SQLite 10^5 times, with twelve parameters each.
  // In the order given (by application_id from roundCandidates): appends to the key index. Noted for the seals
  // by rowid at the end, not one by one by a trigger (a sub-program per line, and 10^6 keys held in memory).
  const lines = bulkInsert(db, 'allocation_lines', undefined, { inKeyOrder: true });
  const { apps } = plan;
  const n = apps.length;
  let participants = 0;
  insertBatched(
    db,
    'INSERT INTO allocation_lines (round_id, version, application_id, category, cluster, rank, score_display, cap_fen, entitled_fen, award_fen, reason, binding) VALUES ',
    `(${sqlText(roundId)}, ${version}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    indexes(n),
    (i, values) => {
      if (onWritten && (i & 4095) === 0) onWritten(i, n);
      const rank = plan.rank[i];
      if (rank !== 0) participants++;
      const b = plan.binding[i];
      values.push(
        apps.applicationId[i],
        apps.categoryAt(i),
        apps.clusterAt(i),
        rank === 0 ? null : rank,
        apps.scoreDisplay[i],
        plan.capFen[i],
        plan.entitledFen[i],
        plan.awardFen[i],
        ALLOCATION_REASONS[plan.reason[i]],
        b === 0 ? null : BINDING_LIMITS[b - 1],
      );
    },
  );
  lines.done();
  // The participants whose state this version moves: before the notice, and not already what their line makes them.
  // Before a first version no state is a line's yet: the stored one is compared (proposed, not-funded are neither).
  const [proposed, moved] = db
    .prepare(
      `SELECT coalesce(sum(l.award_fen > 0), 0), count(*) FROM allocation_lines l JOIN applications a ON a.application_id = l.application_id
       WHERE l.round_id = @round AND l.version = @version AND l.rank IS NOT NULL AND ${noticedStateIn(db, 'a', PRE_NOTICE_STATES)}
         AND ${version === 1 ? 'a.state' : stateSql(db, 'a', '@previous')} <> ${LINE_STATE_SQL('l')}`,
    )
    .raw()
    .get(version === 1 ? { round: roundId, version } : { round: roundId, version, previous: version - 1 }) as [number, number];
  const participantIds =
    participants <= EVENT_NAMES_AT_MOST
      ? (db
          .prepare('SELECT application_id FROM allocation_lines WHERE round_id = ? AND version = ? AND rank IS NOT NULL ORDER BY application_id')
          .pluck()
          .all(roundId, version) as string[])
      : [];
  return { version, stateChanges: { proposed, notFunded: moved - proposed }, participants, participantIds };
}

function* indexes(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** appendEvent names at most this many applications in the event itself. */
export const EVENT_NAMES_AT_MOST = 1000;

/** Indexes a large version's participants under its event, in SQL (no 10^5 ids through JS). */
export function linkParticipants(db: Db, seq: number, roundId: string, version: number): void {
  db.prepare('INSERT OR IGNORE INTO event_apps (seq, application_id) SELECT ?, application_id FROM allocation_lines WHERE round_id = ? AND version = ? AND rank IS NOT NULL').run(
    seq,
    roundId,
    version,
  );
}

export function listAllocations(db: Db, roundId: string): (StoredAllocation & { funded: number; awardedFen: number })[] {
  const rows = db
    .prepare(
      `SELECT a.*, (SELECT count(*) FROM allocation_lines l WHERE l.round_id = a.round_id AND l.version = a.version AND l.award_fen > 0) AS funded,
              (SELECT coalesce(sum(award_fen), 0) FROM allocation_lines l WHERE l.round_id = a.round_id AND l.version = a.version) AS awarded
       FROM allocations a WHERE a.round_id = ? ORDER BY a.version`,
    )
    .all(roundId) as (AllocationRow & { funded: number; awarded: number })[];
  return rows.map((r) => ({ ...fromRow(r), funded: r.funded, awardedFen: r.awarded }));
}

/** The budgets the latest version was allocated under (which may override the round's), null before the first. */
export function latestBudgets(db: Db, roundId: string): Record<string, number> | null {
  const v = latestVersion(db, roundId);
  return v === null ? null : (getAllocation(db, roundId, v)?.budgets ?? null);
}

export function getAllocation(db: Db, roundId: string, version: number): StoredAllocation | undefined {
  const r = db.prepare('SELECT * FROM allocations WHERE round_id = ? AND version = ?').get(roundId, version) as AllocationRow | undefined;
  return r && fromRow(r);
}

export interface StoredLine {
  application_id: string;
  category: string;
  cluster: string | null;
  rank: number | null;
  score_display: string | null;
  cap_fen: number;
  entitled_fen: number;
  award_fen: number;
  reason: AllocationReason;
  binding: BindingLimit | null;
  enterprise_name: string;
}

/** Who took part in a version (a rank), of one category or all, and who of them it funds (award > 0): what `line` compares its draws with. */
export function versionParticipants(db: Db, roundId: string, version: number, category?: string): { participants: Set<string>; funded: Set<string> } {
  const participants = new Set<string>();
  const funded = new Set<string>();
  const rows = db
    .prepare(`SELECT application_id, award_fen > 0 FROM allocation_lines WHERE round_id = ? AND version = ? AND rank IS NOT NULL${category === undefined ? '' : ' AND category = ?'}`)
    .raw()
    .iterate(...(category === undefined ? [roundId, version] : [roundId, version, category]));
  for (const [id, isFunded] of rows as IterableIterator<[string, number]>) {
    participants.add(id);
    if (isFunded) funded.add(id);
  }
  return { participants, funded };
}

type StoredLineRow = [string, string, string | null, number | null, string | null, number, number, number, AllocationReason, BindingLimit | null, string];

/**
 * The lines of a version, by category, then rank (participants first), then
 * application_id. What repeats from line to line (category, cluster, rounded
 * score, reason, binding, the enterprise's name) is one string however many
 * lines hold it: a province's 10^6 lines are held for a view.
 */
export function allocationLines(db: Db, roundId: string, version: number): StoredLine[] {
  const one = sharedStrings();
  const rows = db
    .prepare(
      `SELECT l.application_id, l.category, l.cluster, l.rank, l.score_display, l.cap_fen, l.entitled_fen, l.award_fen, l.reason,
              l.binding, a.enterprise_name
       FROM allocation_lines l JOIN applications a ON a.application_id = l.application_id
       WHERE l.round_id = ? AND l.version = ?
       ORDER BY l.category, l.rank IS NULL, l.rank, l.application_id`,
    )
    .raw()
    .iterate(roundId, version) as IterableIterator<StoredLineRow>;
  const lines: StoredLine[] = [];
  for (const r of rows) {
    lines.push({
      application_id: r[0],
      category: one(r[1]),
      cluster: one(r[2]),
      rank: r[3],
      score_display: one(r[4]),
      cap_fen: r[5],
      entitled_fen: r[6],
      award_fen: r[7],
      reason: one(r[8]),
      binding: one(r[9]),
      enterprise_name: one(r[10]),
    });
  }
  return lines;
}
