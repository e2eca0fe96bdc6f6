import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareProjectNames, diceCoefficient, normalizeProjectName } from '../../src/domain/similarity.js';

describe('normalizeProjectName', () => {
  it('applies NFKC, drops white space and punctuation, lower-cases', () => {
    expect(normalizeProjectName('  ＡＢＣ　工业互联网（二期）—— 项目。 ')).toBe('abc工业互联网二期项目');
    expect(normalizeProjectName('5G+MES: Phase-1')).toBe('5g+mesphase1');
  });
});

describe('compareProjectNames', () => {
  const T = 0.8;
  it('equal after normalisation → same', () => {
    expect(compareProjectNames('数字化车间（一期）', '数字化车间一期', T)).toMatchObject({ relation: 'same', how: 'equal' });
    expect(compareProjectNames('ERP Upgrade', 'erp upgrade', T).relation).toBe('same');
  });

  it('one containing the other → similar', () => {
    expect(compareProjectNames('数字化车间', '江门数字化车间改造', T)).toMatchObject({ relation: 'similar', how: 'contains' });
    expect(compareProjectNames('江门数字化车间改造', '数字化车间', T).relation).toBe('similar');
  });

  it('Dice exactly at the threshold → similar; just below → different', () => {
    // 10 bigrams each, 8 shared: 2·8 / 20 = 0.8
    expect(diceCoefficient('abcdefghijk', 'abcdefghiyz')).toBe(0.8);
    expect(compareProjectNames('abcdefghijk', 'abcdefghiyz', T)).toMatchObject({ relation: 'similar', how: 'dice' });
    // 10 and 11 bigrams, 8 shared: 16 / 21 ≈ 0.762
    expect(compareProjectNames('abcdefghijk', 'abcdefghiyzw', T).relation).toBe('different');
    // the threshold comes from the caller (the policy)
    expect(compareProjectNames('abcdefghijk', 'abcdefghiyzw', 0.75).relation).toBe('similar');
  });

  it('Chinese names differing in one character are similar', () => {
    const r = compareProjectNames('江门市工业互联网平台建设项目', '江门市工业互联网平台建设工程', T);
    expect(r.relation).toBe('similar');
    expect(r.dice).toBeGreaterThanOrEqual(0.8);
    expect(compareProjectNames('注塑车间设备联网', '仓储物流管理系统', T).relation).toBe('different');
  });

  it('a name that is only punctuation matches nothing', () => {
    expect(compareProjectNames('——', '——', T).relation).toBe('different');
  });

  it('is symmetric', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.double({ min: 0.01, max: 1, noNaN: true }), (a, b, t) => {
        const x = compareProjectNames(a, b, t);
        const y = compareProjectNames(b, a, t);
        expect(x.relation).toBe(y.relation);
        expect(x.dice).toBe(y.dice);
      }),
    );
  });

  it('same exactly when the normalised names are equal and not empty', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const na = normalizeProjectName(a);
        const same = compareProjectNames(a, b, 0.8).relation === 'same';
        expect(same).toBe(na !== '' && na === normalizeProjectName(b));
      }),
    );
  });
});
