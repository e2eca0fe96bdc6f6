// The HTML reports in a real browser (headless Chromium, Debian's package,
// installed by scripts/ensure-chromium.sh when missing): each page loads with
// no console message, draws its SVG charts, prints to PDF and screenshots.
// The pages are the golden files of report.test.ts (the real output of
// `jmfund report … --format html` on the fixture round), plus one made here
// with hostile text.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from '../../src/io/exporters/html.js';
import type { Report } from '../../src/domain/reports/model.js';
import { text } from '../../src/domain/text.js';
import { ROOT, tempDir } from '../helpers.js';

function findChromium(): { bin: string | null; why: string } {
  const r = spawnSync('sh', [join(ROOT, 'scripts', 'ensure-chromium.sh')], { encoding: 'utf8', timeout: 600_000 });
  const bin = r.stdout.trim().split('\n').pop() ?? '';
  return r.status === 0 && bin ? { bin, why: '' } : { bin: null, why: r.stderr.trim() || `ensure-chromium.sh exited ${r.status}` };
}

const chromium = findChromium();
if (!chromium.bin) process.stderr.write(`report-html.test: SKIPPED, no headless Chromium: ${chromium.why}\n`);

interface Loaded {
  dom: string;
  console: string[];
  code: number | null;
}

function load(file: string, extra: string[] = []): Loaded {
  const profile = tempDir('jmfund-chromium-');
  const r = spawnSync(
    chromium.bin!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      '--enable-logging=stderr',
      '--v=0',
      ...extra,
      '--dump-dom',
      `file://${file}`,
    ],
    { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
  );
  // Chromium logs every console message of the page as INFO:CONSOLE.
  const consoleLines = r.stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l));
  return { dom: r.stdout, console: consoleLines, code: r.status };
}

const GOLDEN = join(ROOT, 'test', 'golden', 'report');

describe.skipIf(!chromium.bin)('HTML reports in headless Chromium', () => {
  it('would see a console error (the check is not blind)', () => {
    const f = join(tempDir(), 'bad.html');
    writeFileSync(f, '<!DOCTYPE html><html><body><script>console.error("boom")</script></body></html>');
    const r = load(f);
    expect(r.console.join('\n')).toContain('boom');
  });

  for (const kind of ['awards', 'fund-usage', 'performance']) {
    it(`${kind}: loads without console messages and draws the four charts`, () => {
      const file = join(GOLDEN, `${kind}.html`);
      expect(existsSync(file), 'run test/e2e/report.test.ts first to write the golden files').toBe(true);
      const r = load(file);
      expect(r.code).toBe(0);
      expect(r.console).toEqual([]);
      const charts = [...r.dom.matchAll(/<svg class="chart" data-chart="([a-z-]+)"/g)].map((m) => m[1]);
      // The money through the stages first (issue 18), then the awards by category, cluster and district.
      expect(charts).toEqual(['stages', 'by-category', 'by-cluster', 'by-district']);
      const bars = [...r.dom.matchAll(/<rect class="bar"[^>]*width="(\d+)"/g)].map((m) => Number(m[1]));
      expect(bars.length).toBeGreaterThanOrEqual(10);
      expect(Math.max(...bars)).toBe(320);
      // The stages chart: every word of SPEC §14, in order.
      expect(r.dom).toMatch(
        /data-chart="stages"[\s\S]*?>budget<[\s\S]*?>allocated<[\s\S]*?>filed<[\s\S]*?>final<[\s\S]*?>paid<[\s\S]*?>clawback due<[\s\S]*?>recovered<[\s\S]*?>outstanding<[\s\S]*?>net paid</,
      );
    }, 180_000);
  }

  it('audit and notice load without console messages', () => {
    for (const kind of ['audit', 'notice']) {
      const r = load(join(GOLDEN, `${kind}.html`));
      expect(r.code).toBe(0);
      expect(r.console).toEqual([]);
      expect(r.dom).toContain('<table>');
    }
  }, 180_000);

  it('shows hostile text as text: no markup, no script run', async () => {
    const hostile = '<img src=x onerror="console.error(\'xss\')"><script>console.error("xss")</script>';
    const report: Report = {
      kind: 'awards',
      title: text('补助名单', 'Award list'),
      roundId: 'R1',
      generatedAt: '2022-09-30T08:00:00.000Z',
      meta: [{ key: 'round', label: text('批次', 'Round'), value: hostile, type: 'text' }],
      sections: [{ id: 's', title: text(hostile, hostile), columns: [{ key: 'n', header: text('名称', 'Name'), type: 'text' }], rows: [[hostile]] }],
      charts: [{ id: 'c', title: text('图', 'Chart'), bars: [{ label: text(hostile, hostile), fen: 100 }] }],
    };
    const f = join(tempDir(), 'hostile.html');
    writeFileSync(f, await renderHtml(report, 'zh'));
    const r = load(f);
    expect(r.console).toEqual([]);
    expect(r.dom).not.toContain('<script>console');
    expect(r.dom).not.toMatch(/<img/);
    expect(r.dom).toContain('&lt;script&gt;');
  }, 180_000);

  it('prints to PDF and takes a screenshot', () => {
    const dir = tempDir();
    const pdf = join(dir, 'fund-usage.pdf');
    const png = join(dir, 'fund-usage.png');
    load(join(GOLDEN, 'fund-usage.html'), [`--print-to-pdf=${pdf}`, '--no-pdf-header-footer']);
    load(join(GOLDEN, 'fund-usage.html'), [`--screenshot=${png}`, '--window-size=1280,1600']);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const img = readFileSync(png);
    expect(img.subarray(1, 4).toString()).toBe('PNG');
    expect(img.length).toBeGreaterThan(10_000);
  }, 180_000);
});
