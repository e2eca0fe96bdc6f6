// Reads what the reports need about one round (domain/reports/facts.ts).
// Each stage's tables are read only when they exist, so a report works on a
// round at any stage and on an older ledger. What grows with the round is
// not loaded: it is a query run each time its rows are iterated
// (stmt.iterate()), one row in memory at a time. Every list has a fixed
// order, so reports are reproducible.
import { fenJson } from '../domain/money-stages.js';
import type {
  DossierQuery,
  FactsAwardRow,
  FactsAcceptance,
  FactsAggregate,
  FactsAllocation,
  FactsApp,
  FactsCapInput,
  FactsClawback,
  FactsDossier,
  FactsEligibility,
  FactsEvent,
  FactsFiling,
  FactsFilingRecord,
  FactsLine,
  FactsNotice,
  FactsObjection,
  FactsPayment,
  FactsRecovery,
  FactsScore,
  FactsSpotCheck,
  FactsStanding,
  FactsTally,
  FactsVerify,
  LedgerHead,
  RoundFacts,
  Rows,
} from '../domain/reports/facts.js';
import { RULE_IDS } from '../domain/eligibility.js';
import { MONEY_FACTS_OPTIONAL, columnIndex, moneyFactsColumns, moneyFactsManualJoin, moneyFactsReader, stageTablesWithRows } from './awards.repo.js';
import { compareIds, iterateRoundResultLines, roundResultCounts } from './eligibility.repo.js';
import { byIdWalk } from './round-walk.js';
import type { Db } from './open.js';
import { getRound } from './rounds.repo.js';
import { CHECKS, refLabel, runChecks, runChecksOnFile, type VerifyResult } from './verify/index.js';
import { missingNeeds, tableColumns } from './schema.js';
import { eligibilitySql, lineStateSql, noticedStateSql, stateSql } from './states.js';
import { RowColumns } from './row-columns.js';

type Row = Record<string, unknown>;
type Params = Record<string, unknown> | unknown[];

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number(v ?? 0));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

function parseJson<T>(s: unknown, fallback: T): T {
  if (typeof s !== 'string') return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
}

class Schema {
  private cache = new Map<string, Set<string> | undefined>();
  private walk: boolean | undefined;
  constructor(
    private db: Db,
    private roundId: string,
  ) {}
  /**
   * The round filter on `column` as a query of the round's rows by
   * application id should write it: `+column` (no index: the id key is walked
   * in order instead of the round's rows being sorted) when the round is most
   * of the ledger, else `column` (eligibility.repo byIdWalk).
   */
  byId(column: string): string {
    this.walk ??= byIdWalk(this.db, this.roundId).startsWith('+');
    return this.walk ? `+${column}` : column;
  }
  cols(t: string): Set<string> | undefined {
    if (!this.cache.has(t)) this.cache.set(t, tableColumns(this.db, t));
    return this.cache.get(t);
  }
  has(t: string, ...cols: string[]): boolean {
    const c = this.cols(t);
    return !!c && cols.every((x) => c.has(x));
  }
}

const NONE: Rows<never> = [];

/** The rows of a query, mapped, read each time they are iterated. */
function query<T>(db: Db, sql: string, params: Params, map: (r: Row) => T): Rows<T> {
  return {
    *[Symbol.iterator]() {
      const stmt = db.prepare(sql);
      for (const r of stmt.iterate(...(Array.isArray(params) ? params : [params])) as IterableIterator<Row>) yield map(r);
    },
  };
}

/**
 * query() for the queries of one row per application (10^5 and more): rows
 * come as arrays (Statement.raw()), read by column index, which saves an
 * object with a property per column for every row. `reader` gets a column's
 * index by name and returns the row's mapping.
 */
function rawQuery<T>(db: Db, sql: string, params: Params, reader: (at: (column: string) => number) => (r: unknown[]) => T, absent?: ReadonlySet<string>): Rows<T> {
  return {
    *[Symbol.iterator]() {
      const stmt = db.prepare(sql).raw(true);
      const map = reader(columnIndex(stmt, absent));
      for (const r of stmt.iterate(...(Array.isArray(params) ? params : [params])) as IterableIterator<unknown[]>) yield map(r);
    },
  };
}

/**
 * rawQuery() whose rows, once read through to the end, are kept
 * (RowColumns, at most `maxRows` of them) and given again from memory when
 * iterated again: for the rows a report walks several times.
 */
function keptRawQuery<T>(db: Db, sql: string, params: Params, reader: (at: (column: string) => number) => (r: unknown[]) => T, absent: ReadonlySet<string>, maxRows: number): Rows<T> {
  let kept: { rows: RowColumns; at: (column: string) => number } | null = null;
  return {
    *[Symbol.iterator]() {
      if (kept) {
        const map = reader(kept.at);
        for (const r of kept.rows.rows()) yield map(r);
        return;
      }
      const stmt = db.prepare(sql).raw(true);
      const at = columnIndex(stmt, absent);
      const map = reader(at);
      const rows = new RowColumns(maxRows);
      let keeping = maxRows > 0;
      for (const r of stmt.iterate(...(Array.isArray(params) ? params : [params])) as IterableIterator<unknown[]>) {
        if (keeping) keeping = rows.push(r);
        yield map(r);
      }
      if (keeping) kept = { rows, at };
    },
  };
}

/**
 * The standings kept in memory up to this many applications (about 20 MB per
 * 10^5), when asked for: the audit report walks them three times (charts,
 * allocation, money). A province's round of 200,000 fits; past it they are
 * read again each time rather than held.
 */
const KEPT_STANDINGS = 1 << 18;

/** `state`: the state as read (ledger/states.ts), an SQL expression. */
const appColumns = (state: string) => `a.application_id, a.enterprise_name, a.uscc, a.district, a.category, a.cluster, a.project_name,
  a.total_investment_fen, a.requested_amount_fen, a.submitted_on, ${state} AS state, a.training_events, a.trainees`;

function appReader(at: (column: string) => number): (r: unknown[]) => FactsApp {
  const [id, enterprise, uscc, district, category, cluster, project, total, requested, submitted, state, eligibility, events, trainees] = [
    'application_id',
    'enterprise_name',
    'uscc',
    'district',
    'category',
    'cluster',
    'project_name',
    'total_investment_fen',
    'requested_amount_fen',
    'submitted_on',
    'state',
    'eligibility',
    'training_events',
    'trainees',
  ].map(at);
  return (r) => ({
    id: str(r[id]),
    enterprise: str(r[enterprise]),
    uscc: str(r[uscc]),
    district: str(r[district]),
    category: str(r[category]),
    cluster: strOrNull(r[cluster]),
    project: str(r[project]),
    totalInvestmentFen: num(r[total]),
    requestedFen: num(r[requested]),
    submittedOn: str(r[submitted]),
    state: str(r[state]),
    eligibility: strOrNull(r[eligibility]),
    trainingEvents: numOrNull(r[events]),
    trainees: numOrNull(r[trainees]),
  });
}


const eligibilityColumn = (db: Db) => `${eligibilitySql(db, 'a')} AS eligibility`;

/** `version`: the round's latest allocation version (null: none), which the state reads (stateSql's default looks it up on every row). */
function apps(db: Db, s: Schema, roundId: string, version: number | null): Rows<FactsApp> {
  return rawQuery(db, `SELECT ${appColumns(stateSql(db, 'a', version === null ? 'NULL' : String(version)))}, ${eligibilityColumn(db)} FROM applications a WHERE ${s.byId('a.round_id')} = ? ORDER BY a.application_id`, [roundId], appReader);
}

function capInputs(db: Db, s: Schema, roundId: string): Rows<FactsCapInput> {
  return rawQuery(db, `SELECT application_id, category, total_investment_fen, requested_amount_fen FROM applications WHERE ${s.byId('round_id')} = ? ORDER BY application_id`, [roundId], () => (r) => ({
    id: str(r[0]),
    category: str(r[1]),
    totalInvestmentFen: num(r[2]),
    requestedFen: num(r[3]),
  }));
}

const acceptanceOf = (r: Row, p = ''): FactsAcceptance => ({
  appId: str(r.application_id),
  date: str(r[`${p}accepted_on`]),
  result: str(r[`${p}result`]),
  actualInvestmentFen: numOrNull(r[`${p}actual_investment_fen`]),
  finalAwardFen: numOrNull(r[`${p}final_award_fen`]),
  actualEvents: numOrNull(r[`${p}training_events`]),
  actualTrainees: numOrNull(r[`${p}trainees`]),
  by: str(r[`${p}created_by`]),
});

/** The columns of the dossier queries that are left out when the round has not reached their stage: read as NULL (or 0). */
const DOSSIER_OPTIONAL: ReadonlySet<string> = new Set(['l_app', 'l_rank', 'm_fen', 'g_score', 'c_app', 'n_award', ...MONEY_FACTS_OPTIONAL]);

/** What the award list leaves out of a dossier's query (FactsAwardRow). */
const AWARD_ROW_ABSENT: ReadonlySet<string> = new Set([
  ...DOSSIER_OPTIONAL,
  'uscc',
  'district',
  'submitted_on',
  'eligibility',
  'training_events',
  'trainees',
  'l_category',
  'l_cluster',
  'l_entitled',
]);

/**
 * Every application joined with its line, score, acceptance and money, in
 * one query: a line is the latest allocation's, replaced in a manual
 * category (Art. 7(5)) by the newest amount an officer set; an award
 * withdrawn after notice (objection upheld) shows as withdrawn even before a
 * re-allocation. A stage the round has not reached (no manual award, no
 * acceptance, no payment yet) is not joined: its columns are NULL or 0, as a
 * join would find them. `standings`: the same rows without the names,
 * figures, score and acceptance (what the money and the charts need).
 */
function dossiers(db: Db, s: Schema, roundId: string, version: number | null, manualCategories: string[], keepStandings: boolean) {
  const rows = stageTablesWithRows(db, roundId, (t) => s.cols(t) !== undefined);
  const withLines = version !== null && rows('allocation_lines') && s.has('allocation_lines', 'round_id', 'version', 'application_id', 'category', 'cluster', 'rank', 'score_display', 'cap_fen', 'entitled_fen', 'award_fen', 'reason', 'binding');
  const withManual = rows('manual_awards') && s.has('manual_awards', 'application_id', 'amount_fen', 'round_id', 'id');
  const withAggregates = rows('score_aggregates') && s.has('score_aggregates', 'application_id', 'round_id', 'score_display');
  const withAcceptances = rows('acceptances') && s.has('acceptances', 'application_id', 'accepted_on', 'result', 'final_award_fen', 'actual_investment_fen', 'training_events', 'trainees', 'created_by');
  const money = moneyFactsColumns(rows, { line: withLines ? 'l' : undefined, manual: withManual ? 'm' : undefined, acceptance: withAcceptances ? 'c' : undefined }, { constants: false });
  const manual = JSON.stringify(manualCategories);
  const manualSet = new Set(manualCategories);
  const withNoticeItems = s.has('notice_items', 'notice_id', 'application_id', 'award_fen');
  // The state as read (ledger/states.ts) from the latest version's line joined here.
  const state = withLines ? lineStateSql(db, 'a', 'l') : noticedStateSql(db, 'a');

  /**
   * The query of dossiers(q), or with `lean` of standings (no names, figures, score, acceptance or notice: only what the money needs),
   * and with `lean` and not `withLine` of tallies (the standings without their lines).
   * What the round has not reached (no manual award, no aggregate, no acceptance, no payment) is not selected: DOSSIER_OPTIONAL.
   */
  const sqlOf = (q: DossierQuery, lean: boolean, withLine = true, award = false): string => {
    const cols = [
      lean
        ? `a.application_id, a.category, a.cluster, a.district, ${state} AS state`
        : award
          ? `a.application_id, a.enterprise_name, a.category, a.cluster, a.project_name, a.total_investment_fen, a.requested_amount_fen, ${state} AS state`
          : `${appColumns(state)}, ${eligibilityColumn(db)}`,
      withLines && withLine
        ? award
          ? 'l.application_id AS l_app, l.rank AS l_rank, l.score_display AS l_score, l.cap_fen AS l_cap, l.award_fen AS l_award, l.reason AS l_reason, l.binding AS l_binding'
          : 'l.application_id AS l_app, l.category AS l_category, l.cluster AS l_cluster, l.rank AS l_rank, l.score_display AS l_score, l.cap_fen AS l_cap, l.entitled_fen AS l_entitled, l.award_fen AS l_award, l.reason AS l_reason, l.binding AS l_binding'
        : '',
      withManual && withLine ? 'm.amount_fen AS m_fen' : '',
      withAggregates && !lean ? 'g.score_display AS g_score' : '',
      withAcceptances && !lean && !award ? 'c.application_id AS c_app, c.accepted_on AS c_accepted_on, c.result AS c_result, c.actual_investment_fen AS c_actual_investment_fen, c.final_award_fen AS c_final_award_fen, c.training_events AS c_training_events, c.trainees AS c_trainees, c.created_by AS c_created_by' : '',
      money,
      q.notice !== undefined ? 'ni.award_fen AS n_award' : '',
      q.order === 'rank' ? `CASE WHEN ${withManual ? 'm.amount_fen IS NOT NULL AND a.category IN (SELECT value FROM json_each(@manual))' : '0'} THEN NULL ELSE ${withLines ? 'l.rank' : 'NULL'} END AS rank_key` : '',
    ];
    return `SELECT ${cols.filter((c) => c !== '').join(',\n        ')}
      FROM applications a
      ${q.notice !== undefined ? 'JOIN notice_items ni ON ni.application_id = a.application_id AND ni.notice_id = @notice' : ''}
      ${withLines ? 'LEFT JOIN allocation_lines l ON l.round_id = @round AND l.version = @version AND l.application_id = a.application_id' : ''}
      ${withManual ? moneyFactsManualJoin('m') : ''}
      ${withAggregates && !lean ? 'LEFT JOIN score_aggregates g ON g.application_id = a.application_id AND g.round_id = @round' : ''}
      ${withAcceptances ? 'LEFT JOIN acceptances c ON c.application_id = a.application_id' : ''}
      WHERE ${s.byId('a.round_id')} = @round ${q.category !== undefined ? 'AND a.category = @category' : ''}
      ORDER BY ${q.order === 'rank' ? 'rank_key IS NULL, rank_key, ' : q.order === 'enterprise' ? 'a.uscc, ' : ''}a.application_id`;
  };
  const paramsOf = (sql: string, q: DossierQuery): Record<string, unknown> => {
    const params: Record<string, unknown> = { round: roundId };
    if (sql.includes('@version')) params.version = version;
    if (sql.includes('@manual')) params.manual = manual;
    if (q.category !== undefined) params.category = q.category;
    if (q.notice !== undefined) params.notice = q.notice;
    return params;
  };
  /** The line (or manual award) of a row of either query. */
  const lineReader = (at: (column: string) => number): ((r: unknown[], a: FactsStanding['app']) => FactsLine | null) => {
    const [mFen, lApp, lCategory, lCluster, lRank, lScore, lCap, lEntitled, lAward, lReason, lBinding] = withLines
      ? ['m_fen', 'l_app', 'l_category', 'l_cluster', 'l_rank', 'l_score', 'l_cap', 'l_entitled', 'l_award', 'l_reason', 'l_binding'].map(at)
      : [at('m_fen'), at('l_app')];
    return (r, a) => {
      let line: FactsLine | null = null;
      const manualFen = numOrNull(r[mFen]);
      if (manualFen !== null && manualSet.has(a.category)) {
        line = {
          version: version ?? 0,
          appId: a.id,
          category: a.category,
          cluster: a.cluster,
          rank: null,
          scoreDisplay: null,
          capFen: manualFen,
          entitledFen: manualFen,
          awardFen: manualFen,
          reason: manualFen > 0 ? 'manual-award' : 'not-allocated',
          binding: null,
        };
      } else if (r[lApp] !== null && r[lApp] !== undefined) {
        line = {
          version: version ?? 0,
          appId: a.id,
          category: str(r[lCategory]),
          cluster: strOrNull(r[lCluster]),
          rank: numOrNull(r[lRank]),
          scoreDisplay: strOrNull(r[lScore]),
          capFen: num(r[lCap]),
          entitledFen: num(r[lEntitled]),
          awardFen: num(r[lAward]),
          reason: str(r[lReason]),
          binding: strOrNull(r[lBinding]),
        };
      }
      if (line && a.state === 'withdrawn' && line.awardFen > 0) line.reason = 'withdrawn';
      return line;
    };
  };

  const dossierRows = (q: DossierQuery = {}): Rows<FactsDossier> => {
    if (q.notice !== undefined && !withNoticeItems) return NONE;
    const sql = sqlOf(q, false);
    return rawQuery(db, sql, paramsOf(sql, q), (at) => {
      const app = appReader(at);
      const lineOf = lineReader(at);
      const moneyOf = moneyFactsReader(at);
      const [gScore, nAward] = [at('g_score'), at('n_award')];
      const [cApp, cOn, cResult, cInvestment, cFinal, cEvents, cTrainees, cBy] = withAcceptances
        ? ['c_app', 'c_accepted_on', 'c_result', 'c_actual_investment_fen', 'c_final_award_fen', 'c_training_events', 'c_trainees', 'c_created_by'].map(at)
        : [at('c_app')];
      return (r): FactsDossier => {
        const a = app(r);
        return {
          app: a,
          line: lineOf(r, a),
          aggregateScore: strOrNull(r[gScore]),
          acceptance:
            r[cApp] === null || r[cApp] === undefined
              ? null
              : {
                  appId: a.id,
                  date: str(r[cOn]),
                  result: str(r[cResult]),
                  actualInvestmentFen: numOrNull(r[cInvestment]),
                  finalAwardFen: numOrNull(r[cFinal]),
                  actualEvents: numOrNull(r[cEvents]),
                  actualTrainees: numOrNull(r[cTrainees]),
                  by: str(r[cBy]),
                },
          money: moneyOf(r),
          noticeAwardFen: numOrNull(r[nAward]),
        };
      };
    }, DOSSIER_OPTIONAL);
  };

  const awardRows = (q: DossierQuery = {}): Rows<FactsAwardRow> => {
    if (q.notice !== undefined && !withNoticeItems) return NONE;
    const sql = sqlOf(q, false, true, true);
    return rawQuery(db, sql, paramsOf(sql, q), (at) => {
      // The columns not read are read as absent (empty), hidden by FactsAwardRow's type.
      const app = appReader(at);
      const lineOf = lineReader(at);
      const moneyOf = moneyFactsReader(at);
      const gScore = at('g_score');
      return (r): FactsAwardRow => {
        const a = app(r);
        return { app: a, line: lineOf(r, a), aggregateScore: strOrNull(r[gScore]), money: moneyOf(r) };
      };
    }, AWARD_ROW_ABSENT);
  };

  const leanSql = sqlOf({}, true);
  const standings = keptRawQuery(db, leanSql, paramsOf(leanSql, {}), (at): ((r: unknown[]) => FactsStanding) => {
    const [id, category, cluster, district, state] = ['application_id', 'category', 'cluster', 'district', 'state'].map(at);
    const lineOf = lineReader(at);
    const moneyOf = moneyFactsReader(at);
    return (r) => {
      const a = { id: str(r[id]), category: str(r[category]), cluster: strOrNull(r[cluster]), district: str(r[district]), state: str(r[state]) };
      return { app: a, line: lineOf(r, a), money: moneyOf(r) };
    };
  }, DOSSIER_OPTIONAL, keepStandings ? KEPT_STANDINGS : 0);
  // The state and the money still read the line and the manual award joined: only their columns are left out.
  const tallySql = sqlOf({}, true, false);
  const tallies = rawQuery(db, tallySql, paramsOf(tallySql, {}), (at): ((r: unknown[]) => FactsTally) => {
    const [id, category, cluster, district, state] = ['application_id', 'category', 'cluster', 'district', 'state'].map(at);
    const moneyOf = moneyFactsReader(at);
    return (r) => ({ app: { id: str(r[id]), category: str(r[category]), cluster: strOrNull(r[cluster]), district: str(r[district]), state: str(r[state]) }, money: moneyOf(r) });
  }, DOSSIER_OPTIONAL);
  return { dossiers: dossierRows, awardRows, standings, tallies };
}

function eligibility(db: Db, s: Schema, roundId: string): Rows<FactsEligibility> {
  if (!s.has('eligibility_results', 'application_id', 'rule', 'outcome', 'article', 'reason_zh', 'reason_en')) return NONE;
  // By application, then rule name; passes that are not stored are rebuilt (eligibility.repo.ts), already as FactsEligibility.
  return {
    *[Symbol.iterator]() {
      for (const a of iterateRoundResultLines(db, roundId)) {
        const results = byName(a.results);
        for (let i = 0; i < results.length; i++) yield results[i];
      }
    },
  };
}

/** The rules by name (compareIds), ranked once: 1.2 million results are sorted 12 at a time. */
const RULE_NAME_RANK = new Map([...RULE_IDS].sort(compareIds).map((r, i) => [r as string, i]));
const byRuleName = (x: { rule: string }, y: { rule: string }): number => {
  const a = RULE_NAME_RANK.get(x.rule);
  const b = RULE_NAME_RANK.get(y.rule);
  return a !== undefined && b !== undefined ? a - b : compareIds(x.rule, y.rule);
};

/** The positions of RULE_IDS in rule-name order: a checked application's results come in RULE_IDS order, and are put in name order without a sort. */
const NAME_ORDER = RULE_IDS.map((r) => r as string).map((r, i) => [r, i] as const).sort((x, y) => compareIds(x[0], y[0])).map(([, i]) => i);

/** An application's results by rule name. */
function byName<T extends { rule: string }>(results: T[]): T[] {
  if (results.length <= 1) return results;
  if (results.length === RULE_IDS.length && results.every((r, i) => r.rule === RULE_IDS[i])) return NAME_ORDER.map((i) => results[i]);
  return [...results].sort(byRuleName);
}

/** The experts an aggregate flagged as outliers (entries are an id or { expert }). */
function outlierExperts(json: unknown): string[] {
  return parseJson<unknown[]>(json, []).map((e) => (typeof e === 'object' && e !== null && 'expert' in e ? str((e as { expert: unknown }).expert) : str(e)));
}

/** The columns the aggregates are read from (a ledger opened read-only before a migration may lack some). */
const AGGREGATE_COLS = ['application_id', 'round_id', 'method', 'status', 'score_display', 'experts', 'recused'] as const;

function aggregates(db: Db, s: Schema, roundId: string): Rows<FactsAggregate> {
  if (!s.has('score_aggregates', ...AGGREGATE_COLS)) return NONE;
  // By primary key (application id), filtered, rather than sorted.
  return rawQuery(db, `SELECT application_id, method, status, score_display, experts, recused, outliers_json FROM score_aggregates WHERE ${s.byId('round_id')} = ? ORDER BY application_id`, [roundId], () => (r) => ({
    appId: str(r[0]),
    method: str(r[1]),
    status: str(r[2]),
    scoreDisplay: strOrNull(r[3]),
    experts: num(r[4]),
    recused: num(r[5]),
    outliers: outlierExperts(r[6]).length,
  }));
}

const NO_EXPERTS: ReadonlySet<string> = new Set();

function scores(db: Db, s: Schema, roundId: string): Rows<FactsScore> {
  if (!s.has('scores', 'application_id', 'round_id', 'expert_id', 'score_centi', 'recused')) return NONE;
  const withOutliers = s.has('score_aggregates', ...AGGREGATE_COLS, 'outliers_json');
  return {
    *[Symbol.iterator]() {
      // The flagged experts come from a second cursor, over the aggregates that flag any, in the same
      // application order as the scores: no lookup per score (a round of 10^5 applications has 3 × 10^5).
      const flaggedRows = withOutliers
        ? (db
            .prepare(`SELECT application_id, outliers_json FROM score_aggregates WHERE ${s.byId('round_id')} = ? AND outliers_json <> '[]' ORDER BY application_id`)
            .raw(true)
            .iterate(roundId) as IterableIterator<unknown[]>)
        : undefined;
      let next = flaggedRows?.next();
      try {
        let app: string | null = null;
        let flagged = NO_EXPERTS;
        const rows = db.prepare('SELECT application_id, expert_id, score_centi, recused FROM scores WHERE round_id = ? ORDER BY application_id, expert_id').raw(true).iterate(roundId) as IterableIterator<unknown[]>;
        for (const r of rows) {
          const id = str(r[0]);
          if (id !== app) {
            app = id;
            while (flaggedRows && next && !next.done && compareIds(str(next.value[0]), id) < 0) next = flaggedRows.next();
            flagged = next && !next.done && next.value[0] === id ? new Set(outlierExperts(next.value[1])) : NO_EXPERTS;
          }
          const expert = str(r[1]);
          yield { appId: id, expertId: expert, scoreCenti: numOrNull(r[2]), recused: num(r[3]) === 1, outlier: flagged.has(expert) };
        }
      } finally {
        flaggedRows?.return?.();
      }
    },
  };
}

function versions(db: Db, s: Schema, roundId: string): FactsAllocation[] {
  if (!s.has('allocations', 'round_id', 'version', 'method', 'shortfall', 'tie_break', 'created_at', 'created_by')) return [];
  const rows = db.prepare('SELECT * FROM allocations WHERE round_id = ? ORDER BY version').all(roundId) as Row[];
  return rows.map((r) => {
    const budgets: Record<string, number> = {};
    for (const [k, v] of Object.entries(parseJson<Record<string, unknown>>(r.budgets_json, {}))) if (typeof v === 'number') budgets[k] = v;
    return {
      version: num(r.version),
      method: str(r.method),
      shortfall: str(r.shortfall),
      tieBreak: str(r.tie_break),
      budgets,
      ties: parseJson<unknown[]>(r.ties_json, []).length,
      createdAt: str(r.created_at),
      createdBy: str(r.created_by),
    };
  });
}

function notices(db: Db, s: Schema, roundId: string): FactsNotice[] {
  if (!s.has('notices', 'notice_id', 'round_id', 'starts_on', 'ends_on', 'days')) return [];
  const withItems = s.has('notice_items', 'notice_id', 'application_id', 'award_fen');
  const count = withItems ? db.prepare('SELECT count(*) FROM notice_items WHERE notice_id = ?').pluck() : null;
  return (db.prepare('SELECT * FROM notices WHERE round_id = ? ORDER BY notice_id').all(roundId) as Row[]).map((r) => ({
    id: num(r.notice_id),
    version: numOrNull(r.allocation_version),
    from: str(r.starts_on),
    to: str(r.ends_on),
    days: num(r.days),
    publishedAt: str(r.created_at),
    publishedBy: str(r.created_by),
    itemCount: count ? num(count.get(r.notice_id)) : 0,
  }));
}

function objections(db: Db, s: Schema, roundId: string): Rows<FactsObjection> {
  if (!s.has('objections', 'objection_id', 'round_id', 'application_id', 'received_on', 'status')) return NONE;
  return query(db, 'SELECT * FROM objections WHERE round_id = ? ORDER BY objection_id', [roundId], (r) => ({
    id: str(r.objection_id),
    appId: str(r.application_id),
    receivedOn: str(r.received_on),
    from: strOrNull(r.from_name),
    accepted: str(r.status) !== 'not-accepted',
    status: str(r.status),
    note: strOrNull(r.resolution_note),
    notAcceptedReason: strOrNull(r.not_accepted_reason),
    resolvedOn: strOrNull(r.resolved_on),
  }));
}

function filings(db: Db, s: Schema, roundId: string): Rows<FactsFiling> {
  if (!s.has('filings', 'filing_id', 'round_id', 'filed_on') || !s.has('filed_awards', 'application_id', 'filing_id', 'amount_fen')) return NONE;
  return query(
    db,
    `SELECT f.filing_id, f.application_id, f.amount_fen, g.filed_on, g.created_by FROM filed_awards f JOIN filings g ON g.filing_id = f.filing_id
      WHERE g.round_id = ? ORDER BY g.filing_id, f.application_id`,
    [roundId],
    (r) => ({ filingId: num(r.filing_id), appId: str(r.application_id), filedFen: num(r.amount_fen), filedOn: str(r.filed_on), by: str(r.created_by) }),
  );
}

function filingRecords(db: Db, s: Schema, roundId: string): FactsFilingRecord[] {
  if (!s.has('filings', 'filing_id', 'round_id', 'filed_on', 'award_count', 'total_fen', 'hash')) return [];
  // The total as text: a sum past 2^53 fen is exact only as a bigint.
  return (db.prepare('SELECT *, CAST(total_fen AS TEXT) AS total_text FROM filings WHERE round_id = ? ORDER BY filing_id').all(roundId) as Row[]).map((r) => ({
    id: num(r.filing_id),
    filedOn: str(r.filed_on),
    count: num(r.award_count),
    totalFen: fenJson(BigInt(str(r.total_text))),
    hash: str(r.hash),
    at: str(r.created_at),
    by: str(r.created_by),
  }));
}

/**
 * Rows of a per-application table for the round's applications, in a fixed
 * order. The table drives the join (CROSS JOIN): it holds at most a row or a
 * few per funded application, where the round's applications are 10^5 lookups
 * into it even when it is empty.
 */
function perApp<T>(db: Db, s: Schema, table: string, roundId: string, order: string, map: (r: Row) => T): Rows<T> {
  if (!s.has(table, 'application_id')) return NONE;
  return query(db, `SELECT t.* FROM ${table} t CROSS JOIN applications a ON a.application_id = t.application_id WHERE a.round_id = ? ORDER BY ${order}`, [roundId], map);
}

function acceptances(db: Db, s: Schema, roundId: string): Rows<FactsAcceptance> {
  if (!s.has('acceptances', 'accepted_on', 'result', 'final_award_fen')) return NONE;
  return perApp(db, s, 'acceptances', roundId, 't.application_id', (r) => acceptanceOf(r));
}

function payments(db: Db, s: Schema, roundId: string): Rows<FactsPayment> {
  if (!s.has('payments', 'payment_id', 'amount_fen', 'paid_on')) return NONE;
  return perApp(db, s, 'payments', roundId, 't.paid_on, t.payment_id', (r) => ({ appId: str(r.application_id), date: str(r.paid_on), amountFen: num(r.amount_fen), by: str(r.created_by) }));
}

function clawbacks(db: Db, s: Schema, roundId: string): Rows<FactsClawback> {
  if (!s.has('clawbacks', 'clawback_id', 'amount_fen', 'ordered_on')) return NONE;
  return perApp(db, s, 'clawbacks', roundId, 't.clawback_id', (r) => ({
    id: str(r.clawback_id),
    appId: str(r.application_id),
    amountFen: num(r.amount_fen),
    source: str(r.source),
    reason: str(r.reason),
    orderedOn: str(r.ordered_on),
  }));
}

function recoveries(db: Db, s: Schema, roundId: string): Rows<FactsRecovery> {
  if (!s.has('recoveries', 'recovery_id', 'amount_fen', 'recovered_on')) return NONE;
  return perApp(db, s, 'recoveries', roundId, 't.recovered_on, t.recovery_id', (r) => ({ appId: str(r.application_id), date: str(r.recovered_on), amountFen: num(r.amount_fen) }));
}

function spotChecks(db: Db, s: Schema, roundId: string): Rows<FactsSpotCheck> {
  if (!s.has('spot_checks', 'check_id', 'round_id', 'seed', 'drawn_on') || !s.has('spot_check_items', 'check_id', 'application_id')) return NONE;
  const withFindings = s.has('spot_check_findings', 'check_id', 'application_id', 'finding', 'note');
  return query(
    db,
    `SELECT i.application_id, c.seed, c.drawn_on, ${withFindings ? 'f.finding, f.note' : 'NULL AS finding, NULL AS note'}
       FROM spot_check_items i JOIN spot_checks c ON c.check_id = i.check_id
       ${withFindings ? 'LEFT JOIN spot_check_findings f ON f.check_id = i.check_id AND f.application_id = i.application_id' : ''}
      WHERE c.round_id = ? ORDER BY c.check_id, i.application_id`,
    [roundId],
    (r) => ({
      appId: str(r.application_id),
      seed: str(r.seed),
      drawnOn: str(r.drawn_on),
      result: r.finding === null ? 'pending' : str(r.finding),
      finding: strOrNull(r.note),
    }),
  );
}

function events(db: Db, roundId: string): Rows<FactsEvent> {
  return query(db, 'SELECT seq, at, officer, command, hash FROM events WHERE round_id = ? ORDER BY seq', [roundId], (r) => ({
    seq: num(r.seq),
    at: str(r.at),
    officer: str(r.officer),
    command: str(r.command),
    hash: str(r.hash),
  }));
}

export function verifyFacts(db: Db): FactsVerify {
  return verifyFactsOf(runChecks(db));
}

/**
 * verifyFacts with the checks run as `verify` runs them on a file: SQLite's
 * integrity and foreign-key checks in a worker thread beside the others when
 * the ledger is large (the same result); `worker: false`, all in this thread.
 */
export async function verifyFactsOnFile(db: Db, onCheck?: (done: number, total: number) => void, opts: { worker?: boolean } = {}): Promise<FactsVerify> {
  return verifyFactsOf(await runChecksOnFile(db, db.name, undefined, onCheck, opts));
}

/**
 * What verifyFacts gives on a sound ledger, read without running the checks:
 * no problem, the checks whose tables or columns are missing skipped, the
 * number of events and the hash of the last (an audit report written before
 * its verify has finished, then compared: ops/audit-verify.ts).
 */
export function soundVerifyFacts(db: Db): FactsVerify {
  const events = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  return { ok: true, problems: [], skipped: CHECKS.filter((c) => missingNeeds(db, c.needs).length > 0).map((c) => c.id), events, lastHash: ledgerHead(db).hash };
}

function verifyFactsOf(v: VerifyResult): FactsVerify {
  return {
    ok: v.ok,
    problems: v.problems.map((p) => ({ check: p.check, where: refLabel(p.ref), message: p.message })),
    skipped: v.checks.filter((c) => c.status === 'skipped').map((c) => c.id),
    events: v.events,
    lastHash: v.lastHash,
  };
}

/**
 * What a report may show about one round; undefined if there is no such
 * round. Small things are read now; the rest is read as the report iterates it.
 * `verify`: false skips the checks; a result already found is taken as it is.
 * `keepStandings`: the standings are kept once read (a report that walks them more than once).
 */
export function loadRoundFacts(db: Db, roundId: string, opts: { verify?: boolean | FactsVerify; keepStandings?: boolean } = {}): RoundFacts | undefined {
  const round = getRound(db, roundId);
  if (!round) return undefined;
  const s = new Schema(db, roundId);
  const manual = round.policy.categories.filter((c) => c.allocation === 'manual').map((c) => c.key);
  const vs = versions(db, s, roundId);
  const latest = vs.length ? vs[vs.length - 1] : null;
  const counts = db.prepare(`SELECT category, count(*) AS n FROM applications WHERE ${s.byId('round_id')} = ? GROUP BY category ORDER BY category`).all(roundId) as { category: string; n: number }[];
  return {
    round: { id: round.roundId, opensOn: round.opensOn, closesOn: round.closesOn, policyId: round.policyId, policyHash: round.policyHash, budgets: round.budgets },
    policy: round.policy,
    apps: apps(db, s, roundId, latest?.version ?? null),
    capInputs: capInputs(db, s, roundId),
    appCount: counts.reduce((n, c) => n + c.n, 0),
    appCategories: counts.map((c) => c.category),
    appCountIn: (category) => counts.find((c) => c.category === category)?.n ?? 0,
    ...dossiers(db, s, roundId, latest?.version ?? null, manual, opts.keepStandings === true),
    eligibility: eligibility(db, s, roundId),
    eligibilityCounts: () => (s.has('eligibility_results', 'application_id', 'rule', 'outcome', 'article', 'reason_zh', 'reason_en') ? roundResultCounts(db, roundId) : []),
    scores: scores(db, s, roundId),
    scoreCount: () => (s.has('scores', 'round_id') ? (db.prepare('SELECT count(*) FROM scores WHERE round_id = ?').pluck().get(roundId) as number) : 0),
    aggregates: aggregates(db, s, roundId),
    aggregateCount: () =>
      s.has('score_aggregates', ...AGGREGATE_COLS)
        ? (db.prepare('SELECT count(*) FROM score_aggregates WHERE round_id = ?').pluck().get(roundId) as number)
        : 0,
    allocation: latest,
    versions: vs,
    notices: notices(db, s, roundId),
    objections: objections(db, s, roundId),
    filings: filings(db, s, roundId),
    filingRecords: filingRecords(db, s, roundId),
    acceptances: acceptances(db, s, roundId),
    payments: payments(db, s, roundId),
    clawbacks: clawbacks(db, s, roundId),
    recoveries: recoveries(db, s, roundId),
    spotChecks: spotChecks(db, s, roundId),
    events: events(db, roundId),
    verify: opts.verify === false ? { ok: true, problems: [], skipped: [], events: 0, lastHash: '' } : typeof opts.verify === 'object' ? opts.verify : verifyFacts(db),
    head: ledgerHead(db),
  };
}

/** The newest event (read here, not through events.ts: a report needs no hashing code). */
export function ledgerHead(db: Db): LedgerHead {
  const h = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as LedgerHead | undefined;
  return h ?? { seq: 0, hash: '0'.repeat(64) };
}
