// What every command handler receives: the global options, resolved once.
import { userInfo } from 'node:os';
import { DEFAULT_TIME_ZONE, formatInstant, isTimeZone } from '../domain/dates.js';
import { UserError } from '../domain/errors.js';
import { type Lang, type Text, text } from '../domain/text.js';
import { openLedger, type Db, type LedgerUpgrade } from '../ledger/open.js';
import { detectLang } from './i18n/index.js';
import type { OpContext } from '../ops/context.js';
import { watchLedger, unwatchLedger } from './interrupt.js';
import { progressBar, type ProgressBar } from './progress.js';
import { onSealProgress, type SealListener } from '../ledger/seals.js';
import { reporter } from '../ops/progress.js';

export interface GlobalOptions {
  db?: string;
  as?: string;
  lang?: string;
  tz?: string;
  json?: boolean;
  color?: boolean;
  yes?: boolean;
}

export interface Context {
  dbPath: string;
  officer: string;
  lang: Lang;
  /** IANA zone the terminal and reports show instants in (--tz, else TZ, else Asia/Shanghai). */
  tz: string;
  json: boolean;
  yes: boolean;
  color: boolean;
  /** ISO-8601 UTC instant; JMFUND_NOW fixes it for reproducible tests. */
  now(): string;
  /** Today's calendar date in the officer's time zone (ctx.tz, China by default). */
  today(): string;
  t(t: Text): string;
  /** An ISO instant as the officer reads it: `2022-08-15 14:02` in ctx.tz. */
  instant(iso: string): string;
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

/** Colour on a terminal; never with --no-color or NO_COLOR; FORCE_COLOR forces it (chalk's convention). */
function colorWanted(flag: boolean | undefined): boolean {
  if (flag === false || process.env.NO_COLOR) return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return !!process.stdout.isTTY;
}

/** --tz, else TZ (an IANA name; a POSIX rule such as `CST-8` is not one), else China Standard Time. */
function timeZone(flag: string | undefined): string {
  if (flag !== undefined) {
    if (!isTimeZone(flag)) throw new UserError(text(`--tz「${flag}」不是时区名称；请用 IANA 名称，例如 Asia/Shanghai 或 UTC。`, `--tz "${flag}" is not a time zone; use an IANA name such as Asia/Shanghai or UTC.`), 2);
    return flag;
  }
  const env = process.env.TZ?.replace(/^:/, '');
  return env && isTimeZone(env) ? env : DEFAULT_TIME_ZONE;
}

/** Said on stderr as a ledger made by an older release is brought up to date (README: After upgrading jmfund). */
const upgradeNotice = (u: LedgerUpgrade): Text =>
  text(
    `正在把账本结构从版本 ${u.from} 更新到 ${u.to}（只做一次；大账本需要几秒），原账本已复制为 ${u.backup}`,
    `bringing the ledger's structure from version ${u.from} to ${u.to} (once; seconds on a large ledger); the ledger as it was is copied to ${u.backup}`,
  );

/**
 * Row seals as a phase of `progress` under `label` (a second or so at 10^5 rows), cleared when they are done; a seal
 * too small to tick leaves the bar alone.
 */
function sealBar(progress: ProgressBar, label: Text): SealListener {
  let sealing: ((done: number, total: number) => void) | undefined;
  return {
    tick: (done, total) => (sealing ??= reporter(progress, label, 'rows'))?.(done, total),
    end: () => {
      if (!sealing) return;
      sealing = undefined;
      progress.done();
    },
  };
}

/** The notice, then a bar for the rows the upgrade seals again (seconds at 10^6 applications). */
function upgradeSaid(u: LedgerUpgrade, lang: Lang): SealListener {
  process.stderr.write(`${upgradeNotice(u)[lang]}\n`);
  return sealBar(progressBar({ lang }), text('正在封存升级改写的行', 'sealing the rows the upgrade rewrote'));
}

export function makeContext(g: GlobalOptions): Context {
  const lang = detectLang(g.lang);
  const tz = timeZone(g.tz);
  const fixed = process.env.JMFUND_NOW;
  const clock = () => (fixed ? new Date(fixed) : new Date());
  let db: Db | undefined;
  const ctx: Context = {
    dbPath: g.db ?? process.env.JMFUND_DB ?? './jmfund.db',
    officer: officerName(g.as),
    lang,
    tz,
    json: Boolean(g.json),
    yes: Boolean(g.yes),
    color: colorWanted(g.color),
    now: () => clock().toISOString(),
    today: () => (fixed && /^\d{4}-\d{2}-\d{2}$/.test(fixed) ? fixed : formatInstant(clock().toISOString(), tz).slice(0, 10)),
    t: (t) => t[lang],
    instant: (iso) => formatInstant(iso, tz),
    db: () => (db ??= watchLedger(openLedger(ctx.dbPath, { onUpgrade: (u) => upgradeSaid(u, lang) }))),
    close: () => {
      unwatchLedger();
      db?.close();
      db = undefined;
    },
  };
  return ctx;
}

/** The operation's view of a command: the ledger, the officer and the clock. */
/** A warning on stderr in the officer's language, also under --json (stdout stays the data). */
export function warnOnStderr(ctx: Pick<Context, 't'>, t: Text): void {
  process.stderr.write(`${ctx.t(text('警告：', 'warning: '))}${ctx.t(t)}\n`);
}

export function opContext(ctx: Context): OpContext {
  const progress = progressBar({ lang: ctx.lang });
  // The row seals written at the end of a command's transaction are a phase of its bar.
  const sealListener = sealBar(progress, text('封存所写的行', 'sealing the rows written'));
  // Opened on first use: an operation that refuses its input first reports that, not a missing ledger.
  return {
    get db() {
      const db = ctx.db();
      onSealProgress(db, sealListener);
      return db;
    },
    officer: ctx.officer,
    now: ctx.now,
    today: ctx.today,
    progress,
  };
}
