// Every parser of untrusted cells, fed hostile strings: never an exception,
// a value of the documented shape when it accepts, a message (both languages)
// when it refuses; and the row parser's errors name a column of the file.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { excelSerialToDate, isDateInRange, parseDate } from '../../src/domain/dates.js';
import {
  APPLICATION_COLUMNS,
  matchHeader,
  parseAmount,
  parseApplicationRow,
  parseBoolean,
  parseCount,
  parseDateCell,
  parseUsccCell,
  rowErrorText,
  rowKeys,
} from '../../src/domain/import-row.js';
import { MAX_MONEY_FEN, formatYuan, parseMoney, yuanPlain } from '../../src/domain/money.js';
import { analyzeUscc, USCC_ALPHABET } from '../../src/domain/uscc.js';
import { loadPolicy } from '../../src/io/policies.js';
import { DIVISIONS, makeUscc } from '../../bench/lib/generate.mjs';
import { APPLICATION_HEADER, dateLike, hostileString, moneyLike, validCell } from './arbitraries.js';

const RUNS = Number(process.env.JMFUND_FUZZ_RUNS ?? 2_000);
const params = { numRuns: RUNS };
const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** A refusal carries a message in both languages. */
function expectMessage(r: { ok: false; error: { zh: string; en: string } }): void {
  expect(typeof r.error.zh).toBe('string');
  expect(typeof r.error.en).toBe('string');
  expect(r.error.zh.length).toBeGreaterThan(0);
  expect(r.error.en.length).toBeGreaterThan(0);
}

describe('parseMoney', () => {
  it('never throws; accepts only a safe, non-negative whole number of fen', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString(), moneyLike()), (s) => {
        const r = parseMoney(s);
        if (r.ok) {
          expect(Number.isSafeInteger(r.value)).toBe(true);
          expect(r.value).toBeGreaterThanOrEqual(0);
        } else expectMessage(r);
      }),
      params,
    );
  });

  it('reads back what formatYuan and yuanPlain write, and the 万 form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MONEY_FEN }), (fen) => {
        expect(parseMoney(formatYuan(fen))).toEqual({ ok: true, value: fen });
        expect(parseMoney(yuanPlain(fen))).toEqual({ ok: true, value: fen });
        expect(parseMoney(`¥${formatYuan(fen)}元`)).toEqual({ ok: true, value: fen });
        if (fen % 100 === 0) {
          const yuan = BigInt(fen) / 100n;
          const wan = `${yuan / 10_000n}.${String(yuan % 10_000n).padStart(4, '0')}万`;
          expect(parseMoney(wan)).toEqual({ ok: true, value: fen });
        }
      }),
      params,
    );
  });

  it('a very long amount is refused, not rounded', () => {
    const r = parseMoney('9'.repeat(100_000));
    expect(r.ok).toBe(false);
  });
});

describe('parseDate', () => {
  it('never throws; accepts only a real calendar date from 1900-01-01 to 2100-12-31 as YYYY-MM-DD', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString(), dateLike()), (s) => {
        for (const r of [parseDate(s), parseDateCell(s.normalize('NFKC').trim())]) {
          if (r.ok) {
            expect(r.value).toMatch(ISO);
            expect(isDateInRange(r.value)).toBe(true);
          } else expectMessage(r);
        }
      }),
      params,
    );
  });

  it('never throws on numbers (typed spreadsheet cells)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer({ min: -10, max: 3_000_000 })), (n) => {
        const r = parseDate(n);
        if (r.ok) expect(isDateInRange(r.value)).toBe(true);
        else expectMessage(r);
      }),
      params,
    );
  });

  it('reads every accepted form of the same day alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 73_415 }).filter((n) => n !== 60), (serial) => {
        const iso = excelSerialToDate(serial);
        const [y, m, d] = iso.split('-').map(Number);
        for (const form of [iso, `${y}/${m}/${d}`, `${y}.${m}.${d}`, `${y}-${m}-${d}`, `${y}年${m}月${d}日`, `${iso} 08:30`, String(serial)]) {
          // A 4-digit year is needed for the written forms.
          if (form !== String(serial) && y < 1000) continue;
          expect(parseDate(form), form).toEqual({ ok: true, value: iso });
        }
      }),
      params,
    );
  });
});

describe('analyzeUscc and the USCC cell', () => {
  it('never throws; a code is valid exactly when it has no error', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString(30), fc.array(fc.constantFrom(...USCC_ALPHABET, 'I', 'O', 'Z', 'a', ' '), { maxLength: 20 }).map((a) => a.join(''))), (s) => {
        const a = analyzeUscc(s);
        expect(Array.isArray(a.errors)).toBe(true);
        expect(a.valid).toBe(a.errors.length === 0);
        for (const e of a.errors) expect(e.text.en.length).toBeGreaterThan(0);
        const cell = parseUsccCell(s.normalize('NFKC').trim());
        if (cell.ok) expect(cell.value.code).toMatch(/^[0-9A-HJ-NP-RTUWXY]{18}$/);
        else expectMessage(cell);
      }),
      params,
    );
  });

  it('finds every single-character substitution in a valid code', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 999_999 }),
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: USCC_ALPHABET.length - 1 }),
        (d, n, pos, shift) => {
          const code = makeUscc(DIVISIONS[d], 0, n);
          expect(analyzeUscc(code).valid).toBe(true);
          const c = USCC_ALPHABET[(USCC_ALPHABET.indexOf(code[pos]) + shift) % USCC_ALPHABET.length];
          const typo = code.slice(0, pos) + c + code.slice(pos + 1);
          const a = analyzeUscc(typo);
          expect(a.valid, typo).toBe(false);
          // Structurally fine, so the import keeps it with a warning naming the expected character.
          const cell = parseUsccCell(typo);
          expect(cell.ok && cell.value.warning !== null).toBe(true);
        },
      ),
      params,
    );
  });
});

describe('the other cell parsers', () => {
  it('parseBoolean, parseCount and parseAmount never throw', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString(), moneyLike()), fc.constantFrom<'yuan' | 'wan' | null>('yuan', 'wan', null), (s, unit) => {
        const b = parseBoolean(s);
        if (!b.ok) expectMessage(b);
        const c = parseCount(s);
        if (c.ok) expect(Number.isSafeInteger(c.value) && c.value >= 0).toBe(true);
        else expectMessage(c);
        const a = parseAmount(s, unit);
        if (a.ok) expect(Number.isSafeInteger(a.value) && a.value >= 0).toBe(true);
        else expectMessage(a);
      }),
      params,
    );
  });
});

describe('the row parser (src/domain/import-row.ts)', () => {
  const { policy } = loadPolicy();
  const header = matchHeader(APPLICATION_HEADER, APPLICATION_COLUMNS);
  const keys = new Set(APPLICATION_COLUMNS.map((c) => c.key));
  const cellFor = (key: string, n: number) => fc.oneof({ weight: 3, arbitrary: validCell(key, n) }, { weight: 1, arbitrary: hostileString(20) });
  // Rows of random length: mostly valid cells, some hostile, sometimes too few or too many.
  const row = fc
    .tuple(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.integer({ min: -3, max: 3 }),
    )
    .chain(([n, extra]) => fc.tuple(...APPLICATION_HEADER.map((h) => cellFor(h, n)), fc.array(hostileString(10), { maxLength: Math.max(0, extra) })).map((cells) => {
      const base = cells.slice(0, -1) as string[];
      const more = cells[cells.length - 1] as string[];
      return extra < 0 ? base.slice(0, base.length + extra) : [...base, ...more];
    }));

  it('never throws; a refused row has errors that each name a column of the file (or the row itself)', () => {
    expect(header.missing).toEqual([]);
    fc.assert(
      fc.property(row, (cells) => {
        const r = parseApplicationRow(cells, header.map, policy, 'R1');
        if (r.value === null) {
          expect(r.errors.length).toBeGreaterThan(0);
        } else {
          expect(r.errors).toEqual([]);
          expect(r.value.roundId).toBe('R1');
          expect(Number.isSafeInteger(r.value.totalInvestmentFen)).toBe(true);
          expect(r.value.establishedOn).toMatch(ISO);
          expect(r.value.submittedOn).toMatch(ISO);
        }
        for (const e of [...r.errors, ...r.warnings]) {
          // '' is a problem of the whole row (too many fields).
          expect(e.column === '' || keys.has(e.column), e.column).toBe(true);
          const msg = rowErrorText('applications.csv', 17, e);
          expect(msg.en.startsWith('applications.csv:17:')).toBe(true);
          expect(msg.zh.startsWith('applications.csv:17')).toBe(true);
          expect(msg.en.length).toBeGreaterThan('applications.csv:17: '.length);
        }
        rowKeys(cells, header.map);
      }),
      params,
    );
  });

  it('never throws on a header of hostile cells', () => {
    fc.assert(
      fc.property(fc.array(hostileString(20), { maxLength: 30 }), (cells) => {
        const m = matchHeader(cells, APPLICATION_COLUMNS);
        expect(m.recognized).toBeLessThanOrEqual(cells.length);
      }),
      params,
    );
  });
});
