// jmfund line as an operation, on a real ledger file: scores written and
// aggregated, one allocation stored, then the analysis, which writes nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { plan } from '../../src/domain/allocation.js';
import { UserError } from '../../src/domain/errors.js';
import { FastRandom } from '../../src/domain/leniency-model.js';
import { aggregateRound, scoringRules, ScoreMoments, expertSummaries } from '../../src/domain/scoring.js';
import { roundCandidates, storeAllocation } from '../../src/ledger/allocations.repo.js';
import type { Db } from '../../src/ledger/open.js';
import { replaceAggregates, replaceExpertStats, roundScoresForAggregation, writeScores } from '../../src/ledger/scores.repo.js';
import { getRound } from '../../src/ledger/rounds.repo.js';
import type { OpContext } from '../../src/ops/context.js';
import { fundingLineOf } from '../../src/ops/line.js';
import { ledgerWithRound } from '../helpers.js';
import { addApplications } from '../ledger/allocation-fixtures.js';

const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

const op = (db: Db): OpContext => ({ db, officer: 'test', now: () => '2022-05-20T00:00:00.000Z', today: () => '2022-05-20' });

/**
 * 20 benchmark-enterprise applications of 100,000 yuan (budget for 6) and 4
 * sme-cloud ones; 6 experts, E02 lenient by 10 points, 3 per application;
 * one recused score. Aggregated with `method`, allocated once.
 */
function round(method: 'mean' | 'trimmed-mean' | 'z-score' = 'mean', perApp = 3): { db: Db; path: string } {
  const l = ledgerWithRound('R1', { 'benchmark-enterprise': 60_000_000, 'sme-cloud': 100_000_000 });
  opened.push(l.db);
  const ids = Array.from({ length: 20 }, (_, i) => `B${String(i + 1).padStart(2, '0')}`);
  addApplications(l.db, 'R1', [
    ...ids.map((id) => ({ id, category: 'benchmark-enterprise', requested: 100_000, investment: 1_000_000, state: 'scored' })),
    ...['S1', 'S2', 'S3', 'S4'].map((id) => ({ id, category: 'sme-cloud', requested: 100_000, investment: 1_000_000, state: 'scored' })),
  ]);
  const rng = new FastRandom('ops-line', 'round');
  const leniency = [0, 10, -2, 1, -1, 0];
  const rows: Parameters<typeof writeScores>[2] = [];
  let line = 2;
  for (const [n, id] of [...ids, 'S1', 'S2', 'S3', 'S4'].entries()) {
    const quality = 82 - (n % 20) * 0.6;
    for (let k = 0; k < perApp; k++) {
      const e = (n + k) % 6;
      rows.push({ line: line++, applicationId: id, expertId: `E0${e + 1}`, centi: Math.round((quality + leniency[e] + rng.normal()) * 100), criteria: null, recused: false, comment: null });
    }
  }
  rows.push({ line: line++, applicationId: 'B01', expertId: 'E06', centi: null, criteria: null, recused: true, comment: null });
  // One transaction, as the commands do (each statement alone would wait for the disk).
  l.db.transaction(() => {
    writeScores(l.db, 'R1', rows, [], { file: 'scores.csv', sha256: 'x', at: '2022-05-01T00:00:00.000Z' });
    const r = getRound(l.db, 'R1')!;
    const rules = scoringRules(r.policy, method);
    const scores = roundScoresForAggregation(l.db, 'R1', rules);
    replaceAggregates(l.db, 'R1', aggregateRound(scores, rules), '2022-05-02T00:00:00.000Z');
    replaceExpertStats(l.db, 'R1', expertSummaries(ScoreMoments.of(scores), rules.unitsPerPoint).experts);
    const p = plan(roundCandidates(l.db, 'R1'), r.policy, { budgets: r.budgets, method: 'ranked', shortfall: 'skip', tieBreak: r.policy.allocation.tieBreak });
    storeAllocation(l.db, 'R1', p, '2022-05-10T00:00:00.000Z', 'test');
  })();
  return l;
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('fundingLineOf', () => {
  it('analyses the latest version’s participants and writes nothing to the ledger', () => {
    const l = round();
    const before = sha(l.path);
    const events = l.db.prepare('SELECT count(*) FROM events').pluck().get();
    const r = fundingLineOf(op(l.db), { roundId: 'R1', draws: 300, seed: 'test' });
    expect(sha(l.path)).toBe(before);
    expect(l.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(events);
    expect(l.db.inTransaction).toBe(false);

    expect(r.version).toBe(1);
    expect(r.draws).toBe(300);
    expect(r.seed).toBe('test');
    expect(r.applications.map((a) => a.category).filter((c) => c === 'benchmark-enterprise')).toHaveLength(20);
    expect(r.applications.filter((a) => a.category === 'sme-cloud')).toHaveLength(4);
    // 3 valid scores each; the recused one is not in the model.
    expect(r.model).toEqual({ scores: 72, experts: 6, applications: 24 });
    const stored = l.db.prepare("SELECT application_id FROM allocation_lines WHERE version = 1 AND award_fen > 0 ORDER BY application_id").pluck().all();
    expect(r.applications.filter((a) => a.funded).map((a) => a.applicationId).sort()).toEqual(stored);
    expect(r.stale).toEqual([]);
    const bench = r.categories.find((c) => c.category === 'benchmark-enterprise')!;
    expect(bench.funded).toBe(6);
    expect(bench.line).not.toBeNull();
    // The top of the list is safe, the bottom out, and the grey zone is between.
    const byRank = r.applications.filter((a) => a.category === 'benchmark-enterprise').sort((a, b) => a.rank - b.rank);
    expect(byRank[0].pFunded).toBe(1);
    expect(byRank[19].pFunded).toBe(0);
    for (const id of r.greyZone) {
      const a = r.applications.find((x) => x.applicationId === id)!;
      expect(a.pFunded).toBeGreaterThanOrEqual(0.1);
      expect(a.pFunded).toBeLessThanOrEqual(0.9);
    }
    // sme-cloud funds everyone: no line, no next application.
    expect(r.categories.find((c) => c.category === 'sme-cloud')!.line).toBeNull();
    expect(r.marginalBudget.find((m) => m.category === 'sme-cloud')).toEqual({ category: 'sme-cloud', amountFen: null, applicationId: null });
    const m = r.marginalBudget.find((x) => x.category === 'benchmark-enterprise')!;
    expect(m.amountFen).toBe(10_000_000);
    expect(m.applicationId).toBe(byRank[6].applicationId);
    // E02 is 10 points more lenient than the others: leaving it out changes the most.
    const most = [...r.expertInfluence].sort((a, b) => b.changes.length - a.changes.length)[0];
    expect(most.expert).toBe('E02');
  });

  it('gives the same figures for the same seed, other figures for another', () => {
    const l = round();
    const a = fundingLineOf(op(l.db), { roundId: 'R1', draws: 200, seed: 's1' });
    const b = fundingLineOf(op(l.db), { roundId: 'R1', draws: 200, seed: 's1' });
    const c = fundingLineOf(op(l.db), { roundId: 'R1', draws: 200, seed: 's2' });
    const figures = (x: typeof a) => x.applications.map((y) => [y.applicationId, y.expectedRank, y.rankLow, y.rankHigh, y.pFunded]);
    expect(figures(b)).toEqual(figures(a));
    expect(figures(c)).not.toEqual(figures(a));
    // The default seed is the round's ID.
    expect(fundingLineOf(op(l.db), { roundId: 'R1', draws: 10 }).seed).toBe('R1');
  });

  it('tells its progress: one tick per draw', () => {
    const l = round();
    const seen: string[] = [];
    let last = 0;
    const progress = { phase: (_: unknown, total: number | null, unit: string) => seen.push(`phase ${total} ${unit}`), tick: (n: number) => (last = n), done: () => seen.push('done') };
    fundingLineOf({ ...op(l.db), progress }, { roundId: 'R1', draws: 40 });
    expect(seen).toEqual(['phase 40 draws', 'done']);
    expect(last).toBe(40);
  });

  it('one category by key or name', () => {
    const l = round();
    const r = fundingLineOf(op(l.db), { roundId: 'R1', draws: 50, category: '中小企业上云上平台' });
    expect(r.category?.key).toBe('sme-cloud');
    expect(new Set(r.applications.map((a) => a.category))).toEqual(new Set(['sme-cloud']));
    expect(r.marginalBudget.map((m) => m.category)).toEqual(['sme-cloud']);
    expect(() => fundingLineOf(op(l.db), { roundId: 'R1', category: 'nope' })).toThrow(UserError);
  });

  it('leaves out of the model the scores trimmed-mean dropped', () => {
    const l = round('trimmed-mean', 5);
    const r = fundingLineOf(op(l.db), { roundId: 'R1', draws: 20 });
    // 24 applications × 5 valid scores, less the highest and lowest of each.
    expect(r.model.scores).toBe(24 * 3);
  });

  it('works on a z-score aggregate', () => {
    const l = round('z-score');
    const r = fundingLineOf(op(l.db), { roundId: 'R1', draws: 50 });
    expect(r.applications).toHaveLength(24);
    expect(r.expertInfluence.map((e) => e.expert)).toEqual(['E01', 'E02', 'E03', 'E04', 'E05', 'E06']);
  });

  it('refuses a round without an allocation, and a number of draws out of range', () => {
    const l = ledgerWithRound('R2');
    opened.push(l.db);
    expect(() => fundingLineOf(op(l.db), { roundId: 'R2' })).toThrow(/no allocation yet/);
    expect(() => fundingLineOf(op(l.db), { roundId: 'R2', draws: 0 })).toThrow(UserError);
    expect(() => fundingLineOf(op(l.db), { roundId: 'nope' })).toThrow(/no round nope/);
  });
});
