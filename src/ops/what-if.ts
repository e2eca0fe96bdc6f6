// allocate --what-if: the plan allocate would make now under other budgets,
// against the stored latest version (Art. 8, 11; decision support for the
// collective decision). Reads one snapshot; writes nothing, appends no event.
import { plan } from '../domain/allocation.js';
import { allocationRunOptions } from '../domain/allocation-options.js';
import { parseBudgets } from '../domain/budgets.js';
import { UserError } from '../domain/errors.js';
import type { AllocationMethod, ShortfallRule } from '../domain/policy.js';
import { text, type Text } from '../domain/text.js';
import { compareWithStored, parseBudgetSteps, type StoredAwards, type WhatIfScenario } from '../domain/what-if.js';
import { allocationLines, getAllocation, latestVersion, lockedAwards, roundCandidates } from '../ledger/allocations.repo.js';
import type { Round } from '../ledger/rounds.repo.js';
import type { OpContext } from './context.js';
import { requireRound } from './lookup.js';

export interface WhatIfInput {
  roundId?: string;
  /** CATEGORY=AMOUNT, as allocate --budget. */
  budgets?: readonly string[];
  /** CATEGORY=FROM:TO:STEP: one plan per amount. */
  budgetSteps?: string;
  method?: string;
  shortfall?: string;
  tieBreak?: string;
}

export interface WhatIfRun extends WhatIfScenario {
  /** Why allocate would refuse this plan (kept awards over the budget), else null. */
  refused: Text | null;
}

export interface WhatIfResult {
  round: Round;
  /** The stored version compared with (the latest). */
  version: number;
  method: AllocationMethod;
  shortfall: ShortfallRule;
  /** The category whose budget steps, with --budget-steps. */
  steps: string | null;
  scenarios: WhatIfRun[];
}

export function allocateWhatIf(op: OpContext, input: WhatIfInput): WhatIfResult {
  const db = op.db;
  const round = requireRound(db, input.roundId);
  const policy = round.policy;
  const run = allocationRunOptions(policy, input);
  const overrides = parseBudgets(policy, input.budgets ?? []);
  const steps = input.budgetSteps === undefined ? null : parseBudgetSteps(policy, input.budgetSteps);
  if (steps === null && Object.keys(overrides).length === 0) {
    throw new UserError(
      text('--what-if 需要 --budget 类别=金额 或 --budget-steps 类别=起:止:步长。', '--what-if needs --budget CATEGORY=AMOUNT or --budget-steps CATEGORY=FROM:TO:STEP.'),
      2,
    );
  }
  if (steps !== null && Object.hasOwn(overrides, steps.category)) {
    throw new UserError(text(`类别 ${steps.category} 同时出现在 --budget 和 --budget-steps 中。`, `category ${steps.category} is given both by --budget and by --budget-steps.`), 2);
  }

  // One read snapshot (a deferred transaction that only reads).
  const snapshot = db.transaction(() => {
    const version = latestVersion(db, round.roundId);
    if (version === null) {
      throw new UserError(
        text(`批次 ${round.roundId} 尚无分配方案，无从比较。`, `round ${round.roundId} has no allocation yet to compare with.`),
        2,
        text('先运行 `jmfund allocate`（试算用 --dry-run）。', 'run `jmfund allocate` first (or try budgets with --dry-run).'),
      );
    }
    const lines = new Map<string, { category: string; awardFen: number }>();
    for (const l of allocationLines(db, round.roundId, version)) lines.set(l.application_id, { category: l.category, awardFen: l.award_fen });
    const stored: StoredAwards = { version, budgets: getAllocation(db, round.roundId, version)!.budgets, lines };
    return { stored, candidates: roundCandidates(db, round.roundId), ...lockedAwards(db, round.roundId) };
  });
  const { stored, candidates, kept, excluded } = snapshot.deferred();

  const base = { ...round.budgets, ...overrides };
  const budgetsList = steps === null ? [base] : steps.amountsFen.map((fen) => ({ ...base, [steps.category]: fen }));
  const scenarios = budgetsList.map((budgets): WhatIfRun => {
    const p = plan(candidates, policy, { budgets, method: run.method, shortfall: run.shortfall, tieBreak: run.tieBreak, kept, excluded });
    const refused = p.conflicts.length === 0 ? null : text(p.conflicts.map((c) => c.zh).join('；'), p.conflicts.map((c) => c.en).join('; '));
    return { ...compareWithStored(policy, p, stored), refused };
  });
  return { round, version: stored.version, method: run.method, shortfall: run.shortfall, steps: steps?.category ?? null, scenarios };
}
