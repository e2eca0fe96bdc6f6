// Eligibility results and officer decisions (SPEC §6). A decision settles a
// needs-review result only while the result's evidence hash equals the hash
// the decision was made on; `check` sets it aside when the evidence changes.
//
// What is stored: each application's status (applications.eligibility), and
// in eligibility_results only the results that cannot be rebuilt from the
// application alone: those that did not pass, and no-other-funding's pass
// when prior-funding rows were counted (passIsDerived). Every other result is
// a pass that checkAlone gives again, with the as-of date of the round's
// latest check, when the results are read. A round of 100,000 eligible
// applications stores no result row instead of 1,200,000. Rows stored by
// earlier versions read the same; the next check of their round drops the ones
// that can be rebuilt. (eligibility_digests, which let a re-check skip
// unchanged applications, is no longer read or written: a re-check compares
// with the stored rows themselves.)
import { hash } from 'node:crypto';
import type { Application } from '../domain/application.js';
import {
  RULE_IDS,
  checkAlone,
  deriveStatus,
  evidenceChanges,
  passIsDerived,
  resultReason,
  roundCheck,
  uscKey,
  type ApplicationCheck,
  type EligibilityStatus,
  type Evidence,
  type Outcome,
  type RoundCheck,
  type RuleId,
  type RuleResult,
  type SideLists,
} from '../domain/eligibility.js';
import type { AccidentKind, CreditList } from '../domain/side-lists.js';
import { OUTCOME_LABELS } from '../domain/labels.js';
import { type Text, text } from '../domain/text.js';
import type { Db } from './open.js';
import { type BulkInsert, bulkInsert, flushNoted } from './seals.js';
import { prepared } from './statements.js';
import { getRound } from './rounds.repo.js';
import { byIdWalk } from './round-walk.js';
import { eligibilitySql } from './states.js';

/** Applications between two moves of the noted keys out of memory (seals.ts flushNoted). */
const NOTES_FLUSH_EVERY = 20_000;

/**
 * The stored form of a result's evidence and its hash. The rules build their
 * evidence in a fixed key order, so plain JSON is stable (and much cheaper
 * than sorting keys on a million results).
 */
export function evidenceJson(evidence: Evidence): string {
  return JSON.stringify(evidence);
}

export function evidenceHash(rule: RuleId, json: string): string {
  return hash('sha256', `${rule}\n${json}`, 'hex');
}

export interface Decision {
  decisionId: number;
  applicationId: string;
  rule: RuleId;
  outcome: 'pass' | 'fail';
  reason: string;
  evidenceHash: string;
  evidence: Evidence;
  decidedBy: string;
  decidedAt: string;
  eventSeq: number;
}

export interface ResultView {
  rule: RuleId;
  /** What the rule itself found. */
  checkOutcome: Outcome;
  /** The officer's decision when one settles the result, else checkOutcome. */
  outcome: Outcome;
  article: string;
  /** The check's reason (see domain resultReason for the reason with the decision). */
  checkReason: Text;
  /** Parsed on first use. */
  readonly evidence: Evidence;
  readonly evidenceHash: string;
  decision: Decision | null;
  /** A decision set aside because the evidence changed since it was made; still open. */
  reopened: Decision | null;
}

interface DecisionRow {
  decision_id: number;
  application_id: string;
  rule: string;
  outcome: 'pass' | 'fail';
  reason: string;
  evidence_hash: string;
  evidence_json: string;
  decided_by: string;
  decided_at: string;
  event_seq: number;
}

interface ResultRow {
  application_id: string;
  rule: string;
  outcome: Outcome;
  article: string;
  reason_zh: string;
  reason_en: string;
  /** null when the reader did not ask for it. */
  evidence_json: string | null;
  evidence_hash: string;
  event_seq: number;
  decision_id: number | null;
  reopened_decision_id: number | null;
}

const toDecision = (r: DecisionRow): Decision => ({
  decisionId: r.decision_id,
  applicationId: r.application_id,
  rule: r.rule as RuleId,
  outcome: r.outcome,
  reason: r.reason,
  evidenceHash: r.evidence_hash,
  evidence: JSON.parse(r.evidence_json) as Evidence,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  eventSeq: r.event_seq,
});

function decisionsById(db: Db, ids: Iterable<number>): Map<number, Decision> {
  const m = new Map<number, Decision>();
  const stmt = prepared(db, 'SELECT * FROM eligibility_decisions WHERE decision_id = ?');
  for (const id of ids) {
    if (m.has(id)) continue;
    const r = stmt.get(id) as DecisionRow | undefined;
    if (r) m.set(id, toDecision(r));
  }
  return m;
}

const decisionIds = (rows: Iterable<ResultRow>): number[] => {
  const ids: number[] = [];
  for (const r of rows) {
    if (r.decision_id !== null) ids.push(r.decision_id);
    if (r.reopened_decision_id !== null) ids.push(r.reopened_decision_id);
  }
  return ids;
};

const ruleOrder = (r: string): number => RULE_IDS.indexOf(r as RuleId);

function storedView(r: ResultRow, decisions: Map<number, Decision>): ResultView {
  const decision = r.decision_id === null ? null : (decisions.get(r.decision_id) ?? null);
  let evidence: Evidence | undefined;
  return {
    rule: r.rule as RuleId,
    checkOutcome: r.outcome,
    outcome: decision ? decision.outcome : r.outcome,
    article: r.article,
    checkReason: { zh: r.reason_zh, en: r.reason_en },
    get evidence(): Evidence {
      return (evidence ??= JSON.parse(r.evidence_json ?? '{}') as Evidence);
    },
    evidenceHash: r.evidence_hash,
    decision,
    reopened: r.reopened_decision_id === null ? null : (decisions.get(r.reopened_decision_id) ?? null),
  };
}

/** A pass rebuilt by checkAlone: no decision; its hash taken when someone reads it. */
function derivedView(r: RuleResult): ResultView {
  let h: string | undefined;
  return {
    rule: r.rule,
    checkOutcome: r.outcome,
    outcome: r.outcome,
    article: r.article,
    checkReason: r.reason,
    evidence: r.evidence,
    get evidenceHash(): string {
      return (h ??= evidenceHash(r.rule, evidenceJson(r.evidence)));
    },
    decision: null,
    reopened: null,
  };
}

function toViews(rows: ResultRow[], decisions: Map<number, Decision>): ResultView[] {
  return rows.map((r) => storedView(r, decisions)).sort((a, b) => ruleOrder(a.rule) - ruleOrder(b.rule));
}

/**
 * An application's results in the §6 order: the stored ones, and for a
 * checked application (status not null) the passes checkAlone rebuilds.
 */
function resultsOf(app: Application, status: EligibilityStatus | null, rows: ResultRow[], decisions: Map<number, Decision>, rc: RoundCheck | null): ResultView[] {
  if (status === null || rc === null) return toViews(rows, decisions);
  const stored = new Map(rows.map((r) => [r.rule, r]));
  return checkAlone(rc, app).map((d) => {
    const r = stored.get(d.rule);
    return r ? storedView(r, decisions) : derivedView(d);
  });
}

/** Application ids in the ledger's order (SQLite compares text as UTF-8 bytes, that is by code point). */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts surrogates (D800–DFFF) before E000–FFFF; by code point they come after.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------------------
// Reading applications for the rules

/** An application as check reads it, with its status before the check. */
export type CheckedApplication = Application & { eligibility: EligibilityStatus | null };

/** The columns of an AppRow, read from `applications` (unaliased). */
const appCols = (db: Db) => `application_id, round_id, enterprise_name, uscc, district, established_on, independent_legal_person, category, cluster, project_name,
  total_investment_fen, requested_amount_fen, employees, annual_revenue_fen, other_fiscal_support, past_projects_compliant, credit_good,
  major_accident, ready_to_implement, training_events, trainees, submitted_on, ${eligibilitySql(db, 'applications')}`;
type AppRow = [
  string, string, string, string, string, string, number, string, string | null, string,
  number, number, number | null, number | null, number, number, number,
  number, number, number | null, number | null, string, EligibilityStatus | null,
];
// The rules never read the extra columns: one shared empty object instead of 10^6 parsed ones.
const NO_EXTRA: Record<string, string> = Object.freeze({}) as Record<string, string>;

const toApp = (r: AppRow): CheckedApplication => ({
  applicationId: r[0],
  roundId: r[1],
  enterpriseName: r[2],
  uscc: r[3],
  district: r[4],
  establishedOn: r[5],
  independentLegalPerson: r[6] === 1,
  category: r[7],
  cluster: r[8],
  projectName: r[9],
  totalInvestmentFen: r[10],
  requestedAmountFen: r[11],
  employees: r[12],
  annualRevenueFen: r[13],
  otherFiscalSupport: r[14] === 1,
  pastProjectsCompliant: r[15] === 1,
  creditGood: r[16] === 1,
  majorAccident: r[17] === 1,
  readyToImplement: r[18] === 1,
  trainingEvents: r[19],
  trainees: r[20],
  submittedOn: r[21],
  extra: NO_EXTRA,
  eligibility: r[22],
});

interface SourceCols {
  source_file: string;
  source_line: number;
}

/** Which side lists have any row: an empty one is not looked up batch after batch. */
interface ListsPresent {
  priorFunding: boolean;
  creditListings: boolean;
  violations: boolean;
  accidents: boolean;
}

function listsPresent(db: Db): ListsPresent {
  const any = (t: string) => db.prepare(`SELECT EXISTS (SELECT 1 FROM ${t})`).pluck().get() === 1;
  return { priorFunding: any('prior_funding'), creditListings: any('credit_listings'), violations: any('violations'), accidents: any('accidents') };
}

/** Side-list rows whose credit code is one of `usccs` (as stored), in the order the rules cite them. */
function sideListsFor(db: Db, usccs: string[], present: ListsPresent): SideLists {
  const inList = 'uscc IN (SELECT value FROM json_each(?))';
  const arg = JSON.stringify(usccs);
  const src = (r: SourceCols) => ({ file: r.source_file, line: r.source_line });
  const all = <T>(on: boolean, sql: string): T[] => (on ? (db.prepare(sql).all(arg) as T[]) : []);
  const pf = all<SourceCols & {
    uscc: string;
    project_name: string;
    program: string;
    amount_fen: number | null;
    year: number | null;
  }>(present.priorFunding, `SELECT * FROM prior_funding WHERE ${inList} ORDER BY id`);
  const cl = all<SourceCols & {
    uscc: string;
    list: CreditList;
    listed_on: string;
    removed_on: string | null;
  }>(present.creditListings, `SELECT * FROM credit_listings WHERE ${inList} ORDER BY listed_on, id`);
  const vi = all<SourceCols & {
    uscc: string;
    occurred_on: string;
    description: string;
  }>(present.violations, `SELECT * FROM violations WHERE ${inList} ORDER BY occurred_on, id`);
  const ac = all<SourceCols & {
    uscc: string;
    occurred_on: string;
    kind: AccidentKind;
    description: string;
  }>(present.accidents, `SELECT * FROM accidents WHERE ${inList} ORDER BY occurred_on, id`);
  return {
    priorFunding: pf.map((r) => ({ uscc: r.uscc, projectName: r.project_name, program: r.program, amountFen: r.amount_fen, year: r.year, source: src(r) })),
    creditListings: cl.map((r) => ({ uscc: r.uscc, list: r.list, listedOn: r.listed_on, removedOn: r.removed_on, source: src(r) })),
    violations: vi.map((r) => ({ uscc: r.uscc, occurredOn: r.occurred_on, description: r.description, source: src(r) })),
    accidents: ac.map((r) => ({ uscc: r.uscc, occurredOn: r.occurred_on, kind: r.kind, description: r.description, source: src(r) })),
  };
}

/** A batch's side-list rows by credit code (uscKey): the rules compare codes that way. */
function listsByKey(all: SideLists): Map<string, SideLists> {
  const m = new Map<string, SideLists>();
  const of = (uscc: string): SideLists => {
    const k = uscKey(uscc);
    let l = m.get(k);
    if (!l) m.set(k, (l = { priorFunding: [], creditListings: [], violations: [], accidents: [] }));
    return l;
  };
  for (const r of all.priorFunding) of(r.uscc).priorFunding.push(r);
  for (const r of all.creditListings) of(r.uscc).creditListings.push(r);
  for (const r of all.violations) of(r.uscc).violations.push(r);
  for (const r of all.accidents) of(r.uscc).accidents.push(r);
  return m;
}

/** One credit code's applications of a round (application order), its side-list rows, and what the last check stored for them. */
export interface RoundGroup {
  applications: CheckedApplication[];
  lists: SideLists;
  /** Stored results by application id, then rule. */
  stored: Map<string, Map<string, ResultRow>>;
  decisions: Map<number, Decision>;
}

/** How many applications the round has (for progress). */
export function roundSize(db: Db, roundId: string): number {
  return db.prepare('SELECT count(*) FROM applications WHERE round_id = ?').pluck().get(roundId) as number;
}

/**
 * The round's applications one credit code at a time, read in batches along
 * the (round_id, uscc, project_name) index, so that memory stays that of a
 * batch whatever the round's size. Results are the same as checking the
 * whole round at once: the rules only ever compare applications of one
 * credit code. Credit codes not stored in the canonical form (only
 * 0-9 and A-Z; import always stores that) are grouped by uscKey at the end.
 * Nothing may be written while a batch is read: the caller writes between yields.
 */
export function* roundGroups(db: Db, roundId: string, batch = 4096): Generator<RoundGroup> {
  const irregular = db.prepare("SELECT DISTINCT uscc FROM applications WHERE round_id = ? AND uscc GLOB '*[^0-9A-Z]*'").pluck().all(roundId) as string[];
  const irregularKeys = new Set(irregular.map(uscKey));
  const present = listsPresent(db);
  // A round checked for the first time (or with every result rebuilt) has no stored row to compare with.
  const anyStored = db.prepare('SELECT EXISTS (SELECT 1 FROM eligibility_results r JOIN applications a ON a.application_id = r.application_id WHERE a.round_id = ?)').pluck().get(roundId) === 1;
  const first = db.prepare(`SELECT ${appCols(db)} FROM applications WHERE round_id = ? ORDER BY uscc, project_name LIMIT ?`).raw();
  const next = db.prepare(`SELECT ${appCols(db)} FROM applications WHERE round_id = ? AND (uscc, project_name) > (?, ?) ORDER BY uscc, project_name LIMIT ?`).raw();
  const deferred: CheckedApplication[] = [];
  let pending: CheckedApplication[] = [];
  let after: [string, string] | null = null;
  for (;;) {
    const rows = (after ? next.all(roundId, after[0], after[1], batch) : first.all(roundId, batch)) as AppRow[];
    const complete: CheckedApplication[][] = [];
    for (const r of rows) {
      const app = toApp(r);
      if (irregularKeys.size && irregularKeys.has(uscKey(app.uscc))) {
        deferred.push(app);
        continue;
      }
      if (pending.length && pending[0].uscc !== app.uscc) {
        complete.push(pending);
        pending = [];
      }
      pending.push(app);
    }
    const done = rows.length < batch;
    if (done && pending.length) complete.push(pending);
    if (complete.length) yield* withStored(db, complete, present, anyStored);
    if (done) break;
    const last = rows[rows.length - 1];
    after = [last[3], last[9]];
  }
  if (deferred.length) {
    const byKey = new Map<string, CheckedApplication[]>();
    for (const a of deferred) {
      const k = uscKey(a.uscc);
      const list = byKey.get(k);
      if (list) list.push(a);
      else byKey.set(k, [a]);
    }
    yield* withStored(db, [...byKey.values()], present, anyStored);
  }
}

/** Groups of a batch with their side-list rows (those of the credit codes as stored) and stored results. */
function* withStored(db: Db, groups: CheckedApplication[][], present: ListsPresent, anyStored: boolean): Generator<RoundGroup> {
  const anyList = present.priorFunding || present.creditListings || present.violations || present.accidents;
  const lists = anyList ? listsByKey(sideListsFor(db, [...new Set(groups.flatMap((g) => g.map((a) => a.uscc)))], present)) : new Map<string, SideLists>();
  const ids = groups.flatMap((g) => g.map((a) => a.applicationId));
  const rows = anyStored ? (db.prepare('SELECT * FROM eligibility_results WHERE application_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as ResultRow[]) : [];
  const stored = new Map<string, Map<string, ResultRow>>();
  for (const r of rows) {
    let m = stored.get(r.application_id);
    if (!m) stored.set(r.application_id, (m = new Map()));
    m.set(r.rule, r);
  }
  const decisions = decisionsById(db, decisionIds(rows));
  const none: SideLists = { priorFunding: [], creditListings: [], violations: [], accidents: [] };
  for (const g of groups) {
    if (g.length > 1) g.sort((a, b) => compareIds(a.applicationId, b.applicationId));
    yield { applications: g, lists: lists.get(uscKey(g[0].uscc)) ?? none, stored, decisions };
  }
}

// ---------------------------------------------------------------------------
// Storing a check

export interface ReopenedItem {
  applicationId: string;
  rule: RuleId;
  decision: Decision;
  /** Why the decision no longer settles the item. */
  why: Text;
  /** 'evidence-changed': back to review; 'no-longer-review': the rule now passes or fails by itself. */
  kind: 'evidence-changed' | 'no-longer-review';
}

export interface RuleCounts {
  rule: RuleId;
  /** The articles the rule cited, in the order of the first application citing each (a category cites its own paragraph). */
  articles: string[];
  fail: number;
  review: number;
  decided: number;
}

export interface StatusChange {
  application_id: string;
  before: EligibilityStatus | null;
  after: EligibilityStatus;
}

/** What a stored check found, for its event and its summary. */
export interface CheckSummary {
  applications: number;
  byStatus: Record<EligibilityStatus, number>;
  /** In the §6 order of the rules. */
  byRule: RuleCounts[];
  statusChanges: number;
  /** The first 1,000 status changes in application order. */
  changes: StatusChange[];
  /** Officer decisions set aside because their evidence changed or the rule now settles itself (application, then rule order). */
  reopened: ReopenedItem[];
  /** Officer decisions kept because their evidence is unchanged. */
  kept: number;
  /** Every application id in order when there are at most 1,000 (the event names them), else null. */
  ids: string[] | null;
}

const EVENT_IDS_AT_MOST = 1000;

/** An application's status as check or a decision makes it (application_eligibility; NULL: not checked). */
const SET_ELIGIBILITY = `INSERT INTO application_eligibility (application_id, eligibility) VALUES (@id, @s)
  ON CONFLICT (application_id) DO UPDATE SET eligibility = excluded.eligibility WHERE eligibility IS NOT excluded.eligibility`;

/**
 * Writes a check group by group (add), inside the command's transaction. The
 * rows carry the seq of the event that the caller appends once the summary
 * is known (appendEvent gives the next seq: `nextEventSeq`), so foreign keys
 * are checked at commit. Unchanged rows are not rewritten: a re-check of a
 * large round writes little.
 */
export class CheckStore {
  private readonly insert;
  private readonly update;
  private readonly remove;
  private readonly setStatus;
  private applications = 0;
  private readonly byStatus: Record<EligibilityStatus, number> = { eligible: 0, ineligible: 0, 'needs-review': 0 };
  private readonly rules = new Map<RuleId, RuleCounts & { firstSeen: Map<string, string> }>();
  private statusChanges = 0;
  private changes: StatusChange[] = [];
  private readonly reopened: ReopenedItem[] = [];
  private kept = 0;
  private ids: string[] | null = [];
  private toEligible = 0;
  private readonly notEligible: string[] = [];
  // New result rows are sealed in bulk, by rowid (seals.ts): the insert trigger made each upsert a statement that
  // could abort half done, its pages copied into a statement journal row by row.
  private readonly newResults: BulkInsert;
  // Stored rows to delete, deleted in finish: after every insert, so that no new row takes a deleted row's rowid
  // (at or below the bulk's base, where its seal would not be looked for).
  private readonly removals: [string, string][] = [];

  constructor(
    private readonly db: Db,
    private readonly eventSeq: number,
  ) {
    db.pragma('defer_foreign_keys = ON');
    this.newResults = bulkInsert(db, 'eligibility_results');
    // A new row by a plain INSERT, a stored one by an UPDATE: an upsert is a statement that may write twice (and so
    // needs a statement journal, its pages copied row by row).
    this.insert = db.prepare(
      `INSERT INTO eligibility_results (application_id, rule, outcome, article, reason_zh, reason_en, evidence_json, evidence_hash, event_seq, decision_id, reopened_decision_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.update = db.prepare(
      `UPDATE eligibility_results SET outcome = ?, article = ?, reason_zh = ?, reason_en = ?, evidence_json = ?, evidence_hash = ?, event_seq = ?,
         decision_id = ?, reopened_decision_id = ?
       WHERE application_id = ? AND rule = ?`,
    );
    this.remove = db.prepare('DELETE FROM eligibility_results WHERE application_id = ? AND rule = ?');
    // The state before allocation is read from the status (ledger/states.ts): the application row is not touched.
    // The changed statuses are written in finish, all in one statement (an upsert a row needed a statement journal, as above).
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS jm_status_changes (application_id TEXT PRIMARY KEY, eligibility TEXT NOT NULL) WITHOUT ROWID;
      DELETE FROM temp.jm_status_changes;`);
    this.setStatus = db.prepare('INSERT INTO temp.jm_status_changes (application_id, eligibility) VALUES (?, ?)');
    for (const rule of RULE_IDS) this.rules.set(rule, { rule, articles: [], fail: 0, review: 0, decided: 0, firstSeen: new Map() });
  }

  /** Stores the checks of one group (checkGroup's answer for group.applications). */
  add(group: RoundGroup, checks: ApplicationCheck[]): void {
    checks.forEach((check, k) => {
      const app = group.applications[k];
      const id = check.applicationId;
      const prev = group.stored.get(id);
      const effective: Outcome[] = [];
      for (const r of check.results) {
        const p = prev?.get(r.rule);
        const d = p?.decision_id != null ? group.decisions.get(p.decision_id) : undefined;
        const needsRow = !passIsDerived(r, group.lists);
        // The hash only where it can matter: a stored row, or a decision to compare with.
        const json = needsRow || d ? evidenceJson(r.evidence) : '';
        const h = needsRow || d ? evidenceHash(r.rule, json) : '';
        let kept: Decision | null = null;
        let reopened: Decision | null = null;
        if (d && r.outcome === 'needs-review' && d.evidenceHash === h) {
          kept = d;
          this.kept++;
        } else if (d && r.outcome === 'needs-review') {
          reopened = d;
          const changes = evidenceChanges(d.evidence, r.evidence);
          this.reopened.push({ applicationId: id, rule: r.rule, decision: d, kind: 'evidence-changed', why: text(`证据已变化：${changes.zh}`, `the evidence changed: ${changes.en}`) });
        } else if (d) {
          const now = OUTCOME_LABELS[r.outcome];
          this.reopened.push({
            applicationId: id,
            rule: r.rule,
            decision: d,
            kind: 'no-longer-review',
            why: text(`该规则现在本身即${now.zh}，无需人工决定`, `the rule now gives ${now.en} by itself; no decision is needed`),
          });
        } else if (p?.reopened_decision_id != null && r.outcome === 'needs-review') {
          reopened = group.decisions.get(p.reopened_decision_id) ?? null; // still open, keep the history visible
        }
        const outcome = kept ? kept.outcome : r.outcome;
        effective.push(outcome);
        const c = this.rules.get(r.rule);
        if (c) {
          if (!c.firstSeen.has(r.article)) c.firstSeen.set(r.article, id);
          else if (compareIds(id, c.firstSeen.get(r.article) as string) < 0) c.firstSeen.set(r.article, id);
          // As the results read: a decided item counts by its decision.
          if (outcome === 'fail') c.fail++;
          if (outcome === 'needs-review') c.review++;
          if (kept) c.decided++;
        }
        if (!needsRow) {
          if (p) this.removals.push([id, r.rule]);
          continue;
        }
        const decisionId = kept?.decisionId ?? null;
        const reopenedId = reopened?.decisionId ?? null;
        if (
          p &&
          p.outcome === r.outcome &&
          p.article === r.article &&
          p.reason_zh === r.reason.zh &&
          p.reason_en === r.reason.en &&
          p.evidence_hash === h &&
          p.decision_id === decisionId &&
          p.reopened_decision_id === reopenedId
        ) {
          continue;
        }
        const row = [r.outcome, r.article, r.reason.zh, r.reason.en, json, h, this.eventSeq, decisionId, reopenedId];
        if (p) this.update.run(...row, id, r.rule);
        else this.insert.run(id, r.rule, ...row);
      }
      // A stored row of a rule the check no longer gives (none today) goes too.
      if (prev) for (const rule of prev.keys()) if (!check.results.some((r) => r.rule === rule)) this.removals.push([id, rule]);
      const status = deriveStatus(effective);
      // The keys noted for the row seals move out of memory now and then (a round of 10^5 repeats notes two per application).
      if (++this.applications % NOTES_FLUSH_EVERY === 0) flushNoted(this.db);
      this.byStatus[status]++;
      if (app.eligibility !== status) {
        // Eligible ones are found in SQL at the end (most of a round: 10^5 ids need not cross over).
        if (status === 'eligible') this.toEligible++;
        else this.setStatus.run(id, status);
      }
      if (status !== 'eligible') this.notEligible.push(id);
      if (app.eligibility !== status) {
        this.statusChanges++;
        this.changes.push({ application_id: id, before: app.eligibility, after: status });
        // Only the first 1,000 in application order are kept.
        if (this.changes.length >= 2 * EVENT_IDS_AT_MOST) this.changes = this.firstChanges();
      }
      if (this.ids) {
        this.ids.push(id);
        if (this.ids.length > EVENT_IDS_AT_MOST) this.ids = null;
      }
    });
  }

  private firstChanges(): StatusChange[] {
    return this.changes.sort((a, b) => compareIds(a.application_id, b.application_id)).slice(0, EVENT_IDS_AT_MOST);
  }

  summary(): CheckSummary {
    return {
      applications: this.applications,
      byStatus: { ...this.byStatus },
      byRule: [...this.rules.values()].map(({ firstSeen, ...c }) => ({
        ...c,
        articles: [...firstSeen].sort((a, b) => compareIds(a[1], b[1])).map(([article]) => article),
      })),
      statusChanges: this.statusChanges,
      changes: this.firstChanges(),
      reopened: [...this.reopened].sort((a, b) => compareIds(a.applicationId, b.applicationId) || ruleOrder(a.rule) - ruleOrder(b.rule)),
      kept: this.kept,
      ids: this.ids ? [...this.ids].sort(compareIds) : null,
    };
  }

  /** Moves the eligible applications and records the check as the round's latest, once its event (of this store's seq) is appended. */
  finish(roundId: string, run: { asOf: string; at: string; officer: string; eventSeq: number }): void {
    if (run.eventSeq !== this.eventSeq) throw new Error(`internal error: the check's rows carry event ${this.eventSeq}, its event is ${run.eventSeq}`);
    this.newResults.done();
    for (const [id, rule] of this.removals) this.remove.run(id, rule);
    if (this.toEligible) {
      // Every application of the round was checked in this transaction: those not found otherwise are eligible.
      this.db
        .prepare(
          `INSERT INTO temp.jm_status_changes (application_id, eligibility)
           SELECT a.application_id, 'eligible' FROM applications a
            WHERE ${byIdWalk(this.db, roundId, 'a')} = ? AND a.application_id NOT IN (SELECT value FROM json_each(?))
              AND ${eligibilitySql(this.db, 'a')} IS NOT 'eligible'`,
        )
        .run(roundId, JSON.stringify(this.notEligible));
    }
    if (this.statusChanges) {
      // The changed ids are listed first, so that their rows are sealed from that list in one pass (seals.ts bulkInsert),
      // not noted one by one by the insert trigger; a row that was there (another status before) is an update, noted as such.
      const bulk = bulkInsert(this.db, 'application_eligibility', 'SELECT application_id FROM temp.jm_status_changes');
      this.db
        .prepare(
          `INSERT INTO application_eligibility (application_id, eligibility)
           SELECT application_id, eligibility FROM temp.jm_status_changes ORDER BY application_id
           ON CONFLICT (application_id) DO UPDATE SET eligibility = excluded.eligibility WHERE eligibility IS NOT excluded.eligibility`,
        )
        .run();
      bulk.done();
      this.db.exec('DELETE FROM temp.jm_status_changes');
    }
    this.db
      .prepare(
        `INSERT INTO eligibility_checks (round_id, as_of, checked_at, checked_by, event_seq) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (round_id) DO UPDATE SET as_of = excluded.as_of, checked_at = excluded.checked_at, checked_by = excluded.checked_by, event_seq = excluded.event_seq`,
      )
      .run(roundId, run.asOf, run.at, run.officer, run.eventSeq);
  }
}

/** The seq the next appended event will get. */
export function nextEventSeq(db: Db): number {
  return ((db.prepare('SELECT max(seq) FROM events').pluck().get() as number | null) ?? 0) + 1;
}

/** Indexes every application of the round under an event, in SQL (for events that name more than 1,000). */
export function linkRoundApplications(db: Db, seq: number, roundId: string): void {
  // In the order of event_apps' key (application_id first): each goes beside the same application's earlier events.
  db.prepare(`INSERT OR IGNORE INTO event_apps (seq, application_id) SELECT ?, application_id FROM applications WHERE ${byIdWalk(db, roundId)} = ? ORDER BY application_id`).run(seq, roundId);
}

// ---------------------------------------------------------------------------
// Decisions

export function currentResult(db: Db, applicationId: string, rule: RuleId): ResultView | undefined {
  const r = prepared(db, 'SELECT * FROM eligibility_results WHERE application_id = ? AND rule = ?').get(applicationId, rule) as ResultRow | undefined;
  if (r) return toViews([r], decisionsById(db, decisionIds([r])))[0];
  const app = readApplication(db, applicationId);
  const rc = app ? roundCheckOf(db, app.roundId) : null;
  if (!app || app.eligibility === null || !rc) return undefined;
  const d = checkAlone(rc, app).find((x) => x.rule === rule);
  return d && derivedView(d);
}

export function applicationStatus(db: Db, applicationId: string): EligibilityStatus | null {
  const r = prepared(db, `SELECT ${eligibilitySql(db, 'a')} AS eligibility FROM applications a WHERE a.application_id = ?`).get(applicationId) as { eligibility: EligibilityStatus | null } | undefined;
  return r?.eligibility ?? null;
}

/**
 * Records a decision on the result's current evidence and recomputes the
 * application's status; call inside the command's transaction after its event.
 */
export function recordDecision(
  db: Db,
  d: { applicationId: string; rule: RuleId; outcome: 'pass' | 'fail'; reason: string; decidedBy: string; decidedAt: string; eventSeq: number },
): { decision: Decision; status: EligibilityStatus } {
  const r = prepared(db, 'SELECT evidence_hash, evidence_json, outcome FROM eligibility_results WHERE application_id = ? AND rule = ?').get(d.applicationId, d.rule) as
    | { evidence_hash: string; evidence_json: string; outcome: Outcome }
    | undefined;
  if (!r || r.outcome !== 'needs-review') throw new Error(`recordDecision: ${d.applicationId} ${d.rule} is not a needs-review result`);
  // prepared(): decide --from records thousands of decisions in one command.
  const info = prepared(
    db,
    'INSERT INTO eligibility_decisions (application_id, rule, outcome, reason, evidence_hash, evidence_json, decided_by, decided_at, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(d.applicationId, d.rule, d.outcome, d.reason, r.evidence_hash, r.evidence_json, d.decidedBy, d.decidedAt, d.eventSeq);
  const id = Number(info.lastInsertRowid);
  prepared(db, 'UPDATE eligibility_results SET decision_id = ?, reopened_decision_id = NULL WHERE application_id = ? AND rule = ?').run(id, d.applicationId, d.rule);
  // Results that are not stored are passes: only the stored ones can change the status.
  const outcomes = prepared(
    db,
    `SELECT coalesce(d.outcome, r.outcome) AS o FROM eligibility_results r
       LEFT JOIN eligibility_decisions d ON d.decision_id = r.decision_id WHERE r.application_id = ?`,
  ).all(d.applicationId) as { o: Outcome }[];
  const status = deriveStatus(outcomes.map((x) => x.o));
  prepared(db, SET_ELIGIBILITY).run({ s: status, id: d.applicationId });
  const row = prepared(db, 'SELECT * FROM eligibility_decisions WHERE decision_id = ?').get(id) as DecisionRow;
  return { decision: toDecision(row), status };
}

// ---------------------------------------------------------------------------
// Reading results

export interface ApplicationResults {
  applicationId: string;
  enterpriseName: string;
  projectName: string;
  status: EligibilityStatus | null;
  results: ResultView[];
}

function readApplication(db: Db, applicationId: string): CheckedApplication | undefined {
  const r = db.prepare(`SELECT ${appCols(db)} FROM applications WHERE application_id = ?`).raw().get(applicationId) as AppRow | undefined;
  return r && toApp(r);
}

/** The rules' context for reading a round's results back: its policy and the as-of date of its latest check. */
function roundCheckOf(db: Db, roundId: string): RoundCheck | null {
  const run = lastCheck(db, roundId);
  const round = run ? getRound(db, roundId) : undefined;
  return run && round ? roundCheck(round, run.asOf) : null;
}

/**
 * Every application of the round by application_id, with its results in the
 * §6 order (empty when never checked), streamed: one application's results
 * at a time, whatever the round's size. Without evidence, stored rows leave
 * their evidence unread unless a reopened decision's reason needs it.
 */
export function* iterateRoundResults(db: Db, roundId: string, opts: { evidence?: boolean } = {}): Generator<ApplicationResults> {
  for (const a of walkRound(db, roundId, opts.evidence !== false)) {
    yield { applicationId: a.app.applicationId, enterpriseName: a.app.enterpriseName, projectName: a.app.projectName, status: a.app.eligibility, results: resultsOf(a.app, a.app.eligibility, a.rows, a.decisions, a.rc) };
  }
}

/** A result as the audit report lists it (its FactsEligibility): what the rule found and the decision that settles it. */
export interface ResultLine {
  appId: string;
  rule: RuleId;
  /** What the rule itself found. */
  outcome: Outcome;
  article: string;
  reason: Text;
  decision: { outcome: 'pass' | 'fail'; reason: string; by: string; at: string } | null;
}

/**
 * The round's results as iterateRoundResults gives them, one line per result
 * (application order, then the §6 order), without the views' evidence and
 * hashes: a round of 10^5 applications has 1.2 million of them.
 */
export function* iterateRoundResultLines(db: Db, roundId: string): Generator<{ applicationId: string; results: ResultLine[] }> {
  for (const a of walkRound(db, roundId, false)) {
    const { app, rows, decisions, rc } = a;
    const appId = app.applicationId;
    const line = (r: ResultRow): ResultLine => {
      const d = r.decision_id === null ? undefined : decisions.get(r.decision_id);
      return { appId, rule: r.rule as RuleId, outcome: r.outcome, article: r.article, reason: { zh: r.reason_zh, en: r.reason_en }, decision: d ? { outcome: d.outcome, reason: d.reason, by: d.decidedBy, at: d.decidedAt } : null };
    };
    let results: ResultLine[];
    if (app.eligibility === null || rc === null) {
      results = rows.map(line).sort((x, y) => ruleOrder(x.rule) - ruleOrder(y.rule));
    } else {
      const derived = checkAlone(rc, app);
      results = new Array<ResultLine>(derived.length);
      for (let i = 0; i < derived.length; i++) {
        const d = derived[i];
        const r = rows.length ? rows.find((x) => x.rule === d.rule) : undefined;
        results[i] = r ? line(r) : { appId, rule: d.rule, outcome: d.outcome, article: d.article, reason: d.reason, decision: null };
      }
    }
    yield { applicationId: appId, results };
  }
}

/**
 * How many results of the round (as iterateRoundResultLines gives them) each
 * rule has with each outcome, a decision's outcome where one settles the
 * result, counted in SQL: a checked application has every rule of RULE_IDS,
 * and each one not stored is a pass (passIsDerived); an application never
 * checked has only its stored rows.
 */
export function roundResultCounts(db: Db, roundId: string): { rule: RuleId; outcome: Outcome; count: number }[] {
  const checked = roundCheckOf(db, roundId) !== null;
  const rules = JSON.stringify(RULE_IDS);
  // A stored row counts when its application was never checked, or when its rule is one the check gives.
  const stored = db
    .prepare(
      `SELECT r.rule, CASE WHEN da.application_id IS NOT NULL THEN d.outcome ELSE r.outcome END AS outcome, count(*) AS n,
              sum(${eligibilitySql(db, 'a')} IS NOT NULL) AS on_checked
         FROM eligibility_results r JOIN applications a ON a.application_id = r.application_id
         LEFT JOIN eligibility_decisions d ON d.decision_id = r.decision_id
         LEFT JOIN applications da ON da.application_id = d.application_id AND da.round_id = a.round_id
        WHERE a.round_id = @round AND (NOT @checked OR ${eligibilitySql(db, 'a')} IS NULL OR r.rule IN (SELECT value FROM json_each(@rules)))
        GROUP BY 1, 2`,
    )
    .all({ round: roundId, checked: checked ? 1 : 0, rules }) as { rule: RuleId; outcome: Outcome; n: number; on_checked: number }[];
  const out = new Map<string, { rule: RuleId; outcome: Outcome; count: number }>();
  const add = (rule: RuleId, outcome: Outcome, n: number) => {
    const k = `${rule}\u0000${outcome}`;
    const e = out.get(k);
    if (e) e.count += n;
    else out.set(k, { rule, outcome, count: n });
  };
  for (const r of stored) add(r.rule, r.outcome, r.n);
  if (checked) {
    const apps = db.prepare(`SELECT count(*) FROM applications a WHERE a.round_id = ? AND ${eligibilitySql(db, 'a')} IS NOT NULL`).pluck().get(roundId) as number;
    const storedOnChecked = new Map<string, number>();
    for (const r of stored) storedOnChecked.set(r.rule, (storedOnChecked.get(r.rule) ?? 0) + r.on_checked);
    for (const rule of RULE_IDS) add(rule, 'pass', apps - (storedOnChecked.get(rule) ?? 0));
  }
  return [...out.values()];
}

/** The round's applications by application_id, each with its stored result rows, the round's decisions and check. */
function* walkRound(
  db: Db,
  roundId: string,
  evidence: boolean,
): Generator<{ app: CheckedApplication; rows: ResultRow[]; decisions: Map<number, Decision>; rc: RoundCheck | null }> {
  const rc = roundCheckOf(db, roundId);
  const evidenceCol = evidence ? 'r.evidence_json' : 'CASE WHEN r.reopened_decision_id IS NULL THEN NULL ELSE r.evidence_json END AS evidence_json';
  const decisions = new Map(
    (
      db
        .prepare('SELECT d.* FROM eligibility_decisions d JOIN applications a ON a.application_id = d.application_id WHERE a.round_id = ?')
        .all(roundId) as DecisionRow[]
    ).map((d) => [d.decision_id, toDecision(d)]),
  );
  // CROSS JOIN: the results in their key order, no sort of rows of kilobytes.
  const stored = db
    .prepare(
      `SELECT r.application_id, r.rule, r.outcome, r.article, r.reason_zh, r.reason_en, ${evidenceCol}, r.evidence_hash, r.event_seq, r.decision_id, r.reopened_decision_id
       FROM eligibility_results r CROSS JOIN applications a ON a.application_id = r.application_id WHERE a.round_id = ? ORDER BY r.application_id`,
    )
    .iterate(roundId) as IterableIterator<ResultRow>;
  let nextRow = stored.next();
  const none: ResultRow[] = [];
  try {
    for (const r of db.prepare(`SELECT ${appCols(db)} FROM applications WHERE ${byIdWalk(db, roundId)} = ? ORDER BY application_id`).raw().iterate(roundId) as IterableIterator<AppRow>) {
      const app = toApp(r);
      let rows = none;
      while (!nextRow.done && compareIds(nextRow.value.application_id, app.applicationId) <= 0) {
        if (nextRow.value.application_id === app.applicationId) {
          if (rows === none) rows = [];
          rows.push(nextRow.value);
        }
        nextRow = stored.next();
      }
      yield { app, rows, decisions, rc };
    }
  } finally {
    stored.return?.();
  }
}

/** Every application of the round with its results in the §6 order (results empty when never checked). */
export function roundResults(db: Db, roundId: string, opts: { evidence?: boolean } = {}): ApplicationResults[] {
  return [...iterateRoundResults(db, roundId, opts)];
}

/** A result that did not pass, of an application found ineligible or needing review. */
export interface ProblemLine {
  applicationId: string;
  enterpriseName: string;
  status: EligibilityStatus;
  rule: RuleId;
  article: string;
  /** With the officer's decision when one settles it. */
  outcome: Outcome;
  reason: Text;
}

/**
 * The results that did not pass (after decisions) of the round's ineligible and
 * needs-review applications, in application and §6 order, streamed. Every
 * such result is stored: a rebuilt result is a pass.
 */
export function* iterateProblems(db: Db, roundId: string): Generator<ProblemLine> {
  const decisions = new Map(
    (
      db
        .prepare(
          `SELECT d.* FROM eligibility_decisions d JOIN applications a ON a.application_id = d.application_id
           WHERE a.round_id = ? AND ${eligibilitySql(db, 'a')} IN ('ineligible', 'needs-review')`,
        )
        .all(roundId) as DecisionRow[]
    ).map((d) => [d.decision_id, toDecision(d)]),
  );
  type App = { id: string; name: string; status: EligibilityStatus; views: ResultView[] };
  function* lines(a: App): Generator<ProblemLine> {
    a.views.sort((x, y) => ruleOrder(x.rule) - ruleOrder(y.rule));
    for (const v of a.views) {
      if (v.outcome === 'pass') continue;
      yield { applicationId: a.id, enterpriseName: a.name, status: a.status, rule: v.rule, article: v.article, outcome: v.outcome, reason: resultReason(v) };
    }
  }
  const rows = db
    .prepare(
      // CROSS JOIN: the results in their key order, no sort (a round of repeats holds 10^5 results of kilobytes each).
      `SELECT r.*, a.enterprise_name, ${eligibilitySql(db, 'a')} AS eligibility FROM eligibility_results r CROSS JOIN applications a ON a.application_id = r.application_id
       WHERE a.round_id = ? AND ${eligibilitySql(db, 'a')} IN ('ineligible', 'needs-review') ORDER BY r.application_id`,
    )
    .iterate(roundId) as IterableIterator<ResultRow & { enterprise_name: string; eligibility: EligibilityStatus }>;
  let cur: App | null = null;
  for (const r of rows) {
    if (cur === null || cur.id !== r.application_id) {
      if (cur) yield* lines(cur);
      cur = { id: r.application_id, name: r.enterprise_name, status: r.eligibility, views: [] };
    }
    cur.views.push(storedView(r, decisions));
  }
  if (cur) yield* lines(cur);
}

export interface ReviewItem {
  applicationId: string;
  enterpriseName: string;
  uscc: string;
  district: string;
  projectName: string;
  category: string;
  result: ResultView;
}

/** Needs-review results that no decision settles, in application and §6 order. */
export function openReviewItems(db: Db, roundId: string): ReviewItem[] {
  const rows = db
    .prepare(
      `SELECT r.*, a.enterprise_name, a.uscc, a.district, a.project_name, a.category FROM eligibility_results r
       JOIN applications a ON a.application_id = r.application_id
       WHERE a.round_id = ? AND r.outcome = 'needs-review' AND r.decision_id IS NULL`,
    )
    .all(roundId) as (ResultRow & { enterprise_name: string; uscc: string; district: string; project_name: string; category: string })[];
  const decisions = decisionsById(
    db,
    rows.map((r) => r.reopened_decision_id).filter((x): x is number => x !== null),
  );
  return rows
    .map((r) => ({
      applicationId: r.application_id,
      enterpriseName: r.enterprise_name,
      uscc: r.uscc,
      district: r.district,
      projectName: r.project_name,
      category: r.category,
      result: toViews([r], decisions)[0],
    }))
    .sort((a, b) => compareIds(a.applicationId, b.applicationId) || ruleOrder(a.result.rule) - ruleOrder(b.result.rule));
}

export interface CheckRun {
  asOf: string;
  checkedAt: string;
  checkedBy: string;
  eventSeq: number;
}

/** The latest check of a round, if any. */
export function lastCheck(db: Db, roundId: string): CheckRun | undefined {
  const r = db.prepare('SELECT as_of, checked_at, checked_by, event_seq FROM eligibility_checks WHERE round_id = ?').get(roundId) as
    | { as_of: string; checked_at: string; checked_by: string; event_seq: number }
    | undefined;
  return r && { asOf: r.as_of, checkedAt: r.checked_at, checkedBy: r.checked_by, eventSeq: r.event_seq };
}

export interface EligibilitySection {
  applicationId: string;
  /** null when the application was never checked. */
  status: EligibilityStatus | null;
  asOf: string | null;
  checkedAt: string | null;
  checkedBy: string | null;
  /** One per rule in the §6 order; each with its reason (check + decision) in both languages. */
  results: (ResultView & { reason: Text })[];
  /** Every decision ever made on this application, oldest first (including ones set aside). */
  decisions: Decision[];
}

/**
 * The check results and decisions of one application, for `applications show`.
 * undefined when there is no such application.
 */
export function eligibilitySection(db: Db, applicationId: string): EligibilitySection | undefined {
  const app = readApplication(db, applicationId);
  if (!app) return undefined;
  const decisions = (
    db.prepare('SELECT * FROM eligibility_decisions WHERE application_id = ? ORDER BY decision_id').all(applicationId) as DecisionRow[]
  ).map(toDecision);
  const rows = db.prepare('SELECT * FROM eligibility_results WHERE application_id = ?').all(applicationId) as ResultRow[];
  const byId = new Map(decisions.map((d) => [d.decisionId, d]));
  const results = resultsOf(app, app.eligibility, rows, byId, app.eligibility === null ? null : roundCheckOf(db, app.roundId)).map((v) => ({ ...v, reason: resultReason(v) }));
  const run = results.length ? lastCheck(db, app.roundId) : undefined;
  return {
    applicationId,
    status: app.eligibility,
    asOf: run?.asOf ?? null,
    checkedAt: run?.checkedAt ?? null,
    checkedBy: run?.checkedBy ?? null,
    results,
    decisions,
  };
}
