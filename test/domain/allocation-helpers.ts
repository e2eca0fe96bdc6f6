// Builders for allocation tests: candidates in yuan, the bundled policy, and
// variants of it with smaller pools or other units.
import type { Candidate, ExactScore } from '../../src/domain/allocation.js';
import type { Policy } from '../../src/domain/policy.js';
import { loadPolicy } from '../../src/io/policies.js';

export const POLICY: Policy = loadPolicy().policy;

export const yuan = (y: number): number => Math.round(y * 100);

/** A policy with some category fields changed (numbers in fen). */
export function policyWith(changes: Record<string, Partial<Policy['categories'][number]>>, unitFen = POLICY.unitFen): Policy {
  const p = structuredClone(POLICY);
  p.unitFen = unitFen;
  p.categories = p.categories.map((c) => ({ ...c, ...(changes[c.key] ?? {}) }));
  return p;
}

export interface CandSpec {
  id: string;
  category?: string;
  cluster?: string | null;
  uscc?: string;
  /** yuan */
  requested?: number;
  /** yuan; default 10 × requested */
  investment?: number;
  submittedOn?: string;
  eligibility?: Candidate['eligibility'];
  /** a number of points, [num, den], or null for no aggregate */
  score?: number | [number, number] | null;
  status?: Candidate['scoreStatus'];
}

export function exact(score: number | [number, number]): ExactScore {
  if (Array.isArray(score)) return { num: BigInt(score[0]), den: BigInt(score[1]) };
  const hundredths = Math.round(score * 100);
  return { num: BigInt(hundredths), den: 100n };
}

function display(s: ExactScore): string {
  const q = (2n * s.num * 100n + s.den) / (2n * s.den);
  return `${q / 100n}.${String(q % 100n).padStart(2, '0')}`;
}

export function cand(s: CandSpec): Candidate {
  const requested = s.requested ?? 100_000;
  const score = s.score === undefined ? exact(80) : s.score === null ? null : exact(s.score);
  return {
    applicationId: s.id,
    category: s.category ?? 'sme-cloud',
    cluster: s.cluster ?? null,
    uscc: s.uscc ?? `USCC-${s.id}`,
    enterpriseName: `企业${s.id}`,
    requestedAmountFen: yuan(requested),
    totalInvestmentFen: yuan(s.investment ?? requested * 10),
    submittedOn: s.submittedOn ?? '2022-03-15',
    eligibility: s.eligibility === undefined ? 'eligible' : s.eligibility,
    scoreStatus: s.status !== undefined ? s.status : score === null ? null : 'scored',
    score,
    scoreDisplay: score === null ? null : display(score),
  };
}

/** Descending scores 99, 98, … so that list order is rank order. */
export function inOrder(specs: CandSpec[]): Candidate[] {
  return specs.map((s, i) => cand({ score: 99 - i, ...s }));
}
