// Eligibility results and officer decisions (SPEC §6). A decision settles a
// needs-review result only while the result's evidence hash equals the hash
// the decision was made on; `check` sets it aside when the evidence changes.
import { hash } from 'node:crypto';
import type { Application } from '../domain/application.js';
import {
  RULE_IDS,
  deriveStatus,
  evidenceChanges,
  type ApplicationCheck,
  type EligibilityStatus,
  type Evidence,
  type Outcome,
  type RuleId,
  type SideLists,
} from '../domain/eligibility.js';
import type { AccidentKind, CreditList } from '../domain/side-lists.js';
import { type Text, text } from '../domain/text.js';
import { roundApplications } from './applications.repo.js';
import type { Db } from './open.js';

/** States in which `check` and `decide` still move applications.state (before scoring and allocation). */
export const PRE_ALLOCATION_STATES = ['imported', 'eligible', 'ineligible', 'needs-review'] as const;

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
  /** The check's reason (see resultReason for the reason with the decision). */
  checkReason: Text;
  /** Parsed on first use. */
  readonly evidence: Evidence;
  evidenceHash: string;
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
  const stmt = db.prepare('SELECT * FROM eligibility_decisions WHERE decision_id = ?');
  for (const id of ids) {
    if (m.has(id)) continue;
    const r = stmt.get(id) as DecisionRow | undefined;
    if (r) m.set(id, toDecision(r));
  }
  return m;
}

const ruleOrder = (r: string): number => RULE_IDS.indexOf(r as RuleId);

function toViews(rows: ResultRow[], decisions: Map<number, Decision>): ResultView[] {
  return rows
    .map((r): ResultView => {
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
    })
    .sort((a, b) => ruleOrder(a.rule) - ruleOrder(b.rule));
}

const dateOf = (iso: string): string => iso.slice(0, 10);

/** The reason a person reads: the check's reason, and the officer's decision when there is one. */
export function resultReason(v: ResultView): Text {
  if (v.decision) {
    const d = v.decision;
    const o = d.outcome === 'pass' ? text('通过', 'pass') : text('不通过', 'fail');
    return text(
      `${d.decidedBy} 于 ${dateOf(d.decidedAt)} 人工决定：${o.zh}（理由：${d.reason}）；核查发现：${v.checkReason.zh}`,
      `${d.decidedBy} decided ${o.en} on ${dateOf(d.decidedAt)} (reason: ${d.reason}); the check found: ${v.checkReason.en}`,
    );
  }
  if (v.reopened) {
    const d = v.reopened;
    return text(
      `${v.checkReason.zh}（${d.decidedBy} 于 ${dateOf(d.decidedAt)} 的决定已失效，因证据已变化：${evidenceChanges(d.evidence, v.evidence).zh}）`,
      `${v.checkReason.en} (the decision by ${d.decidedBy} on ${dateOf(d.decidedAt)} no longer applies because the evidence changed: ${evidenceChanges(d.evidence, v.evidence).en})`,
    );
  }
  return v.checkReason;
}

// ---------------------------------------------------------------------------
// Reading what check needs

interface SourceCols {
  source_file: string;
  source_line: number;
}

/** Side-list rows for the credit codes of the round's applications. */
export function loadSideLists(db: Db, roundId: string): SideLists {
  const inRound = 'uscc IN (SELECT uscc FROM applications WHERE round_id = ?)';
  const src = (r: SourceCols) => ({ file: r.source_file, line: r.source_line });
  const pf = db.prepare(`SELECT * FROM prior_funding WHERE ${inRound} ORDER BY id`).all(roundId) as (SourceCols & {
    uscc: string;
    project_name: string;
    program: string;
    amount_fen: number | null;
    year: number | null;
  })[];
  const cl = db.prepare(`SELECT * FROM credit_listings WHERE ${inRound} ORDER BY listed_on, id`).all(roundId) as (SourceCols & {
    uscc: string;
    list: CreditList;
    listed_on: string;
    removed_on: string | null;
  })[];
  const vi = db.prepare(`SELECT * FROM violations WHERE ${inRound} ORDER BY occurred_on, id`).all(roundId) as (SourceCols & {
    uscc: string;
    occurred_on: string;
    description: string;
  })[];
  const ac = db.prepare(`SELECT * FROM accidents WHERE ${inRound} ORDER BY occurred_on, id`).all(roundId) as (SourceCols & {
    uscc: string;
    occurred_on: string;
    kind: AccidentKind;
    description: string;
  })[];
  return {
    priorFunding: pf.map((r) => ({ uscc: r.uscc, projectName: r.project_name, program: r.program, amountFen: r.amount_fen, year: r.year, source: src(r) })),
    creditListings: cl.map((r) => ({ uscc: r.uscc, list: r.list, listedOn: r.listed_on, removedOn: r.removed_on, source: src(r) })),
    violations: vi.map((r) => ({ uscc: r.uscc, occurredOn: r.occurred_on, description: r.description, source: src(r) })),
    accidents: ac.map((r) => ({ uscc: r.uscc, occurredOn: r.occurred_on, kind: r.kind, description: r.description, source: src(r) })),
  };
}

export function loadCheckInput(db: Db, roundId: string): { applications: Application[]; lists: SideLists } {
  return { applications: roundApplications(db, roundId), lists: loadSideLists(db, roundId) };
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

export interface CheckStorePlan {
  rows: { check: ApplicationCheck; jsons: string[]; hashes: string[]; decisions: (Decision | null)[]; reopened: (Decision | null)[]; digest: string }[];
  statuses: Map<string, { before: EligibilityStatus | null; after: EligibilityStatus }>;
  reopened: ReopenedItem[];
  kept: number;
}

/** Compares new results with the stored ones and decides, for each, which decision still settles it. No writes. */
export function planCheckStore(db: Db, roundId: string, checks: ApplicationCheck[]): CheckStorePlan {
  // Only results that carry a decision matter for the comparison.
  const prev = db
    .prepare(
      `SELECT r.* FROM eligibility_results r JOIN applications a ON a.application_id = r.application_id
       WHERE a.round_id = ? AND (r.decision_id IS NOT NULL OR r.reopened_decision_id IS NOT NULL)`,
    )
    .all(roundId) as ResultRow[];
  const prevByKey = new Map(prev.map((r) => [`${r.application_id}\u0000${r.rule}`, r]));
  const decisions = decisionsById(
    db,
    prev.flatMap((r) => [r.decision_id, r.reopened_decision_id].filter((x): x is number => x !== null)),
  );
  const before = new Map(
    (db.prepare('SELECT application_id, eligibility FROM applications WHERE round_id = ?').all(roundId) as { application_id: string; eligibility: EligibilityStatus | null }[]).map(
      (r) => [r.application_id, r.eligibility],
    ),
  );

  const plan: CheckStorePlan = { rows: [], statuses: new Map(), reopened: [], kept: 0 };
  for (const check of checks) {
    const jsons: string[] = [];
    const hashes: string[] = [];
    const decisionList: (Decision | null)[] = [];
    const reopenedList: (Decision | null)[] = [];
    const effective: Outcome[] = [];
    for (const r of check.results) {
      const json = evidenceJson(r.evidence);
      const hash = evidenceHash(r.rule, json);
      jsons.push(json);
      hashes.push(hash);
      const p = prevByKey.get(`${check.applicationId}\u0000${r.rule}`);
      const d = p?.decision_id != null ? decisions.get(p.decision_id) : undefined;
      let kept: Decision | null = null;
      let reopened: Decision | null = null;
      if (d && r.outcome === 'needs-review' && d.evidenceHash === hash) {
        kept = d;
        plan.kept++;
      } else if (d && r.outcome === 'needs-review') {
        reopened = d;
        const changes = evidenceChanges(d.evidence, r.evidence);
        plan.reopened.push({
          applicationId: check.applicationId,
          rule: r.rule,
          decision: d,
          kind: 'evidence-changed',
          why: text(`证据已变化：${changes.zh}`, `the evidence changed: ${changes.en}`),
        });
      } else if (d) {
        const now = r.outcome === 'pass' ? text('通过', 'passes') : text('不通过', 'fails');
        plan.reopened.push({
          applicationId: check.applicationId,
          rule: r.rule,
          decision: d,
          kind: 'no-longer-review',
          why: text(`该规则现在本身即${now.zh}，无需人工决定`, `the rule now ${now.en} by itself; no decision is needed`),
        });
      } else if (p?.reopened_decision_id != null && r.outcome === 'needs-review') {
        reopened = decisions.get(p.reopened_decision_id) ?? null; // still open, keep the history visible
      }
      decisionList.push(kept);
      reopenedList.push(reopened);
      effective.push(kept ? kept.outcome : r.outcome);
    }
    const digest = hash(
      'sha256',
      check.results
        .map((r, i) => [r.rule, r.outcome, r.article, r.reason.zh, r.reason.en, hashes[i], decisionList[i]?.decisionId ?? '', reopenedList[i]?.decisionId ?? ''].join('\u0001'))
        .join('\u0002'),
      'hex',
    );
    plan.rows.push({ check, jsons, hashes, decisions: decisionList, reopened: reopenedList, digest });
    plan.statuses.set(check.applicationId, { before: before.get(check.applicationId) ?? null, after: deriveStatus(effective) });
  }
  return plan;
}

/** Writes a planned check; call inside the command's transaction, after appending its event. */
export function applyCheckStore(db: Db, roundId: string, plan: CheckStorePlan, run: { asOf: string; at: string; officer: string; eventSeq: number }): void {
  // Unchanged rows are not rewritten, so a re-check of a large round writes little.
  const upsert = db.prepare(
    `INSERT INTO eligibility_results (application_id, rule, outcome, article, reason_zh, reason_en, evidence_json, evidence_hash, event_seq, decision_id, reopened_decision_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (application_id, rule) DO UPDATE SET outcome = excluded.outcome, article = excluded.article, reason_zh = excluded.reason_zh,
       reason_en = excluded.reason_en, evidence_json = excluded.evidence_json, evidence_hash = excluded.evidence_hash, event_seq = excluded.event_seq,
       decision_id = excluded.decision_id, reopened_decision_id = excluded.reopened_decision_id
     WHERE outcome IS NOT excluded.outcome OR article IS NOT excluded.article OR reason_zh IS NOT excluded.reason_zh OR reason_en IS NOT excluded.reason_en
       OR evidence_hash IS NOT excluded.evidence_hash OR decision_id IS NOT excluded.decision_id OR reopened_decision_id IS NOT excluded.reopened_decision_id`,
  );
  const stored = new Map(
    (
      db
        .prepare('SELECT d.application_id, d.digest FROM eligibility_digests d JOIN applications a ON a.application_id = d.application_id WHERE a.round_id = ?')
        .raw()
        .all(roundId) as [string, string][]
    ).map(([id, digest]) => [id, digest]),
  );
  const setDigest = db.prepare('INSERT INTO eligibility_digests (application_id, digest) VALUES (?, ?) ON CONFLICT (application_id) DO UPDATE SET digest = excluded.digest');
  for (const { check, jsons, hashes, decisions, reopened, digest } of plan.rows) {
    if (stored.get(check.applicationId) === digest) continue;
    setDigest.run(check.applicationId, digest);
    check.results.forEach((r, i) => {
      upsert.run(check.applicationId, r.rule, r.outcome, r.article, r.reason.zh, r.reason.en, jsons[i], hashes[i], run.eventSeq, decisions[i]?.decisionId ?? null, reopened[i]?.decisionId ?? null);
    });
  }
  db.prepare(
    `INSERT INTO eligibility_checks (round_id, as_of, checked_at, checked_by, event_seq) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (round_id) DO UPDATE SET as_of = excluded.as_of, checked_at = excluded.checked_at, checked_by = excluded.checked_by, event_seq = excluded.event_seq`,
  ).run(roundId, run.asOf, run.at, run.officer, run.eventSeq);
  setStatuses(db, [...plan.statuses].map(([id, s]) => [id, s.after]));
}

/** The results of a planned check as they will read once stored (no second trip to the ledger). */
export function planViews(plan: CheckStorePlan): { applicationId: string; status: EligibilityStatus; results: ResultView[] }[] {
  return plan.rows.map(({ check, hashes, decisions, reopened }) => ({
    applicationId: check.applicationId,
    status: plan.statuses.get(check.applicationId)?.after ?? check.status,
    results: check.results.map((r, i): ResultView => {
      const decision = decisions[i];
      return {
        rule: r.rule,
        checkOutcome: r.outcome,
        outcome: decision ? decision.outcome : r.outcome,
        article: r.article,
        checkReason: r.reason,
        evidence: r.evidence,
        evidenceHash: hashes[i],
        decision,
        reopened: reopened[i],
      };
    }),
  }));
}

const PRE = PRE_ALLOCATION_STATES.map((s) => `'${s}'`).join(', ');

function setStatuses(db: Db, statuses: [string, EligibilityStatus][]): void {
  // Past allocation the lifecycle owns the state; the eligibility column still records the status.
  const stmt = db.prepare(
    `UPDATE applications SET eligibility = @s, state = CASE WHEN state IN (${PRE}) THEN @s ELSE state END
     WHERE application_id = @id AND (eligibility IS NOT @s OR (state IN (${PRE}) AND state IS NOT @s))`,
  );
  for (const [id, s] of statuses) stmt.run({ s, id });
}

// ---------------------------------------------------------------------------
// Decisions

export function currentResult(db: Db, applicationId: string, rule: RuleId): ResultView | undefined {
  const r = db.prepare('SELECT * FROM eligibility_results WHERE application_id = ? AND rule = ?').get(applicationId, rule) as ResultRow | undefined;
  if (!r) return undefined;
  const ids = [r.decision_id, r.reopened_decision_id].filter((x): x is number => x !== null);
  return toViews([r], decisionsById(db, ids))[0];
}

export function applicationStatus(db: Db, applicationId: string): EligibilityStatus | null {
  const r = db.prepare('SELECT eligibility FROM applications WHERE application_id = ?').get(applicationId) as { eligibility: EligibilityStatus | null } | undefined;
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
  const r = db.prepare('SELECT evidence_hash, evidence_json, outcome FROM eligibility_results WHERE application_id = ? AND rule = ?').get(d.applicationId, d.rule) as
    | { evidence_hash: string; evidence_json: string; outcome: Outcome }
    | undefined;
  if (!r || r.outcome !== 'needs-review') throw new Error(`recordDecision: ${d.applicationId} ${d.rule} is not a needs-review result`);
  const info = db
    .prepare(
      'INSERT INTO eligibility_decisions (application_id, rule, outcome, reason, evidence_hash, evidence_json, decided_by, decided_at, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(d.applicationId, d.rule, d.outcome, d.reason, r.evidence_hash, r.evidence_json, d.decidedBy, d.decidedAt, d.eventSeq);
  const id = Number(info.lastInsertRowid);
  db.prepare('UPDATE eligibility_results SET decision_id = ?, reopened_decision_id = NULL WHERE application_id = ? AND rule = ?').run(id, d.applicationId, d.rule);
  db.prepare('DELETE FROM eligibility_digests WHERE application_id = ?').run(d.applicationId);
  const outcomes = db
    .prepare(
      `SELECT coalesce(d.outcome, r.outcome) AS o FROM eligibility_results r
       LEFT JOIN eligibility_decisions d ON d.decision_id = r.decision_id WHERE r.application_id = ?`,
    )
    .all(d.applicationId) as { o: Outcome }[];
  const status = deriveStatus(outcomes.map((x) => x.o));
  setStatuses(db, [[d.applicationId, status]]);
  const row = db.prepare('SELECT * FROM eligibility_decisions WHERE decision_id = ?').get(id) as DecisionRow;
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

/** Every application of the round with its results in the §6 order (results empty when never checked). */
export function roundResults(db: Db, roundId: string, opts: { evidence?: boolean } = {}): ApplicationResults[] {
  // Without evidence the rows are much smaller; a reopened result still needs it for its reason.
  const evidenceCol = opts.evidence === false ? 'CASE WHEN r.reopened_decision_id IS NULL THEN NULL ELSE r.evidence_json END AS evidence_json' : 'r.evidence_json';
  const apps = db
    .prepare('SELECT application_id, enterprise_name, project_name, eligibility FROM applications WHERE round_id = ? ORDER BY application_id')
    .all(roundId) as { application_id: string; enterprise_name: string; project_name: string; eligibility: EligibilityStatus | null }[];
  const rows = db
    .prepare(
      `SELECT r.application_id, r.rule, r.outcome, r.article, r.reason_zh, r.reason_en, ${evidenceCol}, r.evidence_hash, r.event_seq, r.decision_id, r.reopened_decision_id
       FROM eligibility_results r JOIN applications a ON a.application_id = r.application_id WHERE a.round_id = ?`,
    )
    .all(roundId) as ResultRow[];
  const decisions = decisionsById(
    db,
    rows.flatMap((r) => [r.decision_id, r.reopened_decision_id].filter((x): x is number => x !== null)),
  );
  const byApp = new Map<string, ResultRow[]>();
  for (const r of rows) {
    const list = byApp.get(r.application_id);
    if (list) list.push(r);
    else byApp.set(r.application_id, [r]);
  }
  return apps.map((a) => ({
    applicationId: a.application_id,
    enterpriseName: a.enterprise_name,
    projectName: a.project_name,
    status: a.eligibility,
    results: toViews(byApp.get(a.application_id) ?? [], decisions),
  }));
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
    .sort((a, b) => (a.applicationId < b.applicationId ? -1 : a.applicationId > b.applicationId ? 1 : ruleOrder(a.result.rule) - ruleOrder(b.result.rule)));
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
  const app = db.prepare('SELECT round_id, eligibility FROM applications WHERE application_id = ?').get(applicationId) as
    | { round_id: string; eligibility: EligibilityStatus | null }
    | undefined;
  if (!app) return undefined;
  const decisions = (
    db.prepare('SELECT * FROM eligibility_decisions WHERE application_id = ? ORDER BY decision_id').all(applicationId) as DecisionRow[]
  ).map(toDecision);
  const rows = db.prepare('SELECT * FROM eligibility_results WHERE application_id = ?').all(applicationId) as ResultRow[];
  const results = toViews(rows, new Map(decisions.map((d) => [d.decisionId, d]))).map((v) => ({ ...v, reason: resultReason(v) }));
  const run = results.length ? lastCheck(db, app.round_id) : undefined;
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
