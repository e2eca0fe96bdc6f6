// check and decide (SPEC §6): the eligibility results of a round, and the
// officer decisions that settle needs-review items. `review` walks the open
// items in the CLI and records each decision through `decide`. check reads,
// checks and writes the round one credit code at a time, so that memory stays
// flat whatever its size; the results are read back from the ledger, streamed,
// for printing.
import { DATE_MAX, DATE_MIN, isDateInRange } from '../domain/dates.js';
import { checkGroup, isRuleId, roundCheck, RULE_IDS, type EligibilityStatus, type RuleId } from '../domain/eligibility.js';
import { RefusedError, UserError } from '../domain/errors.js';
import { OUTCOME_LABELS } from '../domain/labels.js';
import { RULE_LABELS } from '../domain/labels.js';
import { text } from '../domain/text.js';
import {
  applicationStatus,
  CheckStore,
  currentResult,
  iterateProblems,
  iterateRoundResults,
  lastCheck,
  linkRoundApplications,
  nextEventSeq,
  openReviewItems,
  recordDecision,
  roundGroups,
  roundSize,
  type ApplicationResults,
  type CheckSummary,
  type Decision,
  type ProblemLine,
  type ReopenedItem,
  type ResultView,
  type ReviewItem,
  type RuleCounts,
} from '../ledger/eligibility.repo.js';
import { appendEvent, refuseIfClockBehind } from '../ledger/events.js';
import { inTransaction } from '../ledger/open.js';
import type { Round } from '../ledger/rounds.repo.js';
import type { OpContext } from './context.js';
import { requireApplicationState, requireRound } from './lookup.js';
import { runSteps, runStepsInTransaction } from './pauses.js';
import { NO_PROGRESS } from './progress.js';
import { requireDecidable } from './steps.js';

// ---------------------------------------------------------------- check

export type { RuleCounts } from '../ledger/eligibility.repo.js';

export interface CheckResult {
  round: Round;
  asOf: string;
  applications: number;
  byStatus: Record<EligibilityStatus, number>;
  /** In the §6 order of the rules. */
  byRule: RuleCounts[];
  /** Officer decisions set aside because their evidence changed or the rule now settles itself. */
  reopened: ReopenedItem[];
  /** Officer decisions kept because their evidence is unchanged. */
  kept: number;
  /** Every application by application_id with its results in the §6 order, read back from the ledger one at a time. */
  results(): Iterable<ApplicationResults>;
  /** The results that did not pass, of the ineligible and needs-review applications, in application and §6 order. */
  problems(): Iterable<ProblemLine>;
}

type CheckInput = { roundId?: string; asOf?: string };

/** What check does before it writes: the round, the as-of date, the clock. */
function checkPrelude(op: OpContext, input: CheckInput): { round: Round; asOf: string; at: string } {
  const db = op.db;
  const round = requireRound(db, input.roundId);
  const asOf = input.asOf ?? round.closesOn;
  if (!isDateInRange(asOf)) {
    // Only a stored value can be out of range here (--as-of is checked as it is read).
    throw new RefusedError(
      text(`批次 ${round.roundId} 在账本中的截止日期「${asOf}」不是 ${DATE_MIN} 至 ${DATE_MAX} 之间的日期；账本可能被改动过。`, `the closing date stored for round ${round.roundId}, "${asOf}", is not a date from ${DATE_MIN} to ${DATE_MAX}; the ledger may have been altered.`),
      text('运行 `jmfund verify`；如需核查，可用 --as-of DATE 指定基准日。', 'run `jmfund verify`; to check anyway, give the as-of date with --as-of DATE.'),
    );
  }
  const at = op.now();
  refuseIfClockBehind(db, at);
  return { round, asOf, at };
}

/**
 * The writing part of a check, inside the caller's transaction: it pauses
 * (yields) after each group of applications of one credit code, where nothing
 * of the ledger is being read, so that checkAsync can let a signal be heard.
 */
function* checkSteps(op: OpContext, round: Round, asOf: string, at: string): Generator<void, CheckSummary> {
  const db = op.db;
  const progress = op.progress ?? NO_PROGRESS;
  const rc = roundCheck(round, asOf);
  const seq = nextEventSeq(db);
  const store = new CheckStore(db, seq);
  progress.phase(text('核查资格', 'checking'), roundSize(db, round.roundId), 'applications');
  let done = 0;
  for (const group of roundGroups(db, round.roundId)) {
    store.add(group, checkGroup(rc, group.applications, group.lists));
    done += group.applications.length;
    progress.tick(done);
    yield;
  }
  progress.done();
  const s = store.summary();
  const ev = appendEvent(db, {
    at,
    officer: op.officer,
    command: 'check',
    roundId: round.roundId,
    // More than 1,000 applications are indexed in SQL, not named in the event.
    appIds: s.ids ?? [],
    details: {
      as_of: asOf,
      applications: s.applications,
      by_status: s.byStatus,
      status_changes: s.statusChanges,
      // The event names the first changes; the results carry this event's seq.
      changes: s.changes,
      decisions_kept: s.kept,
      decisions_set_aside: s.reopened.map((r) => ({
        application_id: r.applicationId,
        rule: r.rule,
        decision_id: r.decision.decisionId,
        decided_by: r.decision.decidedBy,
        kind: r.kind,
        why: r.why.en,
      })),
    },
  });
  if (!s.ids) linkRoundApplications(db, ev.seq, round.roundId);
  store.finish(round.roundId, { asOf, at, officer: op.officer, eventSeq: ev.seq });
  return s;
}

function checkResult(op: OpContext, round: Round, asOf: string, summary: CheckSummary): CheckResult {
  const db = op.db;
  return {
    round,
    asOf,
    applications: summary.applications,
    byStatus: summary.byStatus,
    byRule: summary.byRule,
    reopened: summary.reopened,
    kept: summary.kept,
    results: () => iterateRoundResults(db, round.roundId),
    problems: () => iterateProblems(db, round.roundId),
  };
}

/** Checks every application of the round as of a date (default: the round's closing date) and stores the results with one event. */
export function check(op: OpContext, input: CheckInput): CheckResult {
  const { round, asOf, at } = checkPrelude(op, input);
  const summary = inTransaction(op.db, () => runSteps(checkSteps(op, round, asOf, at)));
  return checkResult(op, round, asOf, summary);
}

/**
 * check, letting the event loop run now and then between groups (pauses.ts):
 * a round of 10^6 takes tens of seconds, and Ctrl-C then rolls it back at
 * once (cli/interrupt.ts) instead of being heard after the commit.
 */
export async function checkAsync(op: OpContext, input: CheckInput): Promise<CheckResult> {
  const { round, asOf, at } = checkPrelude(op, input);
  const summary = await runStepsInTransaction(op.db, checkSteps(op, round, asOf, at));
  return checkResult(op, round, asOf, summary);
}

// ---------------------------------------------------------------- decide

export interface DecideInput {
  applicationId: string;
  rule: string;
  outcome: 'pass' | 'fail';
  reason: string;
  /** From review: the evidence the officer saw, which must still be the current one. */
  expectedHash?: string;
  /** The application must be of this round (decide --from --round). */
  roundId?: string;
  /** The decisions file and row it came from (decide --from), logged with it. */
  source?: { file: string; line: number; sha256: string };
}

export interface DecisionResult {
  applicationId: string;
  rule: RuleId;
  outcome: 'pass' | 'fail';
  reason: string;
  decidedBy: string;
  decidedAt: string;
  evidenceHash: string;
  /** The application's eligibility status after the decision. */
  status: EligibilityStatus;
  /** The earlier decision this one replaces (one set aside by a later check). */
  replaces: Pick<Decision, 'decidedBy' | 'outcome' | 'reason'> | null;
}

/** A rule by its code (credit-code) or by its name as a Chinese table shows it (统一社会信用代码有效). */
export function requireRule(rule: string): RuleId {
  const typed = rule.trim();
  if (isRuleId(typed)) return typed;
  const named = RULE_IDS.find((id) => RULE_LABELS[id].zh === typed || RULE_LABELS[id].en === typed);
  if (named) return named;
  throw new UserError(
    text(
      `未知规则「${rule}」。规则：${RULE_IDS.map((id) => `${id}（${RULE_LABELS[id].zh}）`).join('、')}`,
      `unknown rule "${rule}". Rules: ${RULE_IDS.join(', ')}`,
    ),
    2,
  );
}

/**
 * Settles one needs-review result, in its own transaction with its own event.
 * A decision names a reason, logged with the officer; only a needs-review
 * result can be decided.
 */
export function decide(op: OpContext, input: DecideInput): DecisionResult {
  const d = decisionOf(input);
  return inTransaction(op.db, () => decideWithin(op, d));
}

/** A decision as typed, checked: its reason (stored as typed, full-width punctuation kept; only the ends trimmed), rule and application id. */
export function decisionOf(input: DecideInput): DecideInput & { rule: RuleId } {
  const reason = input.reason.trim();
  if (!reason) {
    throw new UserError(text('人工决定必须写明理由（--reason 理由），理由与经办人姓名一并记入日志。', 'a decision needs a reason (--reason TEXT); it is logged with your name.'), 2);
  }
  const rule = requireRule(input.rule);
  return { ...input, reason, rule, applicationId: input.applicationId.normalize('NFKC').trim() };
}

/**
 * decide inside the caller's transaction (decide --from: one for the whole
 * file, all or none). `read`: the result as the caller has just read it in
 * this transaction (currentResult), else it is read here.
 */
export function decideWithin(op: OpContext, input: DecideInput & { rule: RuleId }, read?: ResultView): DecisionResult {
  const { applicationId, rule, reason } = input;
  const db = op.db;
  const at = op.now();
  const app = requireApplicationState(db, applicationId);
  if (input.roundId !== undefined && app.roundId !== input.roundId) {
    throw new UserError(text(`申报 ${applicationId} 属于批次 ${app.roundId}，不是 ${input.roundId}。`, `application ${applicationId} is in round ${app.roundId}, not ${input.roundId}.`), 2);
  }
  requireDecidable(applicationId, app.state);
  const current = read ?? currentResult(db, applicationId, rule);
  if (!current) {
    throw new RefusedError(
      text(`申报 ${applicationId} 尚未核查，无法对规则 ${rule} 作出决定。`, `application ${applicationId} has not been checked; there is nothing to decide for rule ${rule}.`),
      text(`先运行 \`jmfund check --round ${app.roundId}\`。`, `run \`jmfund check --round ${app.roundId}\` first.`),
    );
  }
  if (current.checkOutcome !== 'needs-review') {
    throw new RefusedError(
      text(
        `申报 ${applicationId} 的规则 ${rule} 核查结果为「${OUTCOME_LABELS[current.checkOutcome].zh}」，不是待复核，不能人工决定（${current.checkReason.zh}）。`,
        `rule ${rule} of application ${applicationId} is "${current.checkOutcome}", not needs-review, so it cannot be decided (${current.checkReason.en}).`,
      ),
      text('只有核查结果为待复核的规则可以人工决定；若申报材料有误，请更正后重新导入并核查。', 'only needs-review results can be decided; if the application is wrong, correct it, re-import and check again.'),
    );
  }
  if (input.expectedHash !== undefined && current.evidenceHash !== input.expectedHash) {
    throw new RefusedError(text(`申报 ${applicationId} 的规则 ${rule} 在复核期间被重新核查，证据已变化。`, `rule ${rule} of application ${applicationId} was checked again while you were reviewing it; its evidence changed.`));
  }
  const before = { outcome: current.outcome, status: applicationStatus(db, applicationId), decision_id: current.decision?.decisionId ?? null };
  const ev = appendEvent(db, {
    at,
    officer: op.officer,
    command: 'decide',
    roundId: app.roundId,
    appIds: [applicationId],
    details: { rule, outcome: input.outcome, reason, evidence_hash: current.evidenceHash, before, ...(input.source ? { source: input.source } : {}) },
  });
  const { decision, status } = recordDecision(db, { applicationId, rule, outcome: input.outcome, reason, decidedBy: op.officer, decidedAt: at, eventSeq: ev.seq });
  return {
    applicationId,
    rule,
    outcome: input.outcome,
    reason,
    decidedBy: decision.decidedBy,
    decidedAt: decision.decidedAt,
    evidenceHash: decision.evidenceHash,
    status,
    replaces: current.decision ? { decidedBy: current.decision.decidedBy, outcome: current.decision.outcome, reason: current.decision.reason } : null,
  };
}

// ---------------------------------------------------------------- review

/** The needs-review items no decision settles yet; refused before the round's first check. */
export function reviewItems(op: OpContext, input: { roundId?: string }): { round: Round; items: ReviewItem[] } {
  const round = requireRound(op.db, input.roundId);
  if (!lastCheck(op.db, round.roundId)) {
    throw new RefusedError(
      text(`批次 ${round.roundId} 尚未核查，没有待复核的事项。`, `round ${round.roundId} has not been checked; there is nothing to review.`),
      text(`先运行 \`jmfund check --round ${round.roundId}\`。`, `run \`jmfund check --round ${round.roundId}\` first.`),
    );
  }
  return { round, items: openReviewItems(op.db, round.roundId) };
}
