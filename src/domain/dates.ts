// Calendar dates as `YYYY-MM-DD` strings. All arithmetic is on whole days via
// days-from-civil (proleptic Gregorian), so no time zone or DST can shift a date.
import { StoredValueError } from './errors.js';
import { type Result, type Text, ok, err, text } from './text.js';

interface Ymd {
  y: number;
  m: number;
  d: number;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

const daysInMonth = (y: number, m: number): number =>
  m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

const MIN_YEAR = 1;
const MAX_YEAR = 9999;

const validYmd = (y: number, m: number, d: number): boolean =>
  Number.isInteger(y) && y >= MIN_YEAR && y <= MAX_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const fmt = ({ y, m, d }: Ymd): string => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;

// Days since 1970-01-01 (H. Hinnant's days_from_civil); integers only.
function daysFromCivil({ y, m, d }: Ymd): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z0: number): Ymd {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

/** A date value the arithmetic cannot work with (input is checked as it is read: this is a stored value). */
class DateValueError extends StoredValueError {}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function toYmd(s: string, fn: string): Ymd {
  const m = ISO.exec(s);
  if (m) {
    const v = { y: +m[1], m: +m[2], d: +m[3] };
    if (validYmd(v.y, v.m, v.d)) return v;
  }
  // Library callers pass stored dates; a bad one is a programming error.
  throw new DateValueError(`${fn}: not a valid YYYY-MM-DD date: ${JSON.stringify(s)}`);
}

function fromDays(n: number, fn: string): string {
  const v = civilFromDays(n);
  if (v.y < MIN_YEAR || v.y > MAX_YEAR) throw new DateValueError(`${fn}: result outside years 0001–9999`);
  return fmt(v);
}

export function isValidDate(s: string): boolean {
  const m = typeof s === 'string' ? ISO.exec(s) : null;
  return !!m && validYmd(+m[1], +m[2], +m[3]);
}

/** YYYY-MM-DD as the number YYYYMMDD: the same order as the text, and it fits an Int32Array. */
export function dateNumber(d: string): number {
  const v = toYmd(d, 'dateNumber');
  return v.y * 10_000 + v.m * 100 + v.d;
}

export function isDateNumber(n: number): boolean {
  return Number.isInteger(n) && validYmd(Math.floor(n / 10_000), Math.floor(n / 100) % 100, n % 100);
}

/** The date a dateNumber stands for. */
export function dateOfNumber(n: number): string {
  if (!isDateNumber(n)) throw new DateValueError(`dateOfNumber: not a YYYYMMDD date: ${n}`);
  return fmt({ y: Math.floor(n / 10_000), m: Math.floor(n / 100) % 100, d: n % 100 });
}

/** Negative, zero or positive like a sort comparator. */
export function compareDates(a: string, b: string): number {
  // Fixed-width YYYY-MM-DD sorts correctly as text.
  return a < b ? -1 : a > b ? 1 : 0;
}

export function addDays(d: string, n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`addDays: day count must be an integer, got ${n}`);
  return fromDays(daysFromCivil(toYmd(d, 'addDays')) + n, 'addDays');
}

/** Same month and day n years later (n may be negative); 29 Feb in a non-leap year becomes 28 Feb. */
export function addYears(d: string, n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`addYears: year count must be an integer, got ${n}`);
  const v = toYmd(d, 'addYears');
  const y = v.y + n;
  if (y < MIN_YEAR || y > MAX_YEAR) throw new DateValueError('addYears: result outside years 0001–9999');
  return fmt({ y, m: v.m, d: Math.min(v.d, daysInMonth(y, v.m)) });
}

/** Days from a to b counting both ends (a = b gives 1); 0 when b is before a. */
export function daysBetweenInclusive(a: string, b: string): number {
  const n = daysFromCivil(toYmd(b, 'daysBetweenInclusive')) - daysFromCivil(toYmd(a, 'daysBetweenInclusive')) + 1;
  return Math.max(0, n);
}

/** True when the `years`-th anniversary of `established` (29 Feb → 28 Feb) is on or before asOf. */
export function fullYearsReached(established: string, asOf: string, years: number): boolean {
  toYmd(asOf, 'fullYearsReached');
  return anniversaryReached(addYears(established, years), asOf);
}

/** fullYearsReached for an anniversary already computed (addYears): it is on or before asOf. */
export const anniversaryReached = (anniversary: string, asOf: string): boolean => compareDates(anniversary, asOf) <= 0;

/** d lies in [asOf − years, asOf], both ends included; later than asOf is outside. */
export function inWindow(d: string, asOf: string, years: number): boolean {
  toYmd(d, 'inWindow');
  const start = addYears(asOf, -years);
  return compareDates(start, d) <= 0 && compareDates(d, asOf) <= 0;
}

// Excel's 1900 date system: serial 1 = 1900-01-01 and serial 60 is the
// non-existent 1900-02-29 (kept from Lotus 1-2-3), so from 61 on the serial is
// days since 1899-12-30.
const EXCEL_EPOCH = daysFromCivil({ y: 1899, m: 12, d: 30 });
const EXCEL_MAX = 2958465; // 9999-12-31

/** Serial day number → date; throws on 0, 60 (Excel's fake 1900-02-29), fractions and values past 9999-12-31. */
export function excelSerialToDate(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > EXCEL_MAX || n === 60) {
    throw new RangeError(`excelSerialToDate: not a date serial (1–59, 61–${EXCEL_MAX}): ${n}`);
  }
  return fmt(civilFromDays(EXCEL_EPOCH + (n < 60 ? n + 1 : n)));
}

export function dateToExcelSerial(d: string): number {
  const days = daysFromCivil(toYmd(d, 'dateToExcelSerial')) - EXCEL_EPOCH;
  if (days < 2) throw new RangeError(`dateToExcelSerial: dates before 1900-01-01 have no serial: ${d}`);
  return days < 61 ? days - 1 : days;
}

/**
 * The dates a person may state (a fund's dates are within a human lifetime of
 * today): anything outside is a typing error such as 9999-12-31 or 0001-01-01,
 * and would only make date arithmetic fail later.
 */
export const DATE_MIN = '1900-01-01';
export const DATE_MAX = '2100-12-31';
/** Excel's serial of DATE_MAX. */
const SERIAL_MAX = 73415;

/** A real calendar date within DATE_MIN … DATE_MAX (YYYY-MM-DD). */
export function isDateInRange(s: string): boolean {
  return isValidDate(s) && s >= DATE_MIN && s <= DATE_MAX;
}

const ACCEPTED_ZH = `可接受的写法：2021-05-16、2021-5-16、2021/5/16、2021.5.16、2021年5月16日，或 Excel 日期序号（1–${SERIAL_MAX}），日期在 ${DATE_MIN} 至 ${DATE_MAX} 之间`;
const ACCEPTED_EN = `accepted forms: 2021-05-16, 2021-5-16, 2021/5/16, 2021.5.16, 2021年5月16日, or an Excel date serial (1–${SERIAL_MAX}), from ${DATE_MIN} to ${DATE_MAX}`;

const dateError = (value: string, zhWhy: string, enWhy: string): Text =>
  text(`日期「${value}」${zhWhy}；${ACCEPTED_ZH}`, `date "${value}" ${enWhy}; ${ACCEPTED_EN}`);

function serialResult(n: number, shown: string): Result<string> {
  if (n === 60) {
    return err(
      dateError(shown, '是 Excel 虚构的 1900-02-29（序号 60），该日期不存在', 'is Excel serial 60, the non-existent 1900-02-29'),
    );
  }
  if (n < 1 || n > SERIAL_MAX) {
    return err(dateError(shown, `不是有效的 Excel 日期序号（1–${SERIAL_MAX}）`, `is not a valid Excel date serial (1–${SERIAL_MAX})`));
  }
  return ok(excelSerialToDate(n));
}

// Separated forms; one separator used throughout. A trailing time of day
// (from spreadsheet exports) is ignored.
const SEPARATED = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const CHINESE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$/u;
const TIME = /(?:\s+|T)([01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?$/;

/** Parses a date written in one of the accepted forms into `YYYY-MM-DD`. */
export function parseDate(input: string | number): Result<string> {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) {
      return err(dateError(String(input), '不是有效的 Excel 日期序号', 'is not a valid Excel date serial'));
    }
    // A fractional serial carries a time of day; the date is the whole part.
    return serialResult(Math.floor(input), String(input));
  }
  const raw = String(input ?? '');
  let s = raw.normalize('NFKC').trim();
  if (s === '') return err(text(`日期为空；${ACCEPTED_ZH}`, `date is empty; ${ACCEPTED_EN}`));
  if (/^\d+$/.test(s)) {
    return s.length > 7
      ? err(dateError(raw, `不是有效的 Excel 日期序号（1–${SERIAL_MAX}）`, `is not a valid Excel date serial (1–${SERIAL_MAX})`))
      : serialResult(Number(s), raw);
  }
  s = s.replace(TIME, '');
  const m = SEPARATED.exec(s);
  const c = m ? null : CHINESE.exec(s);
  const parts = m ? [m[1], m[3], m[4]] : c ? [c[1], c[2], c[3]] : null;
  if (!parts) return err(dateError(raw, '无法识别', 'is not a recognised date'));
  const [y, mo, d] = parts.map(Number);
  if (!validYmd(y, mo, d)) {
    return err(dateError(raw, '不是存在的日期', 'is not a real calendar date'));
  }
  const date = fmt({ y, m: mo, d });
  if (date < DATE_MIN || date > DATE_MAX) {
    return err(dateError(raw, `超出可接受的范围（${DATE_MIN} 至 ${DATE_MAX}）`, `is outside the accepted range ${DATE_MIN} … ${DATE_MAX}`));
  }
  return ok(date);
}

/** The officers' clock: China Standard Time unless --tz or TZ names another zone. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** Whether `tz` is an IANA time zone this Node knows (e.g. Asia/Shanghai, UTC). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const instantFormats = new Map<string, Intl.DateTimeFormat>();

const FIXED_OFFSET_MINUTES = new Map([
  ['Asia/Shanghai', 480],
  ['UTC', 0],
  ['Etc/UTC', 0],
]);
const FIXED_FROM = Date.UTC(1992, 0, 1);
// Four-digit local years, as toISOString writes them.
const FIXED_UNTIL = Date.UTC(9999, 11, 31);

/**
 * An ISO instant as an officer reads it: `2022-08-15 14:02` in `tz`. Anything
 * that is not an instant (a plain date, a dash) is returned as written.
 */
export function formatInstant(iso: string, tz: string = DEFAULT_TIME_ZONE): string {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso)) return iso;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  // The zones of one offset since 1992 (China's last summer time ended in 1991): the clock read without Intl,
  // whose first formatter of a zone is slow to make, once per command.
  const fixed = FIXED_OFFSET_MINUTES.get(tz);
  if (fixed !== undefined && t >= FIXED_FROM && t < FIXED_UNTIL) {
    const local = new Date(t + fixed * 60_000).toISOString();
    return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
  }
  let f = instantFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    instantFormats.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
