// Reads everything the reports need about one round into plain facts
// (domain/reports/facts.ts). Each stage's tables are read only when they
// exist, so a report works on a round at any stage and on an older ledger.
// Every list has a fixed order, so reports are reproducible.
import type {
  FactsAcceptance,
  FactsAggregate,
  FactsAllocation,
  FactsApp,
  FactsClawback,
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
  FactsVerify,
  RoundFacts,
} from '../domain/reports/facts.js';
import { text } from '../domain/text.js';
import type { Db } from './open.js';
import { getRound } from './rounds.repo.js';
import { refLabel, runChecks } from './verify/index.js';
import { tableColumns } from './verify/schema.js';

type Row = Record<string, unknown>;

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
  constructor(private db: Db) {}
  cols(t: string): Set<string> | undefined {
    if (!this.cache.has(t)) this.cache.set(t, tableColumns(this.db, t));
    return this.cache.get(t);
  }
  has(t: string, ...cols: string[]): boolean {
    const c = this.cols(t);
    return !!c && cols.every((x) => c.has(x));
  }
}

function apps(db: Db, s: Schema, roundId: string): FactsApp[] {
  const elig = s.has('applications', 'eligibility') ? 'eligibility' : 'NULL AS eligibility';
  const rows = db.prepare(`SELECT *, ${elig} FROM applications WHERE round_id = ? ORDER BY application_id`).all(roundId) as Row[];
  return rows.map((r) => ({
    id: str(r.application_id),
    enterprise: str(r.enterprise_name),
    uscc: str(r.uscc),
    district: str(r.district),
    category: str(r.category),
    cluster: strOrNull(r.cluster),
    project: str(r.project_name),
    totalInvestmentFen: num(r.total_investment_fen),
    requestedFen: num(r.requested_amount_fen),
    submittedOn: str(r.submitted_on),
    state: str(r.state),
    eligibility: strOrNull(r.eligibility),
    trainingEvents: numOrNull(r.training_events),
    trainees: numOrNull(r.trainees),
  }));
}

function eligibility(db: Db, s: Schema, roundId: string): FactsEligibility[] {
  if (!s.has('eligibility_results', 'application_id', 'rule', 'outcome', 'article', 'reason_zh', 'reason_en')) return [];
  const withDecisions = s.has('eligibility_results', 'decision_id') && s.has('eligibility_decisions', 'decision_id', 'outcome', 'reason', 'decided_by', 'decided_at');
  const rows = db
    .prepare(
      `SELECT e.application_id, e.rule, e.outcome, e.article, e.reason_zh, e.reason_en,
              ${withDecisions ? 'd.outcome AS d_outcome, d.reason AS d_reason, d.decided_by, d.decided_at' : 'NULL AS d_outcome, NULL AS d_reason, NULL AS decided_by, NULL AS decided_at'}
         FROM eligibility_results e JOIN applications a ON a.application_id = e.application_id
         ${withDecisions ? 'LEFT JOIN eligibility_decisions d ON d.decision_id = e.decision_id' : ''}
        WHERE a.round_id = ? ORDER BY e.application_id, e.rule`,
    )
    .all(roundId) as Row[];
  return rows.map((r) => ({
    appId: str(r.application_id),
    rule: str(r.rule),
    outcome: str(r.outcome),
    article: str(r.article),
    reason: text(str(r.reason_zh), str(r.reason_en)),
    decision: r.d_outcome === null ? null : { outcome: str(r.d_outcome), reason: str(r.d_reason), by: str(r.decided_by), at: str(r.decided_at) },
  }));
}

function aggregates(db: Db, s: Schema, roundId: string): { aggregates: FactsAggregate[]; outliers: Set<string> } {
  const outliers = new Set<string>();
  if (!s.has('score_aggregates', 'application_id', 'round_id', 'method', 'status', 'score_display', 'experts', 'recused')) return { aggregates: [], outliers };
  const rows = db.prepare('SELECT * FROM score_aggregates WHERE round_id = ? ORDER BY application_id').all(roundId) as Row[];
  const list = rows.map((r): FactsAggregate => {
    const ids = parseJson<unknown[]>(r.outliers_json, []);
    for (const e of ids) outliers.add(`${str(r.application_id)}\u0000${typeof e === 'object' && e !== null && 'expert' in e ? str((e as { expert: unknown }).expert) : str(e)}`);
    return {
      appId: str(r.application_id),
      method: str(r.method),
      status: str(r.status),
      scoreDisplay: strOrNull(r.score_display),
      experts: num(r.experts),
      recused: num(r.recused),
      outliers: ids.length,
    };
  });
  return { aggregates: list, outliers };
}

function scores(db: Db, s: Schema, roundId: string, outliers: Set<string>): FactsScore[] {
  if (!s.has('scores', 'application_id', 'round_id', 'expert_id', 'score_centi', 'recused')) return [];
  const rows = db.prepare('SELECT application_id, expert_id, score_centi, recused FROM scores WHERE round_id = ? ORDER BY application_id, expert_id').all(roundId) as Row[];
  return rows.map((r) => ({
    appId: str(r.application_id),
    expertId: str(r.expert_id),
    scoreCenti: numOrNull(r.score_centi),
    recused: num(r.recused) === 1,
    outlier: outliers.has(`${str(r.application_id)}\u0000${str(r.expert_id)}`),
  }));
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

function lines(db: Db, s: Schema, roundId: string, version: number | null, manualCategories: string[]): FactsLine[] {
  const out: FactsLine[] = [];
  if (version !== null && s.has('allocation_lines', 'round_id', 'version', 'application_id', 'award_fen')) {
    const rows = db.prepare('SELECT * FROM allocation_lines WHERE round_id = ? AND version = ? ORDER BY application_id').all(roundId, version) as Row[];
    for (const r of rows) {
      out.push({
        version: num(r.version),
        appId: str(r.application_id),
        category: str(r.category),
        cluster: strOrNull(r.cluster),
        rank: numOrNull(r.rank),
        scoreDisplay: strOrNull(r.score_display),
        capFen: num(r.cap_fen),
        entitledFen: num(r.entitled_fen),
        awardFen: num(r.award_fen),
        reason: str(r.reason),
        binding: strOrNull(r.binding),
      });
    }
  }
  // Art. 7(5): a manual category's award is the newest amount an officer set.
  if (s.has('manual_awards', 'application_id', 'amount_fen', 'round_id', 'id')) {
    const manual = db
      .prepare(
        `SELECT m.application_id, m.amount_fen, a.category, a.cluster FROM manual_awards m JOIN applications a ON a.application_id = m.application_id
          WHERE m.round_id = ? AND m.id = (SELECT max(id) FROM manual_awards x WHERE x.application_id = m.application_id) ORDER BY m.application_id`,
      )
      .all(roundId) as Row[];
    for (const m of manual) {
      if (!manualCategories.includes(str(m.category))) continue;
      const line: FactsLine = {
        version: version ?? 0,
        appId: str(m.application_id),
        category: str(m.category),
        cluster: strOrNull(m.cluster),
        rank: null,
        scoreDisplay: null,
        capFen: num(m.amount_fen),
        entitledFen: num(m.amount_fen),
        awardFen: num(m.amount_fen),
        reason: num(m.amount_fen) > 0 ? 'manual-award' : 'not-allocated',
        binding: null,
      };
      const i = out.findIndex((l) => l.appId === line.appId);
      if (i >= 0) out[i] = line;
      else out.push(line);
    }
    out.sort((a, b) => (a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0));
  }
  // An award withdrawn after notice (objection upheld) shows as withdrawn even before a re-allocation.
  if (s.has('applications', 'state')) {
    const withdrawn = new Set(db.prepare("SELECT application_id FROM applications WHERE round_id = ? AND state = 'withdrawn'").pluck().all(roundId) as string[]);
    for (const l of out) if (withdrawn.has(l.appId) && l.awardFen > 0) l.reason = 'withdrawn';
  }
  return out;
}

function notices(db: Db, s: Schema, roundId: string): FactsNotice[] {
  if (!s.has('notices', 'notice_id', 'round_id', 'starts_on', 'ends_on', 'days')) return [];
  const withItems = s.has('notice_items', 'notice_id', 'application_id', 'award_fen');
  const items = withItems ? db.prepare('SELECT application_id, award_fen FROM notice_items WHERE notice_id = ? ORDER BY application_id') : null;
  return (db.prepare('SELECT * FROM notices WHERE round_id = ? ORDER BY notice_id').all(roundId) as Row[]).map((r) => ({
    id: num(r.notice_id),
    version: numOrNull(r.allocation_version),
    from: str(r.starts_on),
    to: str(r.ends_on),
    days: num(r.days),
    publishedAt: str(r.created_at),
    publishedBy: str(r.created_by),
    items: items ? (items.all(r.notice_id) as Row[]).map((i) => ({ appId: str(i.application_id), awardFen: num(i.award_fen) })) : [],
  }));
}

function objections(db: Db, s: Schema, roundId: string): FactsObjection[] {
  if (!s.has('objections', 'objection_id', 'round_id', 'application_id', 'received_on', 'status')) return [];
  return (db.prepare('SELECT * FROM objections WHERE round_id = ? ORDER BY objection_id').all(roundId) as Row[]).map((r) => ({
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

function filings(db: Db, s: Schema, roundId: string): FactsFiling[] {
  if (!s.has('filings', 'filing_id', 'round_id', 'filed_on') || !s.has('filed_awards', 'application_id', 'filing_id', 'amount_fen')) return [];
  return (
    db
      .prepare(
        `SELECT f.filing_id, f.application_id, f.amount_fen, g.filed_on, g.created_by FROM filed_awards f JOIN filings g ON g.filing_id = f.filing_id
          WHERE g.round_id = ? ORDER BY g.filing_id, f.application_id`,
      )
      .all(roundId) as Row[]
  ).map((r) => ({ filingId: num(r.filing_id), appId: str(r.application_id), filedFen: num(r.amount_fen), filedOn: str(r.filed_on), by: str(r.created_by) }));
}

function filingRecords(db: Db, s: Schema, roundId: string): FactsFilingRecord[] {
  if (!s.has('filings', 'filing_id', 'round_id', 'filed_on', 'award_count', 'total_fen', 'hash')) return [];
  return (db.prepare('SELECT * FROM filings WHERE round_id = ? ORDER BY filing_id').all(roundId) as Row[]).map((r) => ({
    id: num(r.filing_id),
    filedOn: str(r.filed_on),
    count: num(r.award_count),
    totalFen: num(r.total_fen),
    hash: str(r.hash),
    at: str(r.created_at),
    by: str(r.created_by),
  }));
}

/** Rows of a per-application table for the round's applications, in a fixed order. */
function perApp(db: Db, s: Schema, table: string, roundId: string, order: string): Row[] {
  if (!s.has(table, 'application_id')) return [];
  return db
    .prepare(`SELECT t.* FROM ${table} t JOIN applications a ON a.application_id = t.application_id WHERE a.round_id = ? ORDER BY ${order}`)
    .all(roundId) as Row[];
}

function acceptances(db: Db, s: Schema, roundId: string): FactsAcceptance[] {
  if (!s.has('acceptances', 'accepted_on', 'result', 'final_award_fen')) return [];
  return perApp(db, s, 'acceptances', roundId, 't.application_id').map((r) => ({
    appId: str(r.application_id),
    date: str(r.accepted_on),
    result: str(r.result),
    actualInvestmentFen: numOrNull(r.actual_investment_fen),
    finalAwardFen: numOrNull(r.final_award_fen),
    actualEvents: numOrNull(r.training_events),
    actualTrainees: numOrNull(r.trainees),
    by: str(r.created_by),
  }));
}

function payments(db: Db, s: Schema, roundId: string): FactsPayment[] {
  if (!s.has('payments', 'payment_id', 'amount_fen', 'paid_on')) return [];
  return perApp(db, s, 'payments', roundId, 't.paid_on, t.payment_id').map((r) => ({ appId: str(r.application_id), date: str(r.paid_on), amountFen: num(r.amount_fen), by: str(r.created_by) }));
}

function clawbacks(db: Db, s: Schema, roundId: string): FactsClawback[] {
  if (!s.has('clawbacks', 'clawback_id', 'amount_fen', 'ordered_on')) return [];
  return perApp(db, s, 'clawbacks', roundId, 't.clawback_id').map((r) => ({
    id: str(r.clawback_id),
    appId: str(r.application_id),
    amountFen: num(r.amount_fen),
    source: str(r.source),
    reason: str(r.reason),
    orderedOn: str(r.ordered_on),
  }));
}

function recoveries(db: Db, s: Schema, roundId: string): FactsRecovery[] {
  if (!s.has('recoveries', 'recovery_id', 'amount_fen', 'recovered_on')) return [];
  return perApp(db, s, 'recoveries', roundId, 't.recovered_on, t.recovery_id').map((r) => ({ appId: str(r.application_id), date: str(r.recovered_on), amountFen: num(r.amount_fen) }));
}

function spotChecks(db: Db, s: Schema, roundId: string): FactsSpotCheck[] {
  if (!s.has('spot_checks', 'check_id', 'round_id', 'seed', 'drawn_on') || !s.has('spot_check_items', 'check_id', 'application_id')) return [];
  const withFindings = s.has('spot_check_findings', 'check_id', 'application_id', 'finding', 'note');
  return (
    db
      .prepare(
        `SELECT i.application_id, c.seed, c.drawn_on, ${withFindings ? 'f.finding, f.note' : 'NULL AS finding, NULL AS note'}
           FROM spot_check_items i JOIN spot_checks c ON c.check_id = i.check_id
           ${withFindings ? 'LEFT JOIN spot_check_findings f ON f.check_id = i.check_id AND f.application_id = i.application_id' : ''}
          WHERE c.round_id = ? ORDER BY c.check_id, i.application_id`,
      )
      .all(roundId) as Row[]
  ).map((r) => ({
    appId: str(r.application_id),
    seed: str(r.seed),
    drawnOn: str(r.drawn_on),
    result: r.finding === null ? 'pending' : str(r.finding),
    finding: strOrNull(r.note),
  }));
}

function events(db: Db, roundId: string): FactsEvent[] {
  return (db.prepare('SELECT seq, at, officer, command, hash FROM events WHERE round_id = ? ORDER BY seq').all(roundId) as Row[]).map((r) => ({
    seq: num(r.seq),
    at: str(r.at),
    officer: str(r.officer),
    command: str(r.command),
    hash: str(r.hash),
  }));
}

export function verifyFacts(db: Db): FactsVerify {
  const v = runChecks(db);
  return {
    ok: v.ok,
    problems: v.problems.map((p) => ({ check: p.check, where: refLabel(p.ref), message: p.message })),
    skipped: v.checks.filter((c) => c.status === 'skipped').map((c) => c.id),
    events: v.events,
    lastHash: v.lastHash,
  };
}

/** Everything about one round that a report may show; undefined if there is no such round. */
export function loadRoundFacts(db: Db, roundId: string, opts: { verify?: boolean } = {}): RoundFacts | undefined {
  const round = getRound(db, roundId);
  if (!round) return undefined;
  const s = new Schema(db);
  const manual = round.policy.categories.filter((c) => c.allocation === 'manual').map((c) => c.key);
  const vs = versions(db, s, roundId);
  const latest = vs.length ? vs[vs.length - 1] : null;
  const { aggregates: ags, outliers } = aggregates(db, s, roundId);
  return {
    round: { id: round.roundId, opensOn: round.opensOn, closesOn: round.closesOn, policyId: round.policyId, policyHash: round.policyHash, budgets: round.budgets },
    policy: round.policy,
    apps: apps(db, s, roundId),
    eligibility: eligibility(db, s, roundId),
    scores: scores(db, s, roundId, outliers),
    aggregates: ags,
    allocation: latest,
    lines: lines(db, s, roundId, latest?.version ?? null, manual),
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
    verify: opts.verify === false ? { ok: true, problems: [], skipped: [], events: 0, lastHash: '' } : verifyFacts(db),
  };
}
