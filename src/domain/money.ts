// Money is integer fen (分) held in a JS number that is a safe integer; a sum
// of many amounts is a bigint (exact past 2^53). Parsing works on the digit
// string and BigInt so no binary float ever touches an amount (0.1 + 0.2
// style errors would move fen).
import { StoredValueError } from './errors.js';
import { type Result, type Text, ok, err, text } from './text.js';

const MAX_FEN = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The largest amount any money input may be (SPEC §14): 1,000,000,000,000.00
 * yuan. Far above any fund, and small enough that every single amount is
 * exact in a double; sums of them are kept as bigint.
 */
export const MAX_MONEY_FEN = 100_000_000_000_000;
const MAX_MONEY = BigInt(MAX_MONEY_FEN);

const ACCEPTED_ZH =
  '可接受的写法：1234567.89、1,234,567.89、¥1,234,567、1234567元、123.45万、123.45万元（不能为负数；以元计最多两位小数，以万元计最多六位小数）';
const ACCEPTED_EN =
  'accepted forms: 1234567.89, 1,234,567.89, ¥1,234,567, 1234567元, 123.45万, 123.45万元 (not negative; at most 2 decimals in yuan, at most 6 decimals in 万 = 10,000 yuan)';

const moneyError = (value: string, zhWhy: string, enWhy: string): Text =>
  text(`金额「${value}」${zhWhy}；${ACCEPTED_ZH}`, `amount "${value}" ${enWhy}; ${ACCEPTED_EN}`);

// Integer part: plain digits, or groups of three separated by commas.
const AMOUNT =
  /^(?<cur>[¥])?\s*(?<int>\d+|\d{1,3}(?:,\d{3})+)(?:\.(?<frac>\d+))?\s*(?<unit>万元|万|元)?$/u;

/** Parses a yuan amount into fen; see ACCEPTED_EN for the forms. */
export function parseMoney(input: string): Result<number> {
  const raw = String(input ?? '');
  // Callers normally NFKC-normalise; doing it again is harmless and maps
  // full-width digits, commas, points and ￥ to their ASCII forms.
  const s = raw.normalize('NFKC').trim();
  if (s === '') {
    return err(text(`金额为空；${ACCEPTED_ZH}`, `amount is empty; ${ACCEPTED_EN}`));
  }
  if (/^[¥]?\s*[-−]/u.test(s)) {
    return err(moneyError(raw, '是负数，金额不能为负', 'is negative; amounts cannot be negative'));
  }
  const m = AMOUNT.exec(s);
  if (!m || !m.groups) {
    return err(moneyError(raw, '无法识别', 'is not a recognised amount'));
  }
  const intDigits = m.groups.int.replace(/,/g, '');
  const frac = m.groups.frac ?? '';
  const unit = m.groups.unit ?? '';
  const wan = unit.startsWith('万');
  // Number of decimals that still name a whole fen: 2 for yuan, 6 for 万.
  const places = wan ? 6 : 2;
  const kept = frac.slice(0, places);
  const dropped = frac.slice(places);
  if (/[1-9]/.test(dropped)) {
    return err(
      wan
        ? moneyError(raw, '含不足一分的零头（以万元计最多六位小数）', 'has a fraction of a fen (at most 6 decimals in 万)')
        : moneyError(raw, '含不足一分的零头（以元计最多两位小数）', 'has a fraction of a fen (at most 2 decimals in yuan)'),
    );
  }
  // Yuan with 2 decimals and 万 with 6 decimals are both an exact count of fen.
  const fen = BigInt(intDigits + kept.padEnd(places, '0'));
  if (fen > MAX_MONEY) return err(aboveMoneyLimit(raw));
  return ok(Number(fen));
}

/** The refusal of an amount above MAX_MONEY_FEN: names the value and the limit. */
export function aboveMoneyLimit(value: string): Text {
  const limit = formatYuan(MAX_MONEY_FEN);
  return text(`金额「${value}」超过金额上限 ${limit} 元`, `amount "${value}" exceeds the limit of ${limit} yuan for any amount`);
}

function assertFen(fen: number, what: string): void {
  if (!Number.isSafeInteger(fen)) {
    throw new StoredValueError(`${what}: fen must be a safe integer, got ${fen}`);
  }
}

function splitYuan(fen: number | bigint): { sign: string; yuan: string; cents: string } {
  if (typeof fen === 'bigint') {
    const abs = fen < 0n ? -fen : fen;
    const cents = Number(abs % 100n);
    return { sign: fen < 0n ? '-' : '', yuan: String(abs / 100n), cents: cents < 10 ? `0${cents}` : String(cents) };
  }
  assertFen(fen, 'formatYuan');
  // Exact in doubles: |fen| is a safe integer, and so is |fen| − cents, a multiple of 100.
  const abs = Math.abs(fen);
  const cents = abs % 100;
  return { sign: fen < 0 ? '-' : '', yuan: String((abs - cents) / 100), cents: cents < 10 ? `0${cents}` : String(cents) };
}

/** `1,234,567.89`: thousands separators, two decimals, `-` for negatives; a bigint sum is exact at any size. */
export function formatYuan(fen: number | bigint): string {
  // An amount below 1,000 yuan has no separator: as yuanPlain writes it.
  if (typeof fen === 'number' && fen < 100_000 && fen > -100_000) return yuanPlain(fen);
  const { sign, yuan, cents } = splitYuan(fen);
  if (yuan.length <= 3) return `${sign}${yuan}.${cents}`;
  // A loop, not a look-ahead regex: allocate prints two amounts for each of 10^6 lines.
  const head = ((yuan.length - 1) % 3) + 1;
  let grouped = yuan.slice(0, head);
  for (let k = head; k < yuan.length; k += 3) grouped += `,${yuan.slice(k, k + 3)}`;
  return `${sign}${grouped}.${cents}`;
}

/** `1234567.89`: no separators, for CSV and machine-read output. */
export function yuanPlain(fen: number | bigint): string {
  // A number without splitYuan's parts (reports write millions of amounts); the same text.
  if (typeof fen === 'number' && Number.isSafeInteger(fen)) {
    const abs = Math.abs(fen);
    const cents = abs % 100;
    return `${fen < 0 ? '-' : ''}${(abs - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
  }
  const { sign, yuan, cents } = splitYuan(fen);
  return `${sign}${yuan}.${cents}`;
}

/** Rounds down to a multiple of unitFen (e.g. 100 = whole yuan), so a cap is never exceeded by rounding. */
export function floorToUnit(fen: number, unitFen: number): number {
  assertFen(fen, 'floorToUnit');
  if (!Number.isSafeInteger(unitFen) || unitFen <= 0) {
    throw new RangeError(`floorToUnit: unit must be a positive integer number of fen, got ${unitFen}`);
  }
  // % is exact on safe integers, unlike Math.floor(fen / unit) near 2^53.
  let r = fen % unitFen;
  if (r < 0) r += unitFen;
  return fen - r;
}

/** ⌊fen × numerator / denominator⌋ in exact integer arithmetic. */
export function mulRatioFloor(fen: number, numerator: number, denominator: number): number {
  assertFen(fen, 'mulRatioFloor');
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new RangeError(
      `mulRatioFloor: numerator and denominator must be safe integers, denominator non-zero; got ${numerator}/${denominator}`,
    );
  }
  const product = fen * numerator;
  if (fen >= 0 && numerator >= 0 && denominator > 0 && Number.isSafeInteger(product)) {
    // The product is exact, so is its remainder, and (product − r) / d divides exactly.
    return (product - (product % denominator)) / denominator;
  }
  let n = BigInt(fen) * BigInt(numerator);
  let d = BigInt(denominator);
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  // BigInt division truncates toward zero; step down for negative quotients.
  let q = n / d;
  if (n % d !== 0n && n < 0n) q -= 1n;
  if (q > MAX_FEN || q < -MAX_FEN) {
    throw new RangeError(`mulRatioFloor: result ${q} fen is beyond the safe integer range`);
  }
  return Number(q);
}

/** A sum as a plain number while a double holds it exactly, else the bigint itself (JSON writers print its digits). */
export function fenValue(fen: bigint): number | bigint {
  return fen <= MAX_FEN && fen >= -MAX_FEN ? Number(fen) : fen;
}
