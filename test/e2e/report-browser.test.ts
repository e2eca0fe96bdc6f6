// Issue 18: the HTML reports as an auditor sees them, in headless Chromium
// with a CJK font (scripts/ensure-chromium.sh installs Debian's chromium and
// fonts-noto-cjk when missing). Driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: no port, no extra dependency): the summary and the
// charts come before the long tables on the page, the Chinese is drawn with a
// real CJK font (CSS.getPlatformFontsForNode: no glyph falls back to a box),
// print media repeats table headers and breaks pages between sections, and a
// screenshot is taken.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportLedger, ROUND, type FixtureLedger } from '../../fixtures/report/build-ledger.js';
import { ROOT, tempDir } from '../helpers.js';

function findChromium(): { bin: string | null; why: string } {
  const r = spawnSync('sh', [join(ROOT, 'scripts', 'ensure-chromium.sh')], { encoding: 'utf8', timeout: 900_000 });
  const bin = r.stdout.trim().split('\n').pop() ?? '';
  return r.status === 0 && bin ? { bin, why: '' } : { bin: null, why: r.stderr.trim() || `ensure-chromium.sh exited ${r.status}` };
}

const chromium = findChromium();
if (!chromium.bin) process.stderr.write(`report-browser.test: SKIPPED, no headless Chromium with a CJK font: ${chromium.why}\n`);

type Json = Record<string, unknown>;

/** A DevTools protocol client over Chromium's pipe (fd 3 in, fd 4 out; messages end in NUL). */
class Browser {
  private proc: ChildProcess;
  private next = 1;
  private waiting = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  private buffer = '';
  private events: { method: string; params: Json; sessionId?: string }[] = [];

  constructor(bin: string) {
    const profile = tempDir('jmfund-cdp-');
    this.proc = spawn(bin, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
      // Its singleton socket folder (org.chromium.Chromium.*) goes in the profile, removed with it.
      env: { ...process.env, TMPDIR: profile },
    });
    (this.proc.stdio[4] as Readable).on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      for (let i = this.buffer.indexOf('\0'); i >= 0; i = this.buffer.indexOf('\0')) {
        const msg = JSON.parse(this.buffer.slice(0, i)) as { id?: number; result?: Json; error?: { message: string }; method?: string; params?: Json; sessionId?: string };
        this.buffer = this.buffer.slice(i + 1);
        if (msg.id !== undefined) {
          const w = this.waiting.get(msg.id);
          this.waiting.delete(msg.id);
          if (msg.error) w?.reject(new Error(msg.error.message));
          else w?.resolve(msg.result ?? {});
        } else if (msg.method) this.events.push({ method: msg.method, params: msg.params ?? {}, sessionId: msg.sessionId });
      }
    });
  }

  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    const id = this.next++;
    (this.proc.stdio[3] as Writable).write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  /** A new page on `url`, loaded (fonts included), and its session. */
  async open(url: string): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const page = new Page(this, sessionId);
    await page.send('Page.enable');
    await page.send('DOM.enable');
    await page.send('CSS.enable');
    await page.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 1600, deviceScaleFactor: 1, mobile: false });
    await page.send('Page.navigate', { url });
    for (let i = 0; i < 200 && (await page.eval<string>('document.readyState')) !== 'complete'; i++) await new Promise((r) => setTimeout(r, 50));
    await page.eval('document.fonts.ready.then(() => true)');
    return page;
  }

  /** Ends Chromium and waits for it: killed and not waited for, it went on writing its profile after the folder was removed. */
  async close(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = once(this.proc, 'exit');
    this.proc.kill();
    await exited;
  }
}

class Page {
  constructor(
    private readonly b: Browser,
    private readonly sessionId: string,
  ) {}

  send(method: string, params: Json = {}): Promise<Json> {
    return this.b.send(method, params, this.sessionId);
  }

  async eval<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as { result: { value: T }; exceptionDetails?: Json };
    if (r.exceptionDetails) throw new Error(`${expression}: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  }

  /** The fonts Chromium actually drew a node's text with, and how many glyphs each. */
  async fontsOf(selector: string): Promise<{ familyName: string; glyphCount: number }[]> {
    const { root } = (await this.send('DOM.getDocument', { depth: -1 })) as { root: { nodeId: number } };
    const { nodeId } = (await this.send('DOM.querySelector', { nodeId: root.nodeId, selector })) as { nodeId: number };
    expect(nodeId, `no element ${selector}`).toBeGreaterThan(0);
    const { fonts } = (await this.send('CSS.getPlatformFontsForNode', { nodeId })) as { fonts: { familyName: string; glyphCount: number }[] };
    return fonts;
  }
}

let L: FixtureLedger;
let browser: Browser;
const pages = new Map<string, string>();
const SHOTS = join(ROOT, 'test', 'e2e', '.screenshots');

describe.skipIf(!chromium.bin)('HTML reports in Chromium with a CJK font (issue 18)', () => {
  beforeAll(() => {
    L = buildReportLedger('final');
    for (const kind of ['audit', 'awards', 'fund-usage', 'performance', 'notice']) {
      const out = join(L.dir, `${kind}.html`);
      const r = L.run(['--lang', 'zh', 'report', kind, '--round', ROUND, '--format', 'html', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      pages.set(kind, out);
    }
    browser = new Browser(chromium.bin!);
  }, 180_000);
  afterAll(() => browser?.close());

  for (const kind of ['audit', 'awards', 'fund-usage', 'performance']) {
    it(`${kind}: the summary and the charts come before the long tables`, async () => {
      const page = await browser.open(`file://${pages.get(kind)}`);
      const order = await page.eval<{ id: string; top: number }[]>(`[...document.querySelectorAll('body > section')].map((s) => ({ id: s.id, top: s.getBoundingClientRect().top }))`);
      expect(order[0].id).toBe('report-summary');
      expect(order[1].id).toBe('charts');
      const firstTable = order.findIndex((s) => s.id !== 'report-summary' && s.id !== 'charts');
      expect(firstTable).toBe(2);
      expect(order[0].top).toBeLessThan(order[1].top);
      expect(order[1].top).toBeLessThan(order[2].top);
      const summary = await page.eval<string>(`document.querySelector('#report-summary').innerText`);
      // The round, the policy and its hash, the ledger's head, money in the words of SPEC §14, counts by state.
      for (const w of [ROUND, '策略编号', 'sha256', '账本最新事件', '预算', '拟安排', '备案', '核定', '已拨付', '净拨付', '状态', '申报数']) expect(summary).toContain(w);
      const charts = await page.eval<string[]>(`[...document.querySelectorAll('#charts svg.chart')].map((s) => s.dataset.chart)`);
      expect(charts.slice(0, 4)).toEqual(['stages', 'by-category', 'by-cluster', 'by-district']);
      if (kind === 'audit') {
        expect(charts).toContain('eligibility-by-rule');
        expect(summary).toMatch(/账本校验通过/);
        // "No problem found." is not followed by "(none)".
        expect(await page.eval<string>(`document.querySelector('#verify').innerText`)).not.toMatch(/（无）|\(none\)/);
      }
    }, 60_000);
  }

  it('draws every Chinese glyph with a CJK font: none falls back to a box', async () => {
    for (const kind of ['audit', 'notice']) {
      const page = await browser.open(`file://${pages.get(kind)}`);
      for (const selector of ['h1', '#report-summary dl.meta dd', 'section.table h2', 'section.table td:nth-child(2)', 'svg.chart text.label']) {
        const exists = await page.eval<boolean>(`!!document.querySelector(${JSON.stringify(selector)})`);
        if (!exists) continue;
        const fonts = await page.fontsOf(selector);
        // The node's own text (its child text nodes: what the platform fonts are reported for).
        const own = await page.eval<string>(`[...document.querySelector(${JSON.stringify(selector)}).childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('')`);
        const han = (own.match(/[\u4e00-\u9fff]/g) ?? []).length;
        if (han === 0) continue;
        // Every Chinese character is a glyph of a CJK font (Noto Sans CJK, …), not a box from a Latin one.
        const cjk = fonts.filter((f) => /CJK|Han|Hei|Ming|Song|WenQuanYi/i.test(f.familyName)).reduce((a, f) => a + f.glyphCount, 0);
        expect(cjk, `${kind} ${selector} "${own}": ${JSON.stringify(fonts)}`).toBeGreaterThanOrEqual(han);
        expect(fonts.every((f) => f.familyName !== '' && !/LastResort|Last Resort/i.test(f.familyName)), JSON.stringify(fonts)).toBe(true);
      }
      // The check is not blind: Latin text is reported in the Latin font it is drawn with, not a CJK one.
      await page.eval(`document.body.insertAdjacentHTML('beforeend', '<p id="latin" style="font-family: monospace">abc</p>')`);
      // Laid out (and painted) before the fonts are asked for.
      await page.eval(`new Promise((r) => requestAnimationFrame(() => r(document.getElementById('latin').offsetWidth)))`);
      const latin = await page.fontsOf('#latin');
      expect(latin.length).toBeGreaterThan(0);
    }
  }, 120_000);

  it('prints on A4 with each table section on a new page and its header repeated', async () => {
    const page = await browser.open(`file://${pages.get('audit')}`);
    await page.send('Emulation.setEmulatedMedia', { media: 'print' });
    const styles = await page.eval<{ thead: string; breakBefore: string; charts: string }>(
      `({ thead: getComputedStyle(document.querySelector('section.table thead')).display, breakBefore: getComputedStyle(document.querySelector('section.table')).breakBefore, charts: getComputedStyle(document.querySelector('#charts')).breakBefore })`,
    );
    expect(styles).toEqual({ thead: 'table-header-group', breakBefore: 'page', charts: 'page' });
    const pdf = (await page.send('Page.printToPDF', { preferCSSPageSize: true })) as { data: string };
    expect(Buffer.from(pdf.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    await page.send('Emulation.setEmulatedMedia', { media: 'screen' });
    const shot = (await page.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
    const png = Buffer.from(shot.data, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
    // Kept for a person to look at (git-ignored).
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(SHOTS, 'audit.png'), png);
  }, 60_000);
});
