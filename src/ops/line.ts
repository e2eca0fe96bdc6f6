// jmfund line: how firm the funding line of the latest allocation is (Art. 11
// collective decision; SPEC §15). Read-only: it reads one snapshot of the
// ledger, writes nothing and appends no event; the awards stay allocate's.
import { UserError } from '../domain/errors.js';
import { copyColumns, fundingLine, type FundingLine } from '../domain/funding-line.js';
import { scoreData } from '../domain/leniency-model.js';
import { findCategory, type Category } from '../domain/policy.js';
import { scoringRules } from '../domain/scoring.js';
import { text } from '../domain/text.js';
import { getAllocation, latestVersion, lockedAwards, roundCandidates, versionParticipants } from '../ledger/allocations.repo.js';
import { aggregateExclusions, roundScoresForAggregation } from '../ledger/scores.repo.js';
import type { Round } from '../ledger/rounds.repo.js';
import type { OpContext } from './context.js';
import { requireRound } from './lookup.js';

export const DEFAULT_DRAWS = 1000;
/** More draws than this take minutes at a thousand applications and say nothing more. */
export const MAX_DRAWS = 100_000;

export interface LineInput {
  roundId?: string;
  /** A category key or name; all categories when absent. */
  category?: string;
  draws?: number | null;
  /** Any text; the round's ID when absent, so that a plain rerun gives the same figures. */
  seed?: string;
}

export interface LineResult extends FundingLine {
  round: Round;
  /** The allocation version analysed (the latest). */
  version: number;
  category: Category | null;
}

export function fundingLineOf(op: OpContext, input: LineInput): LineResult {
  const db = op.db;
  const round = requireRound(db, input.roundId);
  const policy = round.policy;
  const draws = input.draws ?? DEFAULT_DRAWS;
  if (!Number.isSafeInteger(draws) || draws < 1 || draws > MAX_DRAWS) {
    throw new UserError(text(`--draws ${draws}：应为 1 到 ${MAX_DRAWS} 之间的整数。`, `--draws ${draws}: expected a whole number from 1 to ${MAX_DRAWS}.`), 2);
  }
  const seed = input.seed ?? round.roundId;
  let category: Category | null = null;
  if (input.category !== undefined) {
    category = findCategory(policy, input.category) ?? null;
    if (!category) {
      throw new UserError(
        text(`未知类别「${input.category}」。`, `unknown category "${input.category}".`),
        2,
        text(`可用类别：${policy.categories.map((c) => `${c.key}（${c.zh}）`).join('、')}`, `categories: ${policy.categories.map((c) => c.key).join(', ')}`),
      );
    }
  }

  // One read snapshot (a deferred transaction that only reads): a concurrent
  // allocate or score import cannot show here half done.
  const read = db.transaction(() => {
    const version = latestVersion(db, round.roundId);
    if (version === null) {
      throw new UserError(text(`批次 ${round.roundId} 尚无分配方案。`, `round ${round.roundId} has no allocation yet.`), 2, text('先运行 `jmfund allocate`。', 'run `jmfund allocate` first.'));
    }
    const head = getAllocation(db, round.roundId, version)!;
    const { participants, funded } = versionParticipants(db, round.roundId, version, category?.key);
    const all = roundCandidates(db, round.roundId);
    const indices: number[] = [];
    for (let i = 0; i < all.length; i++) if (participants.has(all.applicationId[i])) indices.push(i);
    const { kept, excluded } = lockedAwards(db, round.roundId);
    // The aggregation's own exclusions (trimmed-mean's highest and lowest) stay out of the model.
    const { method, dropped } = aggregateExclusions(db, round.roundId);
    const rules = scoringRules(policy, method);
    const scores = roundScoresForAggregation(db, round.roundId, rules);
    return { version, head, funded, candidates: copyColumns(all, indices), kept, excluded, rules, scores, dropped };
  });
  const r = read.deferred();
  op.progress?.phase(text('正在抽样并逐次分配', 'drawing and allocating'), draws, 'draws');
  let line: FundingLine;
  try {
    line = fundingLine(
      {
        policy,
        candidates: r.candidates,
        options: { budgets: r.head.budgets, method: r.head.method, shortfall: r.head.shortfall, tieBreak: r.head.tieBreak, kept: r.kept, excluded: r.excluded },
        storedFunded: r.funded,
        data: scoreData(r.scores, r.rules.unitsPerPoint, (app, expert) => r.dropped.get(app)?.has(expert) ?? false),
        scores: r.scores,
        rules: r.rules,
      },
      { draws, seed, onDraw: (done) => op.progress?.tick(done) },
    );
  } finally {
    op.progress?.done();
  }
  return { round, version: r.version, category, ...line };
}
