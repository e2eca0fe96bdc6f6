// The bigram index of similarInGroup must find exactly the pairs that
// comparing every pair finds, with the same comparisons, in group order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareProjectName, similarInGroup } from '../../src/domain/similarity.js';

// Few characters, so that names share bigrams, repeat them, contain each other and match exactly.
const name = fc.oneof(
  fc.string({ unit: fc.constantFrom('工', '业', '互', '联', '网', '平', '台', 'a', 'b', '1', '2', '（', '）', ' '), maxLength: 14 }),
  fc.constantFrom('', '  ', '（）', '工', 'a', '工业互联网平台建设项目', '工业互联网平台建设项目（二期）', '工业互联网平台'),
);
const threshold = fc.oneof(fc.constantFrom(0.5, 0.8, 0.9, 1), fc.double({ min: 0.05, max: 1, noNaN: true }));

describe('similarInGroup', () => {
  it('the index finds exactly what every pair compared finds', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 60 }), threshold, (raw, t) => {
        const names = raw.map(prepareProjectName);
        expect(similarInGroup(names, t, { index: true })).toEqual(similarInGroup(names, t, { index: false }));
      }),
      { numRuns: 400 },
    );
  });

  it('groups of near-identical names: the phases and numbers of one template', () => {
    const names = Array.from({ length: 300 }, (_, i) => prepareProjectName(`工业互联网平台建设项目${i % 50}${i >= 150 ? '（二期）' : ''}`));
    for (const t of [0.8, 0.95]) expect(similarInGroup(names, t, { index: true })).toEqual(similarInGroup(names, t, { index: false }));
  });
});
