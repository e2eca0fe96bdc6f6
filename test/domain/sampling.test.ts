// Reproducible spot-check samples (Art. 16).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom, drawSample, parseSampleSize, percentOf, type Candidate, type SampleOptions } from '../../src/domain/sampling.js';

const cands = (n: number, stratum = (i: number) => (i % 3 === 0 ? 'benchmark-enterprise' : 'sme-cloud')): Candidate[] =>
  Array.from({ length: n }, (_, i) => ({ id: `2022-R1-${String(i + 1).padStart(4, '0')}`, stratum: stratum(i), amountFen: (i + 1) * 1_000_000 }));

const opts = (over: Partial<SampleOptions> = {}): SampleOptions => ({ seed: 'jm-2023', size: { kind: 'count', count: 5 }, stratify: false, alwaysAboveFen: null, ...over });

describe('seeded random stream', () => {
  it('is fixed for a seed: the same numbers on every machine (golden values)', () => {
    const r = new SeededRandom('jmfund');
    const first = [r.nextUint32(), r.nextUint32(), r.nextUint32()];
    // SHA-256("jmfund\0\0" + "0") split into 32-bit big-endian words.
    const again = new SeededRandom('jmfund');
    expect([again.nextUint32(), again.nextUint32(), again.nextUint32()]).toEqual(first);
    expect(first).toMatchInlineSnapshot(`
      [
        47773804,
        3522202594,
        2828285191,
      ]
    `);
  });

  it('draws below(n) in range, and every value of a small range appears', () => {
    const r = new SeededRandom('range');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.below(7);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(7);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
  });
});

describe('sample size', () => {
  it.each([
    ['5', { kind: 'count', count: 5 }],
    ['10%', { kind: 'percent', basisPoints: 1000, shown: '10%' }],
    ['12.5%', { kind: 'percent', basisPoints: 1250, shown: '12.5%' }],
    ['100%', { kind: 'percent', basisPoints: 10000, shown: '100%' }],
    ['１０％', { kind: 'percent', basisPoints: 1000, shown: '10%' }],
  ])('parses %s', (s, expected) => {
    expect(parseSampleSize(s)).toEqual({ ok: true, value: expected });
  });
  it.each(['0', '0%', '101%', '-1', 'ten', '5.5', '1.234%', ''])('refuses %j', (s) => {
    expect(parseSampleSize(s).ok).toBe(false);
  });
  it('rounds a percentage up so a non-empty population always yields one', () => {
    expect(percentOf(7, 1000)).toBe(1);
    expect(percentOf(10, 1000)).toBe(1);
    expect(percentOf(11, 1000)).toBe(2);
    expect(percentOf(0, 1000)).toBe(0);
  });
});

describe('drawSample', () => {
  it('gives the same sample twice for the same seed, whatever order the candidates come in', () => {
    const c = cands(40);
    const a = drawSample(c, opts());
    const b = drawSample([...c].reverse(), opts());
    expect(a.sample).toEqual(b.sample);
    expect(a.sample).toHaveLength(5);
    expect(new Set(a.sample).size).toBe(5);
  });

  it('gives a different sample for a different seed', () => {
    const c = cands(40);
    expect(drawSample(c, opts({ seed: 'jm-2023' })).sample).not.toEqual(drawSample(c, opts({ seed: 'jm-2024' })).sample);
  });

  it('is pinned for a given seed (a change of algorithm must be deliberate)', () => {
    expect(drawSample(cands(40), opts()).sample).toMatchInlineSnapshot(`
      [
        "2022-R1-0001",
        "2022-R1-0022",
        "2022-R1-0030",
        "2022-R1-0032",
        "2022-R1-0039",
      ]
    `);
  });

  it('takes the whole population when the sample is larger', () => {
    expect(drawSample(cands(3), opts({ size: { kind: 'count', count: 10 } })).sample).toHaveLength(3);
    expect(drawSample([], opts()).sample).toEqual([]);
  });

  it('always includes awards above the amount, besides the random sample', () => {
    const s = drawSample(cands(20), opts({ alwaysAboveFen: 17_000_000, size: { kind: 'count', count: 2 } }));
    expect(s.certain).toEqual(['2022-R1-0018', '2022-R1-0019', '2022-R1-0020']);
    expect(s.sample).toHaveLength(5);
    for (const id of s.certain) expect(s.sample).toContain(id);
  });

  it('stratifies by category in proportion (largest remainder) and by percentage per stratum', () => {
    // 30 candidates: 10 benchmark-enterprise, 20 sme-cloud.
    const s = drawSample(cands(30), opts({ stratify: true, size: { kind: 'count', count: 6 } }));
    expect(s.strata.map((x) => [x.key, x.population, x.size])).toEqual([
      ['benchmark-enterprise', 10, 2],
      ['sme-cloud', 20, 4],
    ]);
    const p = drawSample(cands(30), opts({ stratify: true, size: { kind: 'percent', basisPoints: 1000, shown: '10%' } }));
    expect(p.strata.map((x) => x.size)).toEqual([1, 2]);
    for (const st of s.strata) for (const id of st.sample) expect(cands(30).find((c) => c.id === id)?.stratum).toBe(st.key);
  });

  it('draws each application with about the same frequency (no bias toward the start of the list)', () => {
    const c = cands(10);
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const id of drawSample(c, opts({ seed: `s${i}`, size: { kind: 'count', count: 3 } })).sample) counts.set(id, (counts.get(id) ?? 0) + 1);
    // Expected 600 each; a fair draw stays well within ±20 %.
    for (const n of counts.values()) expect(Math.abs(n - 600)).toBeLessThan(120);
  });

  it('returns a sample of the requested size without duplicates, drawn from the candidates (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 70 }), fc.string(), fc.boolean(), (n, k, seed, stratify) => {
        const c = cands(n);
        const s = drawSample(c, opts({ seed, stratify, size: { kind: 'count', count: k } }));
        expect(s.sample).toHaveLength(Math.min(n, k));
        expect(new Set(s.sample).size).toBe(s.sample.length);
        const ids = new Set(c.map((x) => x.id));
        for (const id of s.sample) expect(ids.has(id)).toBe(true);
        expect(drawSample(c, opts({ seed, stratify, size: { kind: 'count', count: k } })).sample).toEqual(s.sample);
      }),
    );
  });
});
