import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  addYears,
  compareDates,
  dateNumber,
  dateOfNumber,
  isDateNumber,
  dateToExcelSerial,
  daysBetweenInclusive,
  excelSerialToDate,
  formatInstant,
  fullYearsReached,
  inWindow,
  isValidDate,
  parseDate,
} from '../../src/domain/dates.js';

const rejected = (input: string | number) => {
  const r = parseDate(input);
  if (r.ok) throw new Error(`expected ${input} to be rejected, got ${r.value}`);
  return r.error;
};

describe('parseDate accepts', () => {
  it.each<[string | number, string]>([
    ['2021-05-16', '2021-05-16'],
    ['2021-5-16', '2021-05-16'],
    ['2021-5-6', '2021-05-06'],
    ['2021/5/16', '2021-05-16'],
    ['2021/05/16', '2021-05-16'],
    ['2021.5.16', '2021-05-16'],
    ['2021年5月16日', '2021-05-16'],
    ['2021年05月16日', '2021-05-16'],
    ['2021年5月16', '2021-05-16'],
    ['2021 年 5 月 16 日', '2021-05-16'],
    ['２０２１年５月１６日', '2021-05-16'],
    ['  2021-05-16  ', '2021-05-16'],
    ['2021-05-16 00:00:00', '2021-05-16'],
    ['2021/5/16 0:00', '2021-05-16'],
    ['2021-05-16T00:00:00', '2021-05-16'],
    ['2021-05-16 13:45:10', '2021-05-16'],
    ['2020-02-29', '2020-02-29'],
    ['2000-02-29', '2000-02-29'],
    [44332, '2021-05-16'],
    ['44332', '2021-05-16'],
    [44332.75, '2021-05-16'],
    [1, '1900-01-01'],
    ['1', '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'],
    [73415, '2100-12-31'],
    ['2100-12-31', '2100-12-31'],
    ['1900-01-01', '1900-01-01'],
  ])('%j → %s', (input, expected) => {
    expect(parseDate(input)).toEqual({ ok: true, value: expected });
  });
});

describe('parseDate rejects', () => {
  it.each<string | number>([
    '2022-02-30',
    '2021-02-29',
    '1900-02-29',
    '2021-13-01',
    '2021-00-10',
    '2021-04-31',
    '2021-05-00',
    '2021年13月1日',
    '2021/5-16',
    '21-5-16',
    '16/5/2021',
    '2021-05-16 25:00',
    'yesterday',
    '0',
    0,
    -1,
    2958466,
    '2958466',
    73416,
    2958465,
    '9999-12-31',
    '0001-01-01',
    '1899-12-31',
    '2101-01-01',
    '9999年12月31日',
    '20210516',
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ])('%j', (input) => {
    const e = rejected(input);
    expect(e.zh).toContain('可接受的写法');
    expect(e.en).toContain('accepted forms');
    expect(e.en).toContain(String(input));
    expect(e.zh).toContain(String(input));
  });

  it('names dates outside 1900-01-01 … 2100-12-31 as such (typing errors such as 9999-12-31)', () => {
    expect(rejected('9999-12-31').en).toContain('is outside the accepted range 1900-01-01 … 2100-12-31');
    expect(rejected('0001-01-01').zh).toContain('超出可接受的范围（1900-01-01 至 2100-12-31）');
    expect(rejected(2958465).en).toContain('not a valid Excel date serial (1–73415)');
  });

  it('names impossible dates as such', () => {
    expect(rejected('2022-02-30').en).toContain('not a real calendar date');
    expect(rejected('2021-13-01').zh).toContain('不是存在的日期');
  });

  it("rejects Excel's fake 1900-02-29 (serial 60)", () => {
    expect(rejected(60).en).toContain('1900-02-29');
    expect(rejected('60').zh).toContain('1900-02-29');
  });

  it('treats an empty value as empty', () => {
    expect(rejected('').en).toContain('empty');
    expect(rejected('  ').zh).toContain('为空');
  });

  // '2021' is Excel serial 2021 (1905-07-13) per the rule, not a year.
  it('reads a bare number string as a serial', () => {
    expect(parseDate('2021')).toEqual({ ok: true, value: '1905-07-13' });
  });
});

describe('Excel serials', () => {
  it.each([
    [1, '1900-01-01'],
    [2, '1900-01-02'],
    [59, '1900-02-28'],
    [61, '1900-03-01'],
    [25569, '1970-01-01'],
    [36526, '2000-01-01'],
    [44197, '2021-01-01'],
    [44332, '2021-05-16'],
    [2958465, '9999-12-31'],
  ])('%d ↔ %s', (n, d) => {
    expect(excelSerialToDate(n)).toBe(d);
    expect(dateToExcelSerial(d)).toBe(n);
  });

  it('has no serial 60 and nothing before 1900', () => {
    expect(() => excelSerialToDate(60)).toThrow(RangeError);
    expect(() => excelSerialToDate(0)).toThrow(RangeError);
    expect(() => excelSerialToDate(1.5)).toThrow(RangeError);
    expect(() => dateToExcelSerial('1899-12-31')).toThrow(RangeError);
  });

  it('round-trips every serial except 60', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2958465 }).filter((n) => n !== 60), (n) => {
        const d = excelSerialToDate(n);
        expect(isValidDate(d)).toBe(true);
        expect(dateToExcelSerial(d)).toBe(n);
        // A person may state dates up to 2100-12-31 (serial 73415).
        expect(parseDate(n).ok).toBe(n <= 73415);
        if (n <= 73415) expect(parseDate(n)).toEqual({ ok: true, value: d });
      }),
    );
  });

  it('consecutive serials are consecutive days (from 61 on)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 61, max: 2958464 }), (n) => {
        expect(addDays(excelSerialToDate(n), 1)).toBe(excelSerialToDate(n + 1));
      }),
    );
  });
});

describe('isValidDate / compareDates', () => {
  it('accepts only real YYYY-MM-DD dates', () => {
    expect(isValidDate('2021-05-16')).toBe(true);
    expect(isValidDate('2020-02-29')).toBe(true);
    expect(isValidDate('2021-02-29')).toBe(false);
    expect(isValidDate('1900-02-29')).toBe(false);
    expect(isValidDate('2021-5-16')).toBe(false);
    expect(isValidDate('2021-05-16 00:00:00')).toBe(false);
    expect(isValidDate('0000-01-01')).toBe(false);
    expect(isValidDate('')).toBe(false);
  });

  it('orders dates', () => {
    expect(compareDates('2021-05-16', '2021-05-17')).toBeLessThan(0);
    expect(compareDates('2021-12-31', '2021-02-01')).toBeGreaterThan(0);
    expect(compareDates('2021-05-16', '2021-05-16')).toBe(0);
  });
});

describe('dateNumber / dateOfNumber', () => {
  const arbDate = fc.integer({ min: -719_162, max: 2_932_896 }).map((n) => addDays('1970-01-01', n)); // 0001-01-01 … 9999-12-31
  it('round-trips every date and keeps the order of the text', () => {
    fc.assert(
      fc.property(arbDate, arbDate, (a, b) => {
        expect(dateOfNumber(dateNumber(a))).toBe(a);
        expect(Math.sign(dateNumber(a) - dateNumber(b))).toBe(Math.sign(compareDates(a, b)));
      }),
      { numRuns: 2000 },
    );
    expect(dateNumber('2022-03-09')).toBe(20220309);
    expect(dateOfNumber(10101)).toBe('0001-01-01');
  });
  it('refuses what is not a date', () => {
    for (const n of [20220230, 20221301, 20220100, 99991232, 0, 2022030.5]) expect(isDateNumber(n)).toBe(false);
    expect(isDateNumber(20240229)).toBe(true);
    expect(isDateNumber(20230229)).toBe(false);
    expect(() => dateOfNumber(20220230)).toThrow(RangeError);
    expect(() => dateNumber('2022-3-9')).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it.each([
    ['2021-05-16', 1, '2021-05-17'],
    ['2021-05-31', 1, '2021-06-01'],
    ['2021-12-31', 1, '2022-01-01'],
    ['2022-01-01', -1, '2021-12-31'],
    ['2020-02-28', 1, '2020-02-29'],
    ['2020-02-29', 1, '2020-03-01'],
    ['2021-02-28', 1, '2021-03-01'],
    ['2021-03-01', -1, '2021-02-28'],
    ['2021-05-16', 0, '2021-05-16'],
    ['2021-05-16', 365, '2022-05-16'],
    ['2020-01-01', 366, '2021-01-01'],
    ['2021-05-16', 7, '2021-05-23'],
    ['1999-12-31', 1, '2000-01-01'],
  ])('%s + %d = %s', (d, n, expected) => {
    expect(addDays(d, n)).toBe(expected);
  });

  it('refuses invalid dates', () => {
    expect(() => addDays('2021-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2021/5/16', 1)).toThrow(RangeError);
  });
});

describe('addYears', () => {
  it.each([
    ['2021-05-16', 1, '2022-05-16'],
    ['2021-05-16', -3, '2018-05-16'],
    ['2020-02-29', 1, '2021-02-28'],
    ['2020-02-29', 4, '2024-02-29'],
    ['2020-02-29', -3, '2017-02-28'],
    ['2020-02-29', -4, '2016-02-29'],
    ['2021-02-28', -1, '2020-02-28'],
    ['2021-12-31', 1, '2022-12-31'],
  ])('%s + %d years = %s', (d, n, expected) => {
    expect(addYears(d, n)).toBe(expected);
  });
});

describe('daysBetweenInclusive', () => {
  it.each([
    ['2021-05-16', '2021-05-16', 1],
    ['2021-05-16', '2021-05-22', 7],
    ['2021-01-01', '2021-12-31', 365],
    ['2020-01-01', '2020-12-31', 366],
    ['2021-02-27', '2021-03-01', 3],
    ['2021-12-31', '2022-01-01', 2],
    ['2021-05-17', '2021-05-16', 0],
  ])('%s..%s = %d days', (a, b, n) => {
    expect(daysBetweenInclusive(a, b)).toBe(n);
  });

  it('matches addDays', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100000 }), fc.integer({ min: 0, max: 20000 }), (start, n) => {
        const a = addDays('1900-01-01', start);
        expect(daysBetweenInclusive(a, addDays(a, n))).toBe(n + 1);
      }),
    );
  });
});

describe('fullYearsReached', () => {
  it('29 Feb: the first anniversary is 28 Feb of the next year', () => {
    expect(fullYearsReached('2020-02-29', '2021-02-28', 1)).toBe(true);
    expect(fullYearsReached('2020-02-29', '2021-02-27', 1)).toBe(false);
    expect(fullYearsReached('2020-02-29', '2024-02-28', 4)).toBe(false);
    expect(fullYearsReached('2020-02-29', '2024-02-29', 4)).toBe(true);
  });

  it('exactly one year is enough, a day less is not', () => {
    expect(fullYearsReached('2020-05-16', '2021-05-16', 1)).toBe(true);
    expect(fullYearsReached('2020-05-16', '2021-05-15', 1)).toBe(false);
    expect(fullYearsReached('2020-05-16', '2021-05-17', 1)).toBe(true);
    expect(fullYearsReached('2018-05-17', '2021-05-16', 3)).toBe(false);
    expect(fullYearsReached('2018-05-16', '2021-05-16', 3)).toBe(true);
  });

  it('zero years is reached on the day itself', () => {
    expect(fullYearsReached('2021-05-16', '2021-05-16', 0)).toBe(true);
    expect(fullYearsReached('2021-05-17', '2021-05-16', 0)).toBe(false);
  });
});

describe('inWindow', () => {
  it('includes both ends of [asOf − 3 years, asOf]', () => {
    expect(inWindow('2018-05-16', '2021-05-16', 3)).toBe(true);
    expect(inWindow('2018-05-15', '2021-05-16', 3)).toBe(false);
    expect(inWindow('2021-05-16', '2021-05-16', 3)).toBe(true);
    expect(inWindow('2021-05-17', '2021-05-16', 3)).toBe(false);
    expect(inWindow('2019-12-31', '2021-05-16', 3)).toBe(true);
  });

  it('29 Feb − 3 years = 28 Feb', () => {
    expect(inWindow('2021-02-28', '2024-02-29', 3)).toBe(true);
    expect(inWindow('2021-02-27', '2024-02-29', 3)).toBe(false);
  });
});

describe('formatInstant', () => {
  // What ICU reads the clock as, the way formatInstant did before the zones of one offset were read without it.
  const viaIntl = (iso: string, tz: string): string => {
    const f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  };

  it('reads an instant in a zone of one offset as ICU does, from 1986 to 9999', () => {
    const instants = fc.integer({ min: Date.UTC(1986, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59) }).map((t) => new Date(t).toISOString());
    fc.assert(
      fc.property(instants, fc.constantFrom('Asia/Shanghai', 'UTC', 'Etc/UTC'), (iso, tz) => {
        expect(formatInstant(iso, tz)).toBe(viaIntl(iso, tz));
      }),
      { numRuns: 2000 },
    );
    // China's summer time of 1986-1991, the turn of a day, a year and the last one read without ICU.
    for (const iso of ['1991-04-14T18:00:00.000Z', '1991-09-14T16:30:00.000Z', '1991-12-31T15:59:59.999Z', '1991-12-31T16:00:00.000Z', '1992-01-01T00:00:00.000Z', '2022-06-20T15:59:00.000Z', '2022-06-20T16:00:00.000Z', '9999-12-30T23:59:59.999Z']) {
      for (const tz of ['Asia/Shanghai', 'UTC']) expect(formatInstant(iso, tz), `${iso} ${tz}`).toBe(viaIntl(iso, tz));
    }
  });

  it('returns what is not an instant as written', () => {
    expect(formatInstant('2022-06-20')).toBe('2022-06-20');
    expect(formatInstant('—')).toBe('—');
  });
});
