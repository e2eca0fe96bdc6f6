// Expert scores and the round's score aggregate (Art. 11).
import { FirstCopies } from '../domain/first-copies.js';
import type { ScoreMethod } from '../domain/policy.js';
import { contentKey, criteriaJson, PairMap, type ScoreRow } from '../domain/score-row.js';
import {
  expertUnits,
  scoreExact,
  scoreFromStored,
  scoreToStored,
  rankAggregates,
  type Aggregate,
  type AggregateDetails,
  type RankedAggregate,
  type ApplicationScores,
  type ExpertSummary,
  type ScoreEntry,
  ScoreMoments,
  type ScoreStatus,
  type ScoringRules,
} from '../domain/scoring.js';
import type { Db } from './open.js';
import { byIdWalk } from './round-walk.js';
import { binaryOrder, prepared, sqlText } from './statements.js';
import { bulkInsert, flushNoted } from './seals.js';
import { BatchedInsert } from './batch-insert.js';
import type { Statement } from 'better-sqlite3';

export interface StoredScore {
  applicationId: string;
  roundId: string;
  expertId: string;
  centi: number | null;
  criteria: Record<string, number> | null;
  recused: boolean;
  comment: string | null;
  sourceFile: string;
  sourceLine: number;
  sourceSha256: string;
  importedAt: string;
}

interface ScoreDbRow {
  application_id: string;
  round_id: string;
  expert_id: string;
  score_centi: number | null;
  criteria_json: string | null;
  recused: number;
  comment: string | null;
  source_file: string;
  source_line: number;
  source_sha256: string;
  imported_at: string;
}

const fromRow = (r: ScoreDbRow): StoredScore => ({
  applicationId: r.application_id,
  roundId: r.round_id,
  expertId: r.expert_id,
  centi: r.score_centi,
  criteria: r.criteria_json === null ? null : (JSON.parse(r.criteria_json) as Record<string, number>),
  recused: r.recused === 1,
  comment: r.comment,
  sourceFile: r.source_file,
  sourceLine: r.source_line,
  sourceSha256: r.source_sha256,
  importedAt: r.imported_at,
});

/** The ids of the round's applications (read from the table itself when the round is most of the ledger: its round index does not hold the id). */
export function roundApplicationIds(db: Db, roundId: string): Set<string> {
  return new Set(db.prepare(`SELECT application_id FROM applications WHERE ${byIdWalk(db, roundId)} = ?`).pluck().all(roundId) as string[]);
}

/** The round an application belongs to, if it exists at all. */
export function applicationRound(db: Db, applicationId: string): string | undefined {
  return db.prepare('SELECT round_id FROM applications WHERE application_id = ?').pluck().get(applicationId) as string | undefined;
}

export function countRoundScores(db: Db, roundId: string): number {
  return db.prepare('SELECT count(*) FROM scores WHERE round_id = ?').pluck().get(roundId) as number;
}

/**
 * What is stored for each (application, expert) of the round, as contentKey
 * strings: enough to tell new, unchanged and changed rows apart.
 */
export function roundScoreContents(db: Db, roundId: string): PairMap<string> {
  const m = new PairMap<string>();
  const stmt = db.prepare('SELECT application_id, expert_id, score_centi, criteria_json, recused, comment FROM scores WHERE round_id = ?').raw();
  for (const r of stmt.iterate(roundId) as IterableIterator<[string, string, number | null, string | null, number, string | null]>) {
    m.set(r[0], r[1], contentKey(r[2], r[3], r[4] === 1, r[5]));
  }
  return m;
}

export function getScore(db: Db, applicationId: string, expertId: string): StoredScore | undefined {
  const r = db.prepare('SELECT * FROM scores WHERE application_id = ? AND expert_id = ?').get(applicationId, expertId) as ScoreDbRow | undefined;
  return r && fromRow(r);
}

export interface ScoreSource {
  file: string;
  sha256: string;
  at: string;
}

/**
 * Indexes under event `seq` the applications whose scores an import wrote: its
 * rows, and only they, carry its file's hash and its time. In SQL, in the
 * order of event_apps' key.
 */
export function linkWrittenScores(db: Db, seq: number, roundId: string, src: ScoreSource): void {
  // Most of the ledger: the scores' key walked in order, no temporary B-tree.
  db.prepare(
    `INSERT OR IGNORE INTO event_apps (seq, application_id) SELECT ?, application_id FROM scores
     WHERE ${byIdWalk(db, roundId)} = ? AND imported_at = ? AND source_sha256 = ? GROUP BY application_id ORDER BY application_id`,
  ).run(seq, roundId, src.at, src.sha256);
}

/** The columns of `scores` in the table's order (a test holds the migrations to it): a new row's values (scoreStoredValues) are hashed in this order before it is stored. */
export const SCORE_COLUMNS = [
  'application_id',
  'round_id',
  'expert_id',
  'score_centi',
  'criteria_json',
  'recused',
  'comment',
  'source_file',
  'source_line',
  'source_sha256',
  'imported_at',
] as const;

/** A new score row's values as `scores` will store them, in SCORE_COLUMNS' order. */
export function scoreStoredValues(r: ScoreRow, roundId: string, src: ScoreSource): (string | number | null)[] {
  return [r.applicationId, roundId, r.expertId, r.centi, criteriaJson(r), r.recused ? 1 : 0, r.comment, src.file, r.line, src.sha256, src.at];
}

/** What a score sheet's import does with a row: insert it, leave it (the same as stored), replace the stored one, or nothing (refused). */
export type StagedKind = 'new' | 'same' | 'update' | 'refused';

/** Rows between two moves of the noted seal keys out of memory while updating (seals.ts flushNoted). */
const NOTES_FLUSH_EVERY = 50_000;

/** Rows staged per INSERT statement. */
const STAGE_BATCH = 256;

/** A row to stage, and what the import would do with it. */
export interface StagedRow {
  row: ScoreRow;
  kind: StagedKind;
  /** Its hash as a new row of `scores` (storedRowHash of scoreStoredValues), made ahead; else null: the seal reads the stored row. */
  hash: string | null;
}

/**
 * The rows of a score sheet being read, in a temporary table (on disk, this
 * connection's only) instead of memory: at 10^6 rows the objects and the map
 * of pairs seen were most of the import's memory. One row per (application,
 * expert), the first line that named it; written to the ledger in key order
 * by one statement.
 */
export class ScoreStage {
  private readonly add: BatchedInsert;
  private readonly firstLine: Statement;
  private readonly stagedRow: Statement;
  counts = { new: 0, update: 0 };

  constructor(private readonly db: Db) {
    db.exec(`DROP TABLE IF EXISTS temp.score_stage;
      CREATE TEMP TABLE score_stage (application_id TEXT NOT NULL, expert_id TEXT NOT NULL, line INTEGER NOT NULL, kind TEXT NOT NULL,
        score_centi INTEGER, criteria_json TEXT, recused INTEGER NOT NULL, comment TEXT, hash TEXT, PRIMARY KEY (application_id, expert_id)) WITHOUT ROWID`);
    this.add = new BatchedInsert(db, 'INSERT INTO temp.score_stage VALUES ', '(?, ?, ?, ?, ?, ?, ?, ?, ?)', ' ON CONFLICT DO NOTHING');
    this.firstLine = db.prepare('SELECT line FROM temp.score_stage WHERE application_id = ? AND expert_id = ?').pluck();
    this.stagedRow = db.prepare('SELECT kind, score_centi, criteria_json, recused, comment FROM temp.score_stage WHERE application_id = ? AND expert_id = ?').raw();
  }

  /**
   * Whether a row whose pair an earlier line staged is that line again,
   * value for value, and that line was taken (not refused): then it adds nothing.
   */
  sameAsStaged(r: ScoreRow): boolean {
    const s = this.stagedRow.get(r.applicationId, r.expertId) as [string, number | null, string | null, number, string | null] | undefined;
    if (!s || s[0] === 'refused') return false;
    return contentKey(s[1], s[2], s[3] === 1, s[4]) === contentKey(r.centi, criteriaJson(r), r.recused, r.comment);
  }

  /**
   * Stages the rows, in their order; for each, the line that named its pair
   * before (in the sheet, so far), and then it is not staged, else null.
   * Many rows to a statement: one statement per row cost more than SQLite's
   * insert itself.
   */
  stage(rows: readonly StagedRow[]): (number | null)[] {
    const first: (number | null)[] = [];
    for (let i = 0; i < rows.length; i += STAGE_BATCH) {
      const part = rows.slice(i, i + STAGE_BATCH);
      const before = this.add.changes;
      for (const { row: r, kind, hash } of part) this.add.add([r.applicationId, r.expertId, r.line, kind, r.centi, criteriaJson(r), r.recused ? 1 : 0, r.comment, hash]);
      this.add.flush();
      // Each row staged unless its pair was: only then is each pair's first line read back (a line is one row's).
      const all = this.add.changes - before === part.length;
      for (const { row: r, kind } of part) {
        const line = all ? r.line : (this.firstLine.get(r.applicationId, r.expertId) as number);
        if (line !== r.line) {
          first.push(line);
          continue;
        }
        first.push(null);
        if (kind === 'new' || kind === 'update') this.counts[kind]++;
      }
    }
    return first;
  }

  /**
   * Inserts the new rows and replaces the updated ones; inside the command's
   * transaction. `src` must be what the staged hashes were made with.
   */
  write(roundId: string, src: ScoreSource): void {
    const db = this.db;
    if (this.counts.new > 0) {
      // One statement in key order; its rows are noted for the seals from the stage, not one by one by a trigger.
      // Hashed ahead, every one of them: sealed with those hashes, the rows not read back.
      const hashed = db.prepare("SELECT NOT EXISTS (SELECT 1 FROM temp.score_stage WHERE kind = 'new' AND hash IS NULL)").pluck().get() === 1;
      const notes = bulkInsert(db, 'scores', `SELECT application_id, expert_id${hashed ? ', hash' : ''} FROM temp.score_stage WHERE kind = 'new'`, { hashed });
      db.prepare(
        `INSERT INTO scores (${SCORE_COLUMNS.join(', ')})
         SELECT application_id, ${sqlText(roundId)}, expert_id, score_centi, criteria_json, recused, comment, ${sqlText(src.file)}, line, ${sqlText(src.sha256)}, ${sqlText(src.at)}
           FROM temp.score_stage WHERE kind = 'new' ORDER BY application_id, expert_id`,
      ).run();
      notes.done();
    }
    if (this.counts.update > 0) {
      const upd = db.prepare(
        'UPDATE scores SET score_centi = ?, criteria_json = ?, recused = ?, comment = ?, source_file = ?, source_line = ?, source_sha256 = ?, imported_at = ? WHERE application_id = ? AND expert_id = ?',
      );
      const rows = db.prepare("SELECT application_id, expert_id, line, score_centi, criteria_json, recused, comment FROM temp.score_stage WHERE kind = 'update'").raw();
      let n = 0;
      // Read first: the connection runs no other statement while one iterates. Only --update's rows.
      for (const [appId, expertId, line, centi, criteria, recused, comment] of rows.all() as unknown[][]) {
        upd.run(centi, criteria, recused, comment, src.file, line, src.sha256, src.at, appId, expertId);
        if (++n % NOTES_FLUSH_EVERY === 0) flushNoted(db);
      }
    }
  }

  drop(): void {
    this.db.exec('DROP TABLE IF EXISTS temp.score_stage');
  }
}

/**
 * Inserts new rows and replaces updated ones through a ScoreStage, the same
 * statements as an import writes with (tests and tools that hold their rows).
 * A pair given twice is an error; nothing is written then.
 */
export function writeScores(db: Db, roundId: string, inserts: ScoreRow[], updates: ScoreRow[], src: ScoreSource): void {
  const stage = new ScoreStage(db);
  try {
    db.transaction(() => {
      const rows: StagedRow[] = [...inserts.map((row) => ({ row, kind: 'new' as const, hash: null })), ...updates.map((row) => ({ row, kind: 'update' as const, hash: null }))];
      const first = stage.stage(rows);
      const twice = first.findIndex((l) => l !== null);
      if (twice >= 0) throw new Error(`internal error: scores of ${rows[twice].row.applicationId} by ${rows[twice].row.expertId} given twice`);
      stage.write(roundId, src);
    })();
  } finally {
    stage.drop();
  }
}

export function applicationScores(db: Db, applicationId: string): StoredScore[] {
  return (db.prepare('SELECT * FROM scores WHERE application_id = ? ORDER BY expert_id').all(applicationId) as ScoreDbRow[]).map(fromRow);
}

/** Scores read per statement by forEachApplicationScores. */
const READ_CHUNK = 2048;

/**
 * Streams every application of the round with its scores, one application at
 * a time (a round of 1,000,000 scores is never held in memory), in
 * application_id order (SQLite's), the applications without any score in
 * their place (they come out as insufficient-reviews): AggregateWriter
 * stores them as they come.
 */
export function forEachApplicationScores(db: Db, roundId: string, rules: ScoringRules, fn: (a: ApplicationScores) => void, chunkSize = READ_CHUNK): void {
  for (const a of eachApplicationScores(db, roundId, rules, chunkSize)) fn(a);
}

/**
 * forEachApplicationScores as a generator: no statement is open while it is
 * suspended (each chunk is read whole), so its reader may pause between two
 * applications (scores aggregate lets a signal be heard there).
 */
export function* eachApplicationScores(db: Db, roundId: string, rules: ScoringRules, chunkSize = READ_CHUNK): Generator<ApplicationScores> {
  // The covering index scores_round yields this order without a sort. Read a chunk at a time, each after the last
  // row of the one before (the index's order): per row, iterate() cost more than all() of a few thousand rows.
  const select = 'SELECT application_id, expert_id, score_centi, criteria_json, recused FROM scores WHERE round_id = ?';
  const order = `ORDER BY round_id, application_id, expert_id LIMIT ${chunkSize}`;
  const first = db.prepare(`${select} ${order}`).raw();
  const next = db.prepare(`${select} AND (application_id, expert_id) > (?, ?) ${order}`).raw();
  const withCriteria = rules.criteria.length > 0;
  const unscored = unscoredIds(db, roundId, chunkSize);
  // One string per expert, not one per score (a round's scores are held whole by `line`).
  const experts = new FirstCopies<string>(10_000);
  let current: ApplicationScores | undefined;
  let rows = first.all(roundId) as [string, string, number | null, string | null, number][];
  for (;;) {
    for (const [appId, expertId, centi, criteriaJson, recused] of rows) {
      if (current?.applicationId !== appId) {
        if (current) yield current;
        if (unscored) yield* unscored.before(appId);
        current = { applicationId: appId, entries: [] };
      }
      const criteria = criteriaJson === null ? null : (JSON.parse(criteriaJson) as Record<string, number>);
      const entry: ScoreEntry = { expertId: experts.get(expertId) ?? experts.keep(expertId, expertId), units: expertUnits(rules, centi, criteria), recused: recused === 1 };
      if (withCriteria) entry.criteria = criteria;
      current.entries.push(entry);
    }
    if (rows.length < chunkSize) break;
    const last = rows[rows.length - 1];
    rows = next.all(roundId, last[0], last[1]) as typeof rows;
  }
  if (current) yield current;
  if (unscored) yield* unscored.before(null);
}

/**
 * The round's applications without any score, a page at a time in
 * application_id order; null when every application has one (a score's round
 * is its application's, writeScores: the counts tell, without the walk).
 * `before(id)` gives those before `id` not given yet (all, when null).
 */
function unscoredIds(db: Db, roundId: string, page: number): { before(id: string | null): Generator<ApplicationScores> } | null {
  const scored = db.prepare('SELECT count(DISTINCT application_id) FROM scores WHERE round_id = ?').pluck().get(roundId) as number;
  if (scored === (db.prepare('SELECT count(*) FROM applications WHERE round_id = ?').pluck().get(roundId) as number)) return null;
  const select = `SELECT a.application_id FROM applications a WHERE ${byIdWalk(db, roundId, 'a')} = ? AND NOT EXISTS (SELECT 1 FROM scores s WHERE s.application_id = a.application_id)`;
  const first = db.prepare(`${select} ORDER BY a.application_id LIMIT ${page}`).pluck();
  const next = db.prepare(`${select} AND a.application_id > ? ORDER BY a.application_id LIMIT ${page}`).pluck();
  let ids = first.all(roundId) as string[];
  let i = 0;
  return {
    *before(id) {
      for (;;) {
        for (; i < ids.length; i++) {
          if (id !== null && binaryOrder(ids[i], id) >= 0) return;
          yield { applicationId: ids[i], entries: [] };
        }
        if (ids.length < page) return;
        ids = next.all(roundId, ids[ids.length - 1]) as string[];
        i = 0;
      }
    },
  };
}

/**
 * The round's per-expert totals (count, Σ, Σ² of valid scores, recusals).
 * For plain scores SQLite sums the integer hundredths itself, exactly: sum()
 * of integers stays an integer and raises an error rather than overflow. With
 * criteria the weighted units are computed in JS.
 */
export function roundMoments(db: Db, roundId: string, rules: ScoringRules): ScoreMoments {
  const moments = new ScoreMoments();
  if (rules.criteria.length > 0 || rules.unitsPerPoint !== 100n) {
    forEachApplicationScores(db, roundId, rules, (a) => moments.addApplication(a));
    return moments;
  }
  const stmt = db
    .prepare(
      `SELECT expert_id,
              sum(recused = 0 AND score_centi IS NOT NULL),
              ifnull(sum(CASE WHEN recused = 0 THEN score_centi END), 0),
              ifnull(sum(CASE WHEN recused = 0 THEN score_centi * score_centi END), 0),
              sum(recused)
         FROM scores WHERE round_id = ? GROUP BY expert_id ORDER BY expert_id`,
    )
    .raw()
    .safeIntegers(true);
  for (const [expertId, n, sum, sq, recused] of stmt.all(roundId) as [string, bigint, bigint, bigint, bigint][]) {
    moments.addExpert(expertId, n, sum, sq, Number(recused));
  }
  return moments;
}

/** The whole round in memory (small rounds, tests); see forEachApplicationScores. */
export function roundScoresForAggregation(db: Db, roundId: string, rules: ScoringRules): ApplicationScores[] {
  const apps: ApplicationScores[] = [];
  forEachApplicationScores(db, roundId, rules, (a) => apps.push(a));
  return apps.sort((x, y) => (x.applicationId < y.applicationId ? -1 : x.applicationId > y.applicationId ? 1 : 0));
}

const AGGREGATE_VALUES = ['method', 'status', 'score_num', 'score_den', 'score_display', 'score_key', 'experts', 'recused', 'outliers_json', 'details_json', 'round_id'];

/** Aggregates compared per chunk of applications: a round of 10^6 is never held twice in memory. */
const AGGREGATE_CHUNK = 10_000;

/**
 * Replaces the round's aggregate as a whole; call inside the command's
 * transaction. A row whose values come out the same is not rewritten (a
 * re-aggregation after a few corrected scores rewrites, and seals, those
 * few, not the round): its computed_at then says when its values were
 * computed, and the round's latest aggregation (aggregatedAt) that they still
 * hold. Returns how many rows were written.
 */
export function replaceAggregates(db: Db, roundId: string, aggregates: Aggregate[], computedAt: string, chunkSize = AGGREGATE_CHUNK): number {
  const aggs = isSortedById(aggregates) ? aggregates : [...aggregates].sort((x, y) => binaryOrder(x.applicationId, y.applicationId));
  const writer = new AggregateWriter(db, roundId, computedAt, chunkSize);
  for (const a of aggs) writer.add(a);
  return writer.end();
}

/**
 * replaceAggregates for aggregates given one at a time, in application_id
 * order (SQLite's), as they are computed: a round of 10^6 is stored a chunk
 * at a time, never held whole. end() finishes and returns how many rows were
 * written.
 */
export class AggregateWriter {
  // (+round_id: the key range, not the whole round from the round index.)
  // The stored rows are compared in JS, a chunk of applications at a time, in application_id order: 10^5 upserts
  // that change nothing cost SQLite a second. A round aggregated for the first time has nothing to compare.
  private readonly anyStored: boolean;
  private readonly storedIn: Statement;
  private readonly put: BatchedInsert;
  private readonly deleteRow: Statement;
  /** A first aggregation only inserts: its rows are sealed from the table by rowid, not noted one by one. */
  private readonly fresh: { done(): void } | null;
  private chunk: Aggregate[] = [];
  private written = 0;
  private after = '';
  private last: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly roundId: string,
    private readonly computedAt: string,
    private readonly chunkSize = AGGREGATE_CHUNK,
  ) {
    this.anyStored = db.prepare('SELECT 1 FROM score_aggregates WHERE round_id = ? LIMIT 1').get(roundId) !== undefined;
    this.storedIn = db
      .prepare(`SELECT application_id, ${AGGREGATE_VALUES.join(', ')} FROM score_aggregates WHERE application_id > ? AND application_id <= ? AND +round_id = ? ORDER BY application_id`)
      .raw();
    // Upserts go in batches (one statement per row was half the command's time at 10^5 rows); a delete runs after
    // the upserts before it, so that each row gets the rowid it would get one statement at a time.
    this.put = new BatchedInsert(
      db,
      `INSERT INTO score_aggregates (${AGGREGATE_VALUES.join(', ')}, computed_at, application_id) VALUES `,
      `(${AGGREGATE_VALUES.map(() => '?').join(', ')}, ?, ?)`,
      ` ON CONFLICT (application_id) DO UPDATE SET ${[...AGGREGATE_VALUES, 'computed_at'].map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    this.deleteRow = db.prepare('DELETE FROM score_aggregates WHERE application_id = ?');
    this.fresh = this.anyStored ? null : bulkInsert(db, 'score_aggregates', undefined, { inKeyOrder: true });
  }

  add(a: Aggregate): void {
    if (this.last !== null && binaryOrder(this.last, a.applicationId) >= 0) throw new Error(`internal error: aggregates out of application_id order at ${a.applicationId}`);
    this.last = a.applicationId;
    this.chunk.push(a);
    if (this.chunk.length === this.chunkSize) this.flush();
  }

  end(): number {
    this.flush();
    this.fresh?.done();
    if (this.anyStored) {
      const gone = this.db.prepare(`SELECT application_id FROM score_aggregates WHERE application_id > ? AND +round_id = ?`).pluck().all(this.after, this.roundId) as string[];
      for (const id of gone) this.del(id);
      this.written += gone.length;
    }
    return this.written;
  }

  private del(id: string): void {
    this.put.flush();
    this.deleteRow.run(id);
  }

  private flush(): void {
    const chunk = this.chunk;
    if (chunk.length === 0) return;
    this.chunk = [];
    const last = chunk[chunk.length - 1].applicationId;
    // The chunk's stored rows (application_id, then AGGREGATE_VALUES), walked beside the chunk: both in id order.
    const stored = this.anyStored ? (this.storedIn.all(this.after, last, this.roundId) as [string, ...unknown[]][]) : [];
    let j = 0;
    for (const a of chunk) {
      // Stored for an application no longer aggregated.
      for (; j < stored.length && binaryOrder(stored[j][0], a.applicationId) < 0; j++) {
        this.del(stored[j][0]);
        this.written++;
      }
      const was = j < stored.length && stored[j][0] === a.applicationId ? stored[j++] : undefined;
      const value = a.value ? scoreToStored(a.value) : null;
      const values = [a.method, a.status, value?.num ?? null, value?.den ?? null, a.display, a.key, a.experts, a.recused, a.outliers.length ? JSON.stringify(a.outliers) : '[]', JSON.stringify(a.details), this.roundId];
      // === on each value: text, integers and NULL come back from SQLite as the same JS types.
      if (was !== undefined && sameValues(values, was)) continue;
      values.push(this.computedAt, a.applicationId);
      this.put.add(values);
      this.written++;
    }
    for (; j < stored.length; j++) {
      this.del(stored[j][0]);
      this.written++;
    }
    this.put.flush();
    this.after = last;
  }
}

/** values against a stored row (its first cell the application id). */
function sameValues(values: readonly unknown[], row: readonly unknown[]): boolean {
  for (let k = 0; k < values.length; k++) if (values[k] !== row[k + 1]) return false;
  return true;
}

function isSortedById(aggs: readonly Aggregate[]): boolean {
  for (let i = 1; i < aggs.length; i++) if (binaryOrder(aggs[i - 1].applicationId, aggs[i].applicationId) >= 0) return false;
  return true;
}


/** When the round was last aggregated (its newest `scores aggregate` event), if ever: every stored aggregate of the round still held then. */
export function aggregatedAt(db: Db, roundId: string): string | null {
  return prepared(db, "SELECT max(at) FROM events WHERE round_id = ? AND command = 'scores aggregate'", 'pluck').get(roundId) as string | null;
}

/** An aggregate as stored: the round it belongs to and when it was computed. */
type Stored<T> = T & { roundId: string; computedAt: string };

interface AggregateDbRow {
  application_id: string;
  round_id: string;
  method: ScoreMethod;
  status: ScoreStatus;
  score_num: string | null;
  score_den: string | null;
  score_display: string | null;
  score_key: string | null;
  experts: number;
  recused: number;
  outliers_json: string;
  details_json: string;
  computed_at: string;
}

/** `confirmedAt`: the round's latest aggregation (aggregatedAt), which a row not rewritten by it still holds. */
const aggregateFromRow = (r: AggregateDbRow, confirmedAt: string | null): Stored<Aggregate> => ({
  applicationId: r.application_id,
  roundId: r.round_id,
  method: r.method,
  status: r.status,
  value: r.score_num === null || r.score_den === null ? null : scoreFromStored(r.method, r.score_num, r.score_den),
  display: r.score_display,
  key: r.score_key,
  experts: r.experts,
  recused: r.recused,
  outliers: JSON.parse(r.outliers_json) as string[],
  details: JSON.parse(r.details_json) as AggregateDetails,
  computedAt: confirmedAt !== null && confirmedAt > r.computed_at ? confirmedAt : r.computed_at,
});

export function getAggregate(db: Db, applicationId: string): Stored<Aggregate> | undefined {
  const r = prepared(db, 'SELECT * FROM score_aggregates WHERE application_id = ?').get(applicationId) as AggregateDbRow | undefined;
  return r && aggregateFromRow(r, aggregatedAt(db, r.round_id));
}

/** A stored aggregate as a tied row shows it: its rounded form and its exact value as text (scoreExact). */
export interface ExactText {
  display: string | null;
  exact: string;
}

/** Distinct stored aggregates whose ExactText roundExactTexts shares (a z-score round has about one per application). */
const EXACT_SHARED_AT_MOST = 1 << 16;

/**
 * The round's exact aggregates as text with their rounded form, by
 * application, in one read: a view of 10^5 tied rows asked one row at a time
 * spent seconds. Equal stored aggregates share one ExactText: a value object
 * per application was most of `allocations show`'s memory at 10^6.
 */
export function roundExactTexts(db: Db, roundId: string): Map<string, ExactText> {
  const out = new Map<string, ExactText>();
  const shared = new FirstCopies<ExactText>(EXACT_SHARED_AT_MOST);
  const rows = db
    .prepare('SELECT application_id, method, score_num, score_den, score_display FROM score_aggregates WHERE round_id = ? AND score_num IS NOT NULL AND score_den IS NOT NULL')
    .raw()
    .iterate(roundId) as IterableIterator<[string, ScoreMethod, string, string, string | null]>;
  for (const [id, method, num, den, display] of rows) {
    const key = `${method}\u0000${num}\u0000${den}\u0000${display === null ? '\u0001' : display}`;
    out.set(id, shared.get(key) ?? shared.keep(key, { display, exact: scoreExact(scoreFromStored(method, num, den)) }));
  }
  return out;
}

/**
 * The round's stored aggregate, best first (score_key descending, then
 * application_id); unscored last. For allocation: rank with compareScores on
 * `value`, which score_key's order agrees with.
 */
export function roundAggregates(db: Db, roundId: string): Stored<Aggregate>[] {
  const confirmedAt = aggregatedAt(db, roundId);
  return (
    db
      .prepare('SELECT * FROM score_aggregates WHERE round_id = ? ORDER BY score_key IS NULL, score_key DESC, application_id')
      .all(roundId) as AggregateDbRow[]
  ).map((r) => aggregateFromRow(r, confirmedAt));
}

/**
 * What `line` needs of the stored aggregate, without reading it whole: the
 * method of its first row in roundAggregates' order (undefined: none), and
 * the experts each application's aggregate left out (trimmed-mean's highest
 * and lowest; only applications with some).
 */
export function aggregateExclusions(db: Db, roundId: string): { method: ScoreMethod | undefined; dropped: Map<string, Set<string>> } {
  const method = db
    .prepare('SELECT method FROM score_aggregates WHERE round_id = ? ORDER BY score_key IS NULL, score_key DESC, application_id LIMIT 1')
    .pluck()
    .get(roundId) as ScoreMethod | undefined;
  const dropped = new Map<string, Set<string>>();
  // Only details that name a drop are parsed (a round of 10^5 averaged by mean has none).
  const rows = db.prepare(`SELECT application_id, details_json FROM score_aggregates WHERE round_id = ? AND instr(details_json, '"dropped"') > 0`).raw().iterate(roundId);
  for (const [id, json] of rows as IterableIterator<[string, string]>) {
    const d = (JSON.parse(json) as AggregateDetails).dropped;
    if (d?.length) dropped.set(id, new Set(d));
  }
  return { method, dropped };
}

/** A round's stored aggregates, best first, read from the ledger each time they are iterated (rankedAggregates). */
export interface RankedAggregates extends Iterable<RankedAggregate> {
  /** How many: every application of the round that was aggregated. */
  readonly length: number;
  /** The first `n`. */
  first(n: number): RankedAggregate[];
  /** The rounded scores that two or more of them show. */
  sharedDisplays(): Set<string>;
}

const NOTHING: readonly string[] = Object.freeze([]);

/**
 * The round's stored aggregates in rankAggregates' order, without their
 * details: SQLite sorts them by score_key (a round of 10^6 is never held),
 * and each run of equal keys is put in order by rankAggregates itself (the
 * exact value where the key cannot tell, then application_id as JavaScript
 * orders texts).
 */
export function rankedAggregates(db: Db, roundId: string): RankedAggregates {
  const length = db.prepare('SELECT count(*) FROM score_aggregates WHERE round_id = ?').pluck().get(roundId) as number;
  function* all(): Generator<RankedAggregate> {
    const rows = db
      .prepare(
        `SELECT application_id, method, status, score_num, score_den, score_display, score_key, experts, recused, outliers_json
           FROM score_aggregates WHERE round_id = ? ORDER BY score_key IS NULL, score_key DESC, application_id`,
      )
      .raw()
      .iterate(roundId) as IterableIterator<[string, ScoreMethod, ScoreStatus, string | null, string | null, string | null, string | null, number, number, string]>;
    let run: RankedAggregate[] = [];
    for (const [id, method, status, num, den, display, key, experts, recused, outliers] of rows) {
      if (run.length > 0 && key !== run[0].key) {
        yield* run.length > 1 ? rankAggregates(run) : run;
        run = [];
      }
      run.push({
        applicationId: id,
        method,
        status,
        value: num === null || den === null ? null : scoreFromStored(method, num, den),
        display,
        key,
        experts,
        recused,
        outliers: outliers === '[]' ? (NOTHING as string[]) : (JSON.parse(outliers) as string[]),
      });
    }
    yield* run.length > 1 ? rankAggregates(run) : run;
  }
  return {
    length,
    [Symbol.iterator]: all,
    first(n) {
      const out: RankedAggregate[] = [];
      if (n <= 0) return out;
      for (const a of all()) if (out.push(a) >= n) break;
      return out;
    },
    sharedDisplays() {
      return new Set(
        db.prepare('SELECT score_display FROM score_aggregates WHERE round_id = ? AND score_display IS NOT NULL GROUP BY score_display HAVING count(*) > 1').pluck().all(roundId) as string[],
      );
    },
  };
}

/** Latest import time of the round's scores, to tell when an aggregate is out of date. */
/** Other applications of the round whose shown (rounded) score is `display`. */
export function applicationsShownAs(db: Db, roundId: string, display: string, except: string): string[] {
  return db.prepare('SELECT application_id FROM score_aggregates WHERE round_id = ? AND score_display = ? AND application_id <> ? ORDER BY application_id').pluck().all(roundId, display, except) as string[];
}

export function latestScoreImport(db: Db, roundId: string): string | undefined {
  return (db.prepare('SELECT max(imported_at) FROM scores WHERE round_id = ?').pluck().get(roundId) as string | null) ?? undefined;
}

/** Replaces the round's per-expert statistics (kept with the aggregate, for `scores show`). */
export function replaceExpertStats(db: Db, roundId: string, experts: ExpertSummary[]): void {
  db.prepare('DELETE FROM score_expert_stats WHERE round_id = ?').run(roundId);
  const ins = db.prepare('INSERT INTO score_expert_stats (round_id, expert_id, scored, recused, mean, sd) VALUES (?, ?, ?, ?, ?, ?)');
  for (const e of experts) ins.run(roundId, e.expertId, e.scored, e.recused, e.mean || null, e.sd || null);
}

export function expertStats(db: Db, roundId: string): Map<string, { scored: number; recused: number; mean: string | null; sd: string | null }> {
  const rows = db.prepare('SELECT expert_id, scored, recused, mean, sd FROM score_expert_stats WHERE round_id = ?').all(roundId) as {
    expert_id: string;
    scored: number;
    recused: number;
    mean: string | null;
    sd: string | null;
  }[];
  return new Map(rows.map((r) => [r.expert_id, { scored: r.scored, recused: r.recused, mean: r.mean, sd: r.sd }]));
}

/** The newest event's number: a cheap witness that nothing was written in between. */
export function lastEventSeq(db: Db): number {
  return (db.prepare('SELECT ifnull(max(seq), 0) FROM events').pluck().get() as number) ?? 0;
}
