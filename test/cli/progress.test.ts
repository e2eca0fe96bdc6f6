// The progress bar: drawn on a terminal only, after the first half second, at
// most every 100 ms, with count, rate and time left; cleared at the end; never
// wider than the terminal. A fake clock: nothing here depends on real time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearProgressLine, duration, progressBar, type BarStream } from '../../src/cli/progress.js';
import { displayWidth } from '../../src/domain/reports/model.js';
import { text } from '../../src/domain/text.js';

function fake(isTTY: boolean, columns = 100) {
  const writes: string[] = [];
  const stream: BarStream = { isTTY, columns, write: (s: string) => writes.push(s) };
  let now = 0;
  return { writes, stream, clock: () => now, at: (ms: number) => (now = ms) };
}

describe('progress bar', () => {
  // CI turns the bar off; these tests draw on a pretend terminal.
  beforeEach(() => {
    vi.stubEnv('CI', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('draws nothing when stderr is not a terminal', () => {
    const f = fake(false);
    const bar = progressBar({ lang: 'en', stream: f.stream, clock: f.clock });
    bar.phase(text('导入', 'import'), 100_000, 'rows');
    for (let i = 1; i <= 100; i++) {
      f.at(i * 100);
      bar.tick(i * 1000);
    }
    bar.done();
    expect(f.writes).toEqual([]);
  });

  it('draws nothing for work that ends within the delay', () => {
    const f = fake(true);
    const bar = progressBar({ lang: 'en', stream: f.stream, clock: f.clock });
    bar.phase(text('导入', 'import'), 1000, 'rows');
    f.at(400);
    bar.tick(1000);
    bar.done();
    expect(f.writes).toEqual([]);
  });

  it('shows count, percentage, rate and time left, at most every 100 ms, and clears itself', () => {
    const f = fake(true);
    const bar = progressBar({ lang: 'en', stream: f.stream, clock: f.clock });
    bar.phase(text('导入', 'import'), 100_000, 'rows');
    f.at(1000);
    bar.tick(25_000);
    f.at(1050);
    bar.tick(26_000); // too soon: not drawn
    f.at(2000);
    bar.tick(50_000);
    bar.done();
    expect(f.writes).toHaveLength(3);
    expect(f.writes[0]).toMatch(/^\rimport \[#+-+\]  25% 25,000\/100,000 rows · 25,000 rows\/s · 3 s left\x1b\[K$/);
    expect(f.writes[1]).toContain(' 50% 50,000/100,000 rows · 25,000 rows/s · 2 s left');
    expect(f.writes[2]).toBe('\r\x1b[K');
  });

  it('is cleared from outside (a command’s result or error) when one was left on the screen, and only then', () => {
    const f = fake(true);
    const bar = progressBar({ lang: 'en', stream: f.stream, clock: f.clock });
    bar.phase(text('导入', 'import'), 100_000, 'rows');
    clearProgressLine();
    expect(f.writes).toEqual([]);
    f.at(1000);
    bar.tick(25_000);
    // The operation failed here, in the middle of its phase: what prints the error clears the line first.
    clearProgressLine();
    expect(f.writes.slice(1)).toEqual(['\r\x1b[K']);
    clearProgressLine();
    expect(f.writes).toHaveLength(2);
    // Drawn again, then cleared by its own end: nothing left for the result to clear.
    f.at(1200);
    bar.tick(30_000);
    bar.done();
    clearProgressLine();
    expect(f.writes.slice(2).map((w) => w.startsWith('\rimport'))).toEqual([true, false]);
    expect(f.writes).toHaveLength(4);
  });

  it('keeps its bar as narrow as it has been in the phase: a shorter text (10 s left, then 9 s) does not widen it and back', () => {
    const f = fake(true, 80);
    const bar = progressBar({ lang: 'en', stream: f.stream, clock: f.clock });
    const widths = (from: number) => f.writes.slice(from).map((w) => /\[([#-]+)\]/.exec(w)?.[1].length ?? 0);
    bar.phase(text('导入', 'import'), 100_000, 'rows');
    for (let s = 1; s <= 19; s++) {
      f.at(s * 1000);
      bar.tick(s * 5000);
    }
    const first = widths(0);
    expect(first.every((w) => w >= 5)).toBe(true);
    expect(first.every((w, i) => i === 0 || w <= first[i - 1]), first.join(' ')).toBe(true);
    // The text got shorter on the way (19 s left, then 9 s): the bar did not follow it back.
    expect(f.writes.some((w) => w.includes(' 10 s left')) && f.writes.some((w) => w.includes(' 9 s left'))).toBe(true);
    for (const w of f.writes) expect(displayWidth(w.replace(/\r|\x1b\[K/g, ''))).toBeLessThanOrEqual(79);
    // A new phase starts from the room it has.
    const at = f.writes.length;
    bar.phase(text('封存', 'sealing'), 100, 'rows');
    f.at(30_000);
    bar.tick(50);
    expect(widths(at)[0]).toBeGreaterThan(first[first.length - 1]);
  });

  it('says at least a second is left while the work is not done, never 0 s', () => {
    const f = fake(true);
    const bar = progressBar({ lang: 'zh', stream: f.stream, clock: f.clock });
    bar.phase(text('导入', 'import'), 100_000, 'rows', true);
    f.at(1000);
    bar.tick(99_900);
    expect(f.writes[0]).toContain('99,900/≈100,000 行 · 99,900 行/秒 · 剩余约 1 秒');
  });

  it('a later phase drawn at its first instants shows its count but no rate or time left until it has run a moment', () => {
    const f = fake(true);
    const bar = progressBar({ lang: 'en', stream: f.stream, clock: f.clock });
    bar.phase(text('读取', 'reading'), 10_000, 'rows');
    f.at(1000);
    bar.tick(10_000);
    bar.phase(text('封存', 'sealing'), 80_000, 'rows');
    f.at(1000.001);
    bar.tick(4096);
    f.at(1500);
    bar.tick(40_000);
    expect(f.writes[1]).toMatch(/^\rsealing \[#+-+\]   5% 4,096\/80,000 rows\x1b\[K$/);
    expect(f.writes[2]).toContain(' 50% 40,000/80,000 rows · 80,000 rows/s · 1 s left');
  });

  it('a slow start (a check setting up) shows no rate or time left on its first frame, and the time left follows the recent speed, not the start', () => {
    const f = fake(true);
    const bar = progressBar({ lang: 'en', stream: f.stream, clock: f.clock });
    bar.phase(text('核查资格', 'checking'), 200_000, 'applications');
    // Half a second of setting up, then a ramp, then 30,000 a second.
    const at = (ms: number, done: number) => {
      f.at(ms);
      bar.tick(done);
    };
    at(500, 2);
    at(1000, 932);
    at(1500, 1946);
    for (let ms = 2000, done = 16_946; ms <= 5000; ms += 500, done += 15_000) at(ms, done);
    expect(f.writes[0]).toMatch(/^\rchecking \[-+\]   0% 2\/200,000 applications\x1b\[K$/);
    // At 5 s: 106,946 done; the last three seconds ran at 30,000 a second (from the start it averages 21,389).
    const last = f.writes[f.writes.length - 1];
    expect(last).toContain('106,946/200,000 applications · 30,000 applications/s · 3 s left');
  });

  it('marks an estimated total (a file’s lines from its size) and its time left as about, and never shows more done than all', () => {
    const f = fake(true);
    const bar = progressBar({ lang: 'en', stream: f.stream, clock: f.clock });
    bar.phase(text('正在导入', 'importing'), 100_000, 'rows', true);
    f.at(1000);
    bar.tick(25_000);
    f.at(5000);
    bar.tick(101_000);
    expect(f.writes[0]).toMatch(/^\rimporting \[#+-+\]  25% 25,000\/≈100,000 rows · 25,000 rows\/s · about 3 s left\x1b\[K$/);
    expect(f.writes[1]).toContain('100% 101,000/≈101,000 rows');
    expect(f.writes[1]).not.toContain('left');
    const zh = fake(true);
    const b = progressBar({ lang: 'zh', stream: zh.stream, clock: zh.clock });
    b.phase(text('正在导入', 'importing'), 100_000, 'rows', true);
    zh.at(1000);
    b.tick(25_000);
    expect(zh.writes[0]).toContain('25,000/≈100,000 行 · 25,000 行/秒 · 剩余约 3 秒');
  });

  it('speaks Chinese, counts pages, and without a total shows count and rate', () => {
    const f = fake(true);
    const bar = progressBar({ lang: 'zh', stream: f.stream, clock: f.clock });
    bar.phase(text('备份', 'backup'), null, 'pages');
    f.at(2000);
    bar.tick(4000);
    expect(f.writes[0]).toBe('\r备份 4,000 页 · 2,000 页/秒\x1b[K');
    bar.phase(text('校验副本', 'checking the copy'), 300, 'pages');
    f.at(2600);
    bar.tick(150);
    expect(f.writes[1]).toMatch(/^\r校验副本 \[#+-+\]  50% 150\/300 页 · 250 页\/秒 · 剩余 1 秒\x1b\[K$/);
  });

  it('never draws a line wider than the terminal', () => {
    for (const columns of [20, 40, 60, 200]) {
      const f = fake(true, columns);
      const bar = progressBar({ lang: 'zh', stream: f.stream, clock: f.clock });
      bar.phase(text('核查资格（按统一社会信用代码分组）', 'check'), 1_000_000, 'applications');
      f.at(5000);
      bar.tick(123_456);
      const shown = f.writes[0].replace(/^\r/, '').replace(/\x1b\[K$/, '');
      expect(displayWidth(shown)).toBeLessThan(columns);
    }
  });

  it('draws the bar on a terminal that reports no width (a pseudo-terminal nobody sized), as 80 columns wide', () => {
    for (const columns of [0, undefined]) {
      const f = fake(true);
      f.stream.columns = columns;
      const bar = progressBar({ lang: 'en', stream: f.stream, clock: f.clock });
      bar.phase(text('汇总评分', 'aggregating scores'), 100_000, 'applications');
      f.at(1000);
      bar.tick(20_000);
      const shown = f.writes[0].replace(/^\r/, '').replace(/\x1b\[K$/, '');
      expect(shown).toMatch(/^aggregating scores 20% 20,000\/100,000 applications · 20,000 applications\/s/);
      expect(displayWidth(shown)).toBeLessThan(80);
    }
  });

  it('formats durations', () => {
    expect(duration(12.4, 'en')).toBe('12 s');
    expect(duration(185, 'en')).toBe('3 min 05 s');
    expect(duration(3720, 'zh')).toBe('1 时 02 分');
  });
});
