// Option values from the command line into plain values, with the usage error
// (exit 2) that names the option. Rules about the values live in the domain.
import { compareDates, parseDate } from '../domain/dates.js';
import { UserError } from '../domain/errors.js';
import { parseMoney } from '../domain/money.js';
import { text } from '../domain/text.js';

export function dateOption(name: string, value: string): string {
  const r = parseDate(value);
  if (!r.ok) throw new UserError(text(`--${name}：${r.error.zh}`, `--${name}: ${r.error.en}`), 2);
  return r.value;
}

/** A date the officer states for something that has happened: never later than today. */
export function pastDateOption(name: string, value: string | undefined, today: string): string {
  const d = value === undefined ? today : dateOption(name, value);
  if (compareDates(d, today) > 0) {
    throw new UserError(text(`--${name} ${d} 晚于今天（${today}）；只能记录已经发生的事。`, `--${name} ${d} is after today (${today}); only what has happened can be recorded.`), 2);
  }
  return d;
}

export function moneyOption(name: string, value: string): number {
  const r = parseMoney(value);
  if (!r.ok) throw new UserError(text(`--${name}：${r.error.zh}`, `--${name}: ${r.error.en}`), 2);
  return r.value;
}

export function countOption(name: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  const s = value.normalize('NFKC').trim();
  if (!/^\d{1,9}$/.test(s)) throw new UserError(text(`--${name}「${value}」应为非负整数。`, `--${name} "${value}" must be a whole number ≥ 0.`), 2);
  return Number(s);
}

/**
 * Free text an officer types (a reason, a note, an objection): stored exactly as
 * typed, full-width punctuation included (，is not ,); only the ends are trimmed.
 */
export function requiredTextOption(name: string, value: string | undefined): string {
  const s = (value ?? '').trim();
  if (s === '') throw new UserError(text(`--${name} 不能为空。`, `--${name} must not be empty.`), 2);
  return s;
}

/** A count of at least one (e.g. --limit N). */
export function positiveCountOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const s = value.normalize('NFKC').trim();
  if (!/^\d{1,9}$/.test(s) || Number(s) < 1) throw new UserError(text(`--${name} ${value}：应为正整数`, `--${name} ${value}: expected a positive whole number`), 2);
  return Number(s);
}
