import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_MONEY_FEN, fenValue, floorToUnit, formatYuan, mulRatioFloor, parseMoney, yuanPlain } from '../../src/domain/money.js';

const fen = (s: string): number => {
  const r = parseMoney(s);
  if (!r.ok) throw new Error(`expected ${s} to parse: ${r.error.en}`);
  return r.value;
};
const errorOf = (s: string) => {
  const r = parseMoney(s);
  if (r.ok) throw new Error(`expected ${s} to be rejected, got ${r.value}`);
  return r.error;
};

describe('parseMoney accepts', () => {
  it.each([
    ['1234567.89', 123456789],
    ['1,234,567.89', 123456789],
    ['¥1,234,567', 123456700],
    ['￥1,234,567', 123456700],
    ['¥ 1234567.5', 123456750],
    ['1234567元', 123456700],
    ['1,234,567.80元', 123456780],
    ['123.45万', 123450000],
    ['123.45万元', 123450000],
    ['123.4567万', 123456700],
    ['123.456789万', 123456789],
    ['1万', 1000000],
    ['0.000001万', 1],
    ['0', 0],
    ['0.00', 0],
    ['0.01', 1],
    ['  42  ', 4200],
    ['999', 99900],
    ['1,000', 100000],
    ['007', 700],
    // trailing zeros beyond the limit still name a whole fen
    ['1.230', 123],
    ['1.2300000万', 1230000],
    // full-width digits, comma, point and yen sign
    ['１，２３４．５６', 123456],
    ['￥１２３．４５万元', 123450000],
    // the limit itself, in each form
    ['1000000000000', MAX_MONEY_FEN],
    ['1,000,000,000,000.00', MAX_MONEY_FEN],
    ['100000000万', MAX_MONEY_FEN],
    ['¥1,000,000,000,000元', MAX_MONEY_FEN],
  ])('%s → %d fen', (input, expected) => {
    expect(fen(input)).toBe(expected);
  });
});

describe('parseMoney rejects', () => {
  it.each([
    '',
    '   ',
    'abc',
    '1.2.3',
    '12,34',
    '1,2345',
    ',123',
    '1,234,56',
    '1e5',
    '1E5',
    'NaN',
    'Infinity',
    '.5',
    '5.',
    '1 234',
    '12万万',
    '元',
    '¥',
    '0x10',
    '+5',
    '(5)',
  ])('%j is not an amount', (input) => {
    const e = errorOf(input);
    expect(e.zh).toContain('可接受的写法');
    expect(e.en).toContain('accepted forms');
    if (input.trim() !== '') {
      expect(e.zh).toContain(input);
      expect(e.en).toContain(input);
    }
  });

  it.each(['-1', '-0.01', '−5', '¥-100', '-1万'])('%j is negative', (input) => {
    const e = errorOf(input);
    expect(e.en).toContain('negative');
    expect(e.zh).toContain('负');
    expect(e.en).toContain(input);
  });

  it.each(['1.234', '0.001', '1,234.567'])('%j has a fraction of a fen (yuan)', (input) => {
    const e = errorOf(input);
    expect(e.en).toContain('fraction of a fen');
    expect(e.en).toContain('at most 2 decimals');
    expect(e.zh).toContain('两位小数');
  });

  it.each(['123.4567891万', '0.0000001万元', '1.00000001万'])('%j has a fraction of a fen (万)', (input) => {
    const e = errorOf(input);
    expect(e.en).toContain('fraction of a fen');
    expect(e.en).toContain('6 decimals');
    expect(e.zh).toContain('六位小数');
  });

  it.each(['1000000000000.01', '1,000,000,000,000.01', '100000000.000001万', '90000000000000', '90071992547409.91', '99999999999999999999', '1000000000000万'])(
    '%j is above the money limit, named with the value',
    (input) => {
      const e = errorOf(input);
      expect(e.en).toContain(`"${input}"`);
      expect(e.en).toContain('exceeds the limit of 1,000,000,000,000.00 yuan');
      expect(e.zh).toContain(`「${input}」`);
      expect(e.zh).toContain('金额上限 1,000,000,000,000.00 元');
    },
  );
});

describe('formatYuan / yuanPlain', () => {
  it.each([
    [0, '0.00', '0.00'],
    [1, '0.01', '0.01'],
    [99, '0.99', '0.99'],
    [100, '1.00', '1.00'],
    [123456789, '1,234,567.89', '1234567.89'],
    [100000000, '1,000,000.00', '1000000.00'],
    [-5, '-0.05', '-0.05'],
    [-123456789, '-1,234,567.89', '-1234567.89'],
    [Number.MAX_SAFE_INTEGER, '90,071,992,547,409.91', '90071992547409.91'],
  ])('%d fen', (f, formatted, plain) => {
    expect(formatYuan(f)).toBe(formatted);
    expect(yuanPlain(f)).toBe(plain);
  });

  it('formats bigint sums exactly past 2^53 fen', () => {
    expect(formatYuan(9007199254740993n)).toBe('90,071,992,547,409.93');
    expect(yuanPlain(9007199254740993n)).toBe('90071992547409.93');
    expect(formatYuan(-123456789012345678901n)).toBe('-1,234,567,890,123,456,789.01');
    expect(formatYuan(5n)).toBe('0.05');
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (f) => {
        expect(formatYuan(BigInt(f))).toBe(formatYuan(f));
        expect(yuanPlain(BigInt(f))).toBe(yuanPlain(f));
      }),
    );
  });

  it('fenValue is a number while exact, else the bigint', () => {
    expect(fenValue(123n)).toBe(123);
    expect(fenValue(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(fenValue(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toBe(9007199254740992n);
    expect(fenValue(-(BigInt(Number.MAX_SAFE_INTEGER) + 2n))).toBe(-9007199254740993n);
  });

  it('refuses non-integer fen', () => {
    expect(() => formatYuan(1.5)).toThrow(RangeError);
    expect(() => yuanPlain(Number.NaN)).toThrow(RangeError);
  });

  it('formats like exact BigInt arithmetic with a thousands regex, across every magnitude and sign', () => {
    const reference = (f: number) => {
      const abs = f < 0 ? -BigInt(f) : BigInt(f);
      return `${f < 0 ? '-' : ''}${(abs / 100n).toString().replace(/\B(?=(\d{3})+$)/g, ',')}.${(abs % 100n).toString().padStart(2, '0')}`;
    };
    const amounts = fc.oneof(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: -100_000, max: 100_000 }));
    fc.assert(
      fc.property(amounts, (f) => {
        expect(formatYuan(f)).toBe(reference(f));
      }),
      { numRuns: 5000 },
    );
    for (let d = 0; d <= 16; d++) for (const f of [10 ** d, 10 ** d - 1, -(10 ** d)]) if (Number.isSafeInteger(f)) expect(formatYuan(f)).toBe(reference(f));
  });

  it('round-trips every amount up to the limit through parseMoney', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MONEY_FEN }), (f) => {
        expect(parseMoney(formatYuan(f))).toEqual({ ok: true, value: f });
        expect(parseMoney(yuanPlain(f))).toEqual({ ok: true, value: f });
        expect(parseMoney(`¥${formatYuan(f)}`)).toEqual({ ok: true, value: f });
      }),
      { numRuns: 2000 },
    );
  });

  it('reads 万 with six decimals as exact fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MONEY_FEN }), (f) => {
        const s = String(f).padStart(7, '0');
        const wan = `${s.slice(0, -6)}.${s.slice(-6)}万`;
        expect(parseMoney(wan)).toEqual({ ok: true, value: f });
      }),
    );
  });
});

describe('floorToUnit', () => {
  it.each([
    [0, 100, 0],
    [99, 100, 0],
    [100, 100, 100],
    [123456789, 100, 123456700],
    [123456789, 1, 123456789],
    [123456789, 1000000, 123000000],
    [Number.MAX_SAFE_INTEGER, 100, 9007199254740900],
    [-1, 100, -100],
  ])('floorToUnit(%d, %d) = %d', (f, unit, expected) => {
    expect(floorToUnit(f, unit)).toBe(expected);
  });

  it('refuses a unit that is not a positive integer', () => {
    expect(() => floorToUnit(100, 0)).toThrow(RangeError);
    expect(() => floorToUnit(100, -100)).toThrow(RangeError);
    expect(() => floorToUnit(100, 0.5)).toThrow(RangeError);
  });

  it('never exceeds the amount and stays within one unit of it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: 1_000_000 }), (f, u) => {
        const r = floorToUnit(f, u);
        expect(r % u).toBe(0);
        expect(r <= f && f - r < u).toBe(true);
      }),
    );
  });
});

describe('mulRatioFloor', () => {
  it.each([
    [100000, 30, 100, 30000],
    [99999, 30, 100, 29999], // 29999.7 → 29999
    [1, 1, 3, 0],
    [10, 1, 3, 3],
    [0, 7, 9, 0],
    [-10, 1, 3, -4],
    [10, 1, -3, -4],
    [Number.MAX_SAFE_INTEGER, 1, 1, Number.MAX_SAFE_INTEGER],
    // the product overflows doubles but not BigInt
    [Number.MAX_SAFE_INTEGER, 3, 10, 2702159776422297],
  ])('⌊%d × %d / %d⌋ = %d', (f, n, d, expected) => {
    expect(mulRatioFloor(f, n, d)).toBe(expected);
  });

  it('refuses a zero denominator, non-integers and unsafe results', () => {
    expect(() => mulRatioFloor(100, 1, 0)).toThrow(RangeError);
    expect(() => mulRatioFloor(100, 0.3, 1)).toThrow(RangeError);
    expect(() => mulRatioFloor(Number.MAX_SAFE_INTEGER, 2, 1)).toThrow(RangeError);
  });

  it('agrees with exact BigInt floor division', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1000, max: 100000 }),
        (f, n, d) => {
          expect(BigInt(mulRatioFloor(f, n, d))).toBe((BigInt(f) * BigInt(n)) / BigInt(d));
        },
      ),
    );
  });

  it('agrees with BigInt where the product is a safe integer (the fast path), also just below a multiple', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 2 ** 20 }), fc.integer({ min: -2, max: 2 }), (n, d, delta) => {
        // f within 2 of a multiple of d and f·n near 2^53, where a double quotient can round up.
        const f = Math.max(0, Math.floor(Number.MAX_SAFE_INTEGER / n / d) * d + delta);
        if (!Number.isSafeInteger(f * n)) return;
        expect(BigInt(mulRatioFloor(f, n, d))).toBe((BigInt(f) * BigInt(n)) / BigInt(d));
      }),
    );
    expect(mulRatioFloor(9007199254740990, 1, 9007199254740991)).toBe(0);
  });
});

describe('yuanPlain and formatYuan of a number', () => {
  // Their fast path for a number writes what the bigint path (splitYuan) writes for the same amount.
  it('write a safe integer as its bigint', () => {
    const amount = fc.oneof(fc.integer({ min: -200_000, max: 200_000 }), fc.maxSafeInteger(), fc.maxSafeInteger().map((n) => -n), fc.constantFrom(0, -0, 99_999, 100_000, -99_999, -100_000, 5, -5, 100, -100));
    fc.assert(
      fc.property(amount, (n) => {
        expect(yuanPlain(n)).toBe(yuanPlain(BigInt(n)));
        expect(formatYuan(n)).toBe(formatYuan(BigInt(n)));
      }),
      { numRuns: 2000 },
    );
  });
});
