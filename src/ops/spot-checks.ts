// Spot checks (抽查, Art. 16): a reproducible sample of filed awards, and the
// findings; a violation stops payment and orders back what was paid.
import type { ApplicationState } from '../domain/application.js';
import { compareDates } from '../domain/dates.js';
import { RefusedError, UserError } from '../domain/errors.js';
import { FINDING_LABELS, labelOf, type SpotCheckFinding } from '../domain/labels.js';
import { FUNDED_STATES, findingSettlement, moneyBalance } from '../domain/lifecycle.js';
import { canonicalJson } from '../domain/policy.js';
import { drawSample, PRNG_NAME, type Sample, type SampleSize } from '../domain/sampling.js';
import { text } from '../domain/text.js';
import { setState } from '../ledger/applications.repo.js';
import { moneyEntries } from '../ledger/awards.repo.js';
import { insertClawback } from '../ledger/clawbacks.repo.js';
import { appendEvent } from '../ledger/events.js';
import { inTransaction } from '../ledger/open.js';
import { insertFinding, insertSpotCheck, spotCheckItem, spotCheckPopulation } from '../ledger/spot-checks.repo.js';
import type { OpContext } from './context.js';
import { requireApplication, requireRound } from './lookup.js';
import { byState, transition } from './refusals.js';

export interface DrawInput {
  roundId: string;
  size: SampleSize;
  /** Any text; the same seed gives the same sample. */
  seed: string;
  stratify: 'category' | null;
  /** Awards above this are always checked, besides the sample. */
  alwaysAboveFen: number | null;
  drawnOn: string;
}

export interface DrawResult {
  checkId: number;
  roundId: string;
  sample: Sample;
  /** How the sample was drawn, as stored with it (enough to draw it again). */
  method: DrawMethod;
}

export interface DrawMethod {
  prng: string;
  order: 'application_id';
  size: string;
  stratify: 'category' | null;
  always_above_fen: number | null;
  states: readonly string[];
}

export function drawSpotCheck(op: OpContext, input: DrawInput): DrawResult {
  const { db } = op;
  const { seed, size, drawnOn } = input;
  const at = op.now();
  return inTransaction(db, () => {
    const round = requireRound(db, input.roundId);
    const population = spotCheckPopulation(db, round.roundId, FUNDED_STATES);
    if (population.length === 0) {
      const states = byState(db, round.roundId);
      throw new RefusedError(
        text(`批次 ${round.roundId} 没有已备案的补贴可供抽查。各状态：${states.zh}。`, `round ${round.roundId} has no filed award to spot-check. By state: ${states.en}.`),
        text('先用 `jmfund finalize` 备案。', 'file the round first with `jmfund finalize`.'),
      );
    }
    const sample = drawSample(
      population.map((p) => ({ id: p.application_id, stratum: p.category, amountFen: p.amount_fen })),
      { seed, size, stratify: input.stratify === 'category', alwaysAboveFen: input.alwaysAboveFen },
    );
    const method: DrawMethod = {
      prng: PRNG_NAME,
      order: 'application_id',
      size: size.kind === 'count' ? String(size.count) : size.shown,
      stratify: input.stratify,
      always_above_fen: input.alwaysAboveFen,
      states: FUNDED_STATES,
    };
    const certain = new Set(sample.certain);
    const strataOf = new Map(sample.strata.flatMap((s) => s.sample.map((id) => [id, s.key] as const)));
    const checkId = insertSpotCheck(
      db,
      { round_id: round.roundId, seed, method_json: canonicalJson(method), population: sample.population, drawn_on: drawnOn, created_at: at, created_by: op.officer },
      sample.sample.map((a) => ({ application_id: a, basis: certain.has(a) ? 'above-amount' : 'random', stratum: input.stratify ? (strataOf.get(a) ?? null) : null })),
    );
    appendEvent(db, {
      at,
      officer: op.officer,
      command: 'spot-check',
      roundId: round.roundId,
      appIds: sample.sample,
      details: { check_id: checkId, seed, method, population: sample.population, drawn_on: drawnOn, sample: sample.sample, certain: sample.certain },
    });
    return { checkId, roundId: round.roundId, sample, method };
  });
}

export interface FindingInput {
  applicationId: string;
  finding: SpotCheckFinding;
  note: string;
  foundOn: string;
  /** The spot check; undefined: the newest that sampled the application. */
  checkId?: number;
}

export interface FindingResult {
  findingId: number;
  checkId: number;
  applicationId: string;
  state: string;
  clawbackFen: number;
}

export function recordFinding(op: OpContext, input: FindingInput): FindingResult {
  const { db } = op;
  const { finding, note, foundOn: on, checkId } = input;
  const at = op.now();
  return inTransaction(db, () => {
    const app = requireApplication(db, input.applicationId);
    const id = app.applicationId;
    const item = spotCheckItem(db, id, checkId);
    if (!item) {
      throw new RefusedError(
        text(`${id} 不在${checkId === undefined ? '任何' : ` #${checkId} `}抽查样本中。`, `${id} was not drawn in ${checkId === undefined ? 'any spot check' : `spot check #${checkId}`}.`),
        text('先用 `jmfund spot-check --round ID --sample N --seed S` 抽样；审计发现的问题用 `jmfund clawback`。', 'draw a sample first with `jmfund spot-check --round ID --sample N --seed S`; findings of an audit go through `jmfund clawback`.'),
      );
    }
    if (item.finding !== null) {
      throw new RefusedError(text(`抽查 #${item.check_id} 对 ${id} 的结果已记录为 ${labelOf(FINDING_LABELS, item.finding).zh}。`, `the finding of spot check #${item.check_id} on ${id} is already recorded (${item.finding}).`));
    }
    if (compareDates(on, item.drawn_on) < 0) {
      throw new UserError(text(`检查日期 ${on} 早于抽样日期 ${item.drawn_on}。`, `the inspection date ${on} is before the draw (${item.drawn_on}).`), 2);
    }
    if (finding === 'violation') transition(id, app.state, 'spot-check-violation', 'clawback-due');
    const e = moneyEntries(db, id);
    const { to, clawbackFen } = findingSettlement(finding, app.state as ApplicationState, moneyBalance(e.payments, e.clawbacks, e.recoveries));
    if (clawbackFen > 0) insertClawback(db, { application_id: id, amount_fen: clawbackFen, source: 'spot-check', reason: note, ordered_on: on, created_at: at, created_by: op.officer });
    if (clawbackFen > 0 || to !== app.state) setState(db, id, to, at);
    const findingId = insertFinding(db, { check_id: item.check_id, application_id: id, finding, note, found_on: on, created_at: at, created_by: op.officer });
    appendEvent(db, {
      at,
      officer: op.officer,
      command: 'spot-check record',
      roundId: app.roundId,
      appIds: [id],
      details: { finding_id: findingId, check_id: item.check_id, finding, note, found_on: on, clawback_fen: clawbackFen, before: app.state, after: to },
    });
    return { findingId, checkId: item.check_id, applicationId: id, state: to, clawbackFen };
  });
}
