// What every command handler receives: the global options, resolved once.
import { userInfo } from 'node:os';
import type { Lang, Text } from '../domain/text.js';
import { openLedger, type Db } from '../ledger/open.js';
import { detectLang } from './i18n/index.js';
import type { OpContext } from '../ops/context.js';
import { progressBar } from './progress.js';

export interface GlobalOptions {
  db?: string;
  as?: string;
  lang?: string;
  json?: boolean;
  color?: boolean;
  yes?: boolean;
}

export interface Context {
  dbPath: string;
  officer: string;
  lang: Lang;
  json: boolean;
  yes: boolean;
  color: boolean;
  /** ISO-8601 UTC instant; JMFUND_NOW fixes it for reproducible tests. */
  now(): string;
  /** Today's calendar date in the officer's local time zone (China). */
  today(): string;
  t(t: Text): string;
  db(): Db;
  close(): void;
}

function officerName(flag?: string): string {
  if (flag && flag.trim()) return flag.trim();
  if (process.env.JMFUND_OFFICER?.trim()) return process.env.JMFUND_OFFICER.trim();
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function localDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Colour on a terminal; never with --no-color or NO_COLOR; FORCE_COLOR forces it (chalk's convention). */
function colorWanted(flag: boolean | undefined): boolean {
  if (flag === false || process.env.NO_COLOR) return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return !!process.stdout.isTTY;
}

export function makeContext(g: GlobalOptions): Context {
  const lang = detectLang(g.lang);
  const fixed = process.env.JMFUND_NOW;
  const clock = () => (fixed ? new Date(fixed) : new Date());
  let db: Db | undefined;
  const ctx: Context = {
    dbPath: g.db ?? process.env.JMFUND_DB ?? './jmfund.db',
    officer: officerName(g.as),
    lang,
    json: Boolean(g.json),
    yes: Boolean(g.yes),
    color: colorWanted(g.color),
    now: () => clock().toISOString(),
    today: () => (fixed && /^\d{4}-\d{2}-\d{2}$/.test(fixed) ? fixed : localDate(clock())),
    t: (t) => t[lang],
    db: () => (db ??= openLedger(ctx.dbPath)),
    close: () => {
      db?.close();
      db = undefined;
    },
  };
  return ctx;
}

/** The operation's view of a command: the ledger, the officer and the clock. */
export function opContext(ctx: Context): OpContext {
  // Opened on first use: an operation that refuses its input first reports that, not a missing ledger.
  return {
    get db() {
      return ctx.db();
    },
    officer: ctx.officer,
    now: ctx.now,
    today: ctx.today,
    progress: progressBar({ lang: ctx.lang }),
  };
}
