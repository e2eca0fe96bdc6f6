// A progress bar on stderr, only on a terminal: rows (or pages) done, rate and
// time left, redrawn at most ten times a second; nothing at all when stderr is
// piped or in CI, and nothing for work that ends within the first half second.
import type { Lang, Text } from '../domain/text.js';
import { text } from '../domain/text.js';
import type { Progress, ProgressUnit } from '../ops/progress.js';
import { displayWidth } from '../domain/reports/model.js';

export interface BarStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export interface BarOptions {
  lang: Lang;
  stream?: BarStream;
  /** Milliseconds; performance.now() unless a test gives its own clock. */
  clock?: () => number;
  /** Nothing is drawn before this many ms into the work. */
  delayMs?: number;
  /** At most one redraw per this many ms. */
  everyMs?: number;
}

export interface ProgressBar extends Progress {
  /** Clears the bar line (before a diagnostic is written); the next tick draws it again. */
  clear(): void;
}

const UNITS: Readonly<Record<ProgressUnit, Text>> = {
  rows: text('行', 'rows'),
  applications: text('件', 'applications'),
  pages: text('页', 'pages'),
  bytes: text('字节', 'bytes'),
  checks: text('项检查', 'checks'),
  draws: text('次抽样', 'draws'),
};

const count = (n: number): string => Math.round(n).toLocaleString('en');

/** `12 s`, `3 min 05 s`, `1 h 02 min` / `12 秒`, `3 分 05 秒`, `1 时 02 分`. */
export function duration(seconds: number, lang: Lang): string {
  const s = Math.max(0, Math.round(seconds));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  if (lang === 'zh') return h ? `${h} 时 ${two(m)} 分` : m ? `${m} 分 ${two(sec)} 秒` : `${sec} 秒`;
  return h ? `${h} h ${two(m)} min` : m ? `${m} min ${two(sec)} s` : `${sec} s`;
}

/** Whether a bar would be drawn on this stream: a terminal, not CI. */
function barWanted(stream: BarStream = process.stderr): boolean {
  return !!stream.isTTY && !process.env.CI;
}

/** Seconds into a phase before its rate (and the time left) is shown. */
const MIN_RATE_SECONDS = 0.2;
/**
 * How far back the rate looks once the bar has been drawn a while: the work's
 * recent speed, so that a slow start (a check setting up before its first
 * groups) does not make the time left hours long, nor keep it too long after.
 */
const RATE_WINDOW_MS = 3000;
/** Before any draw to measure from, a rate from the phase's start is trusted for the time left from this share of the work done. */
const TRUSTED_START_SHARE = 0.01;

// The bar whose line is on the screen now, if any (one at a time: they share stderr).
let onScreen: ProgressBar | null = null;

/**
 * Clears the bar line left on the screen, if any: before a command's result or
 * its error is written (an operation that fails or is refused in the middle
 * of a phase never got to clear it).
 */
export function clearProgressLine(): void {
  onScreen?.clear();
}

/** A progress bar for an operation; silent (but callable) when stderr is not a terminal. */
export function progressBar(opts: BarOptions): ProgressBar {
  const stream = opts.stream ?? process.stderr;
  // A terminal that reports no size (0 columns: a pseudo-terminal nobody sized) is taken as 80 wide, as the tables do.
  const width = (): number => stream.columns || 80;
  const on = barWanted(stream);
  const clock = opts.clock ?? (() => performance.now());
  // JMFUND_PROGRESS_DELAY_MS: the tests draw at once on a pseudo-terminal.
  const delay = opts.delayMs ?? (Number(process.env.JMFUND_PROGRESS_DELAY_MS) || 500);
  const every = opts.everyMs ?? 100;
  const t = (x: Text) => x[opts.lang];
  let started = -1;
  let phaseStart = 0;
  let label: Text = text('', '');
  let total: number | null = null;
  let unit: ProgressUnit = 'rows';
  let estimated = false;
  let lastDraw = -Infinity;
  let shown = false;
  // The bar's width in this phase so far: it only narrows, so that a shorter text (10 s left, then 9 s) does not widen it by a column and back.
  let barRoom = Infinity;
  // [time, done] at this phase's draws (once it has run MIN_RATE_SECONDS), the oldest within RATE_WINDOW_MS of now first.
  let samples: [number, number][] = [];

  /** Rows per second lately, and whether it comes from draws (else from the phase's start); 0 when it says nothing yet. */
  const rateAt = (done: number, now: number): { rate: number; fromDraws: boolean } => {
    while (samples.length > 1 && now - samples[1][0] >= RATE_WINDOW_MS) samples.shift();
    const first = samples[0];
    if (first && now - first[0] >= MIN_RATE_SECONDS * 1000) return { rate: Math.max(0, done - first[1]) / ((now - first[0]) / 1000), fromDraws: true };
    const secs = (now - phaseStart) / 1000;
    // A rate from the first instants of a phase says nothing (a first tick can come a microsecond in).
    return { rate: secs >= MIN_RATE_SECONDS ? done / secs : 0, fromDraws: false };
  };

  const line = (done: number, now: number): string => {
    const measured = rateAt(done, now);
    if ((now - phaseStart) / 1000 >= MIN_RATE_SECONDS) samples.push([now, done]);
    let rate = measured.rate;
    const u = t(UNITS[unit]);
    const parts: string[] = [];
    if (total !== null && total > 0) {
      // An estimated total (the lines of a file, from its size) passed by the count: the count is the total so far.
      const all = estimated ? Math.max(total, done) : total;
      const f = Math.min(1, done / all);
      // Two rows in the first half second of a check setting up: a rate from that would say hours are left.
      if (!measured.fromDraws && done < all * TRUSTED_START_SHARE) rate = 0;
      parts.push(`${count(done)}/${estimated ? '≈' : ''}${count(all)} ${u}`);
      if (rate > 0) parts.push(`${count(rate)} ${u}${opts.lang === 'zh' ? '/秒' : '/s'}`);
      if (rate > 0 && done < all) {
        // Never "0 s left" while work is left: at least a second.
        const left = Math.max(1, (all - done) / rate);
        parts.push(opts.lang === 'zh' ? `剩余${estimated ? '约 ' : ' '}${duration(left, 'zh')}` : `${estimated ? 'about ' : ''}${duration(left, 'en')} left`);
      }
      const head = `${t(label)} `;
      const tail = ` ${String(Math.floor(f * 100)).padStart(3)}% ${parts.join(' · ')}`;
      const columns = width() - 1;
      const room = Math.min(30, barRoom, columns - displayWidth(head) - displayWidth(tail) - 2);
      if (room >= 5) {
        barRoom = room;
        const full = Math.round(f * room);
        return `${head}[${'#'.repeat(full)}${'-'.repeat(room - full)}]${tail}`;
      }
      return fit(`${head}${tail.trimStart()}`, columns);
    }
    parts.push(`${count(done)} ${u}`);
    if (rate > 0) parts.push(`${count(rate)} ${u}${opts.lang === 'zh' ? '/秒' : '/s'}`);
    return fit(`${t(label)} ${parts.join(' · ')}`, width() - 1);
  };

  const bar: ProgressBar = {
    phase(l, n, u, about) {
      const now = clock();
      if (started < 0) started = now;
      phaseStart = now;
      label = l;
      total = n;
      unit = u;
      estimated = about === true;
      lastDraw = -Infinity;
      barRoom = Infinity;
      samples = [];
    },
    tick(done) {
      if (!on) return;
      const now = clock();
      if (started < 0) bar.phase(label, total, unit);
      if (now - started < delay || now - lastDraw < every) return;
      lastDraw = now;
      shown = true;
      onScreen = bar;
      stream.write(`\r${line(done, now)}\x1b[K`);
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
      if (onScreen === bar) onScreen = null;
      lastDraw = -Infinity;
    },
    done() {
      bar.clear();
      started = -1;
    },
  };
  return bar;
}

/** The longest prefix of s that takes at most `columns` terminal columns. */
function fit(s: string, columns: number): string {
  if (displayWidth(s) <= columns) return s;
  let out = '';
  for (const ch of s) {
    if (displayWidth(out + ch) > columns - 1) break;
    out += ch;
  }
  return `${out}…`;
}
