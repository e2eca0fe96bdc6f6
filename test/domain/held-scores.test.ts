// HeldScores (domain/held-scores.ts): a round's scores held compactly give back
// each application's scores as they were given, whatever they hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeldScores } from '../../src/domain/held-scores.js';
import type { ApplicationScores, ScoreEntry } from '../../src/domain/scoring.js';

const entry: fc.Arbitrary<ScoreEntry> = fc
  .record({
    expertId: fc.constantFrom('E01', 'E02', '专家甲', 'E-40'),
    units: fc.oneof(fc.constant(null), fc.bigInt({ min: 0n, max: 10n ** 7n }), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n })),
    recused: fc.boolean(),
    criteria: fc.oneof(fc.constant(undefined), fc.constant(null), fc.dictionary(fc.constantFrom('innovation', 'benefit'), fc.integer({ min: 0, max: 10_000 }))),
  })
  // Plain objects (fast-check's records have no prototype), with no criteria field when there are none.
  .map(({ criteria, ...e }) => (criteria === undefined ? { ...e } : { ...e, criteria: criteria === null ? null : { ...criteria } }));

const apps: fc.Arbitrary<ApplicationScores[]> = fc.array(
  fc.record({ applicationId: fc.string({ minLength: 1, maxLength: 8 }), entries: fc.array(entry, { maxLength: 6 }) }).map((a) => ({ ...a })),
  { maxLength: 300 },
);

describe('HeldScores', () => {
  it('gives back every application and score as given, in order, with or without criteria, past 64 bits', () => {
    fc.assert(
      fc.property(apps, (given) => {
        const held = HeldScores.of(given);
        expect(held.length).toBe(given.length);
        expect([...held]).toStrictEqual(given);
        given.forEach((a, i) => expect(held.at(i)).toStrictEqual(a));
      }),
      { numRuns: 200 },
    );
  });

  it('grows past its first thousand scores', () => {
    const given = Array.from({ length: 1500 }, (_, i): ApplicationScores => ({
      applicationId: `B-${i}`,
      entries: [1, 2, 3].map((e) => ({ expertId: `E0${e}`, units: BigInt(i * 10 + e), recused: false })),
    }));
    expect([...HeldScores.of(given)]).toStrictEqual(given);
  });
});
