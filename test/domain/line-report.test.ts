// report line's model: the tables of jmfund line and one caterpillar per category.
import { describe, expect, it } from 'vitest';
import { fundingLine } from '../../src/domain/funding-line.js';
import { buildLineReport } from '../../src/domain/reports/line.js';
import { CATEGORY, simulate } from './funding-line-sim.js';

const NOW = '2022-05-20T00:00:00.000Z';
const PROVENANCE = { policyId: 'jiangmen-2021', policyHash: '3f2a9c0d1b2e'.padEnd(64, '0'), head: { seq: 42, hash: 'ab'.repeat(32) } };

describe('buildLineReport', () => {
  const sim = simulate({ seed: 'report', apps: 16, experts: 5, perApp: 3, noiseSd: 4, fundable: 6 });
  const line = fundingLine(sim.round, { draws: 200, seed: 'r' });
  const report = buildLineReport({ roundId: 'R1', opensOn: '2022-03-01', closesOn: '2022-04-30', ...PROVENANCE, policy: sim.round.policy, version: 2, category: null, line }, NOW);

  it('has the summary, one table per category, the grey zone and the experts', () => {
    expect(report.kind).toBe('line');
    expect(report.sections.map((s) => s.id)).toEqual(['summary', `category-${CATEGORY}`, 'grey-zone', 'expert-influence']);
    const rows = [...report.sections[1].rows];
    expect(rows).toHaveLength(line.applications.length);
    // In order of expected rank, P(funded) in percent.
    const expected = rows.map((r) => r[0] as number);
    expect([...expected].sort((a, b) => a - b)).toEqual(expected);
    expect(rows.map((r) => r[7])).toEqual(line.applications.map((a) => Math.round(a.pFunded * 1000) / 10));
    expect([...report.sections[2].rows].map((r) => r[1])).toEqual(line.greyZone);
    expect(report.meta.find((m) => m.key === 'allocation')?.value).toBe(2);
    expect(report.meta.find((m) => m.key === 'seed')?.value).toBe('r');
    expect(report.meta.find((m) => m.key === 'policy_id')?.value).toBe('jiangmen-2021 (sha256 3f2a9c0d1b2e)');
    expect(report.meta.find((m) => m.key === 'ledger_head')?.value).toBe(`#42 ${'ab'.repeat(32)}`);
  });

  it('draws one caterpillar per category with the line where the money ran out', () => {
    expect(report.caterpillars).toHaveLength(1);
    const c = report.caterpillars![0];
    expect(c.ranks).toBe(line.applications.length);
    expect(c.rows.map((r) => r.label)).toEqual(line.applications.map((a) => a.applicationId));
    const firstUnfunded = Math.min(...line.applications.filter((a) => !a.funded).map((a) => a.rank));
    expect(c.line).toBe(firstUnfunded - 1);
    expect(c.rows.filter((r) => r.greyZone).map((r) => r.label)).toEqual(line.greyZone);
  });

  it('says so before the first allocation', () => {
    const empty = buildLineReport({ roundId: 'R1', opensOn: '2022-03-01', closesOn: '2022-04-30', ...PROVENANCE, policy: sim.round.policy, version: null, category: null, line: null }, NOW);
    expect(empty.meta.find((m) => m.key === 'allocation')?.value).toEqual({ zh: '尚未分配', en: 'not-yet-allocated' });
    expect([...empty.sections[0].rows]).toEqual([]);
    expect(empty.caterpillars).toBeUndefined();
  });
});
