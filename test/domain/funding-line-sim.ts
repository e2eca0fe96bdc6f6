// Rounds generated from a known model (true qualities, expert leniencies,
// noise), turned into what `jmfund line` reads: the simulation tests check the
// analysis against the truth that made the scores.
import { CandidateColumns, plan, type Candidate, type PlanOptions } from '../../src/domain/allocation.js';
import type { LineRound } from '../../src/domain/funding-line.js';
import { FastRandom, scoreData } from '../../src/domain/leniency-model.js';
import { aggregateRound, scoringRules, type ApplicationScores } from '../../src/domain/scoring.js';
import { POLICY } from './allocation-helpers.js';

export const CATEGORY = 'benchmark-enterprise';
/** Every application asks for 100,000 yuan with ten times that invested: each cap is 10,000,000 fen. */
export const CAP_FEN = 10_000_000;

export interface SimSpec {
  seed: string;
  apps: number;
  experts: number;
  /** Experts per application (drawn without replacement). */
  perApp: number;
  qualityMean?: number;
  qualitySd?: number;
  leniencySd?: number;
  noiseSd?: number;
  /** Given qualities and leniencies instead of drawn ones. */
  qualities?: number[];
  leniencies?: number[];
  /** How many caps the budget holds. */
  fundable: number;
  method?: 'mean' | 'trimmed-mean' | 'median' | 'z-score';
}

export interface Sim {
  round: LineRound;
  quality: number[];
  leniency: number[];
  /** Participants' ids (scored at or above the threshold). */
  ids: string[];
  /** True rank of each participant within the category (1 = best quality). */
  trueRank: Map<string, number>;
}

const id = (i: number) => `A${String(i + 1).padStart(3, '0')}`;
const expertId = (j: number) => `E${String(j + 1).padStart(2, '0')}`;

export function simulate(s: SimSpec): Sim {
  const rng = new FastRandom(s.seed, 'simulation');
  const quality = s.qualities ?? Array.from({ length: s.apps }, () => (s.qualityMean ?? 80) + (s.qualitySd ?? 6) * rng.normal());
  const leniency = s.leniencies ?? Array.from({ length: s.experts }, () => (s.leniencySd ?? 4) * rng.normal());
  const noise = s.noiseSd ?? 3;
  const scores: ApplicationScores[] = quality.map((q, i) => {
    const pool = Array.from({ length: s.experts }, (_, j) => j);
    const chosen: number[] = [];
    for (let k = 0; k < s.perApp; k++) chosen.push(pool.splice(rng.nextUint32() % pool.length, 1)[0]);
    chosen.sort((a, b) => a - b);
    return {
      applicationId: id(i),
      entries: chosen.map((j) => {
        const y = Math.min(100, Math.max(0, q + leniency[j] + noise * rng.normal()));
        return { expertId: expertId(j), units: BigInt(Math.round(y * 100)), recused: false };
      }),
    };
  });
  const rules = scoringRules(POLICY, s.method ?? 'mean');
  const aggregates = aggregateRound(scores, rules);
  const candidates: Candidate[] = aggregates.map((a) => {
    const [num, den] = a.value === null ? [0n, 1n] : a.value.kind === 'rational' ? [a.value.num, a.value.den] : [a.value.scaled, 10n ** BigInt(a.value.digits)];
    return {
      applicationId: a.applicationId,
      category: CATEGORY,
      cluster: null,
      uscc: `USCC-${a.applicationId}`,
      enterpriseName: `企业${a.applicationId}`,
      requestedAmountFen: CAP_FEN,
      totalInvestmentFen: CAP_FEN * 10,
      submittedOn: '2022-03-15',
      eligibility: 'eligible',
      scoreStatus: a.status,
      score: a.value === null ? null : { num, den },
      scoreDisplay: a.display,
    };
  });
  const participants = candidates.filter((c) => c.scoreStatus === 'scored');
  const columns = CandidateColumns.from(participants);
  const options: PlanOptions = { budgets: { [CATEGORY]: s.fundable * CAP_FEN }, method: 'ranked', shortfall: 'skip', tieBreak: [...POLICY.allocation.tieBreak] };
  const today = plan(columns, POLICY, options);
  const storedFunded = new Set<string>();
  for (let i = 0; i < columns.length; i++) if (today.awardFen[i] > 0) storedFunded.add(columns.applicationId[i]);
  const ids = participants.map((c) => c.applicationId);
  const byQuality = [...ids].sort((a, b) => quality[Number(b.slice(1)) - 1] - quality[Number(a.slice(1)) - 1]);
  return {
    round: { policy: POLICY, candidates: columns, options, storedFunded, data: scoreData(scores, rules.unitsPerPoint), scores, rules },
    quality,
    leniency,
    ids,
    trueRank: new Map(byQuality.map((x, r) => [x, r + 1])),
  };
}
