// jmfund report: golden files for every kind and format on the fixture round,
// read-back of the xlsx, and every report on a round at every stage.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReportLedger, ROUND, type FixtureLedger } from '../../fixtures/report/build-ledger.js';
import { HTML_ROWS_SHOWN } from '../../src/domain/reports/model.js';

const KINDS = ['awards', 'notice', 'audit', 'fund-usage', 'performance'] as const;
const TEXT_FORMATS = ['csv', 'json', 'html', 'md'] as const;

// Hashes (event chain, policy file) move whenever another command adds a
// detail to its event; they are checked against `verify` below instead.
const maskHashes = (s: string) => s.replace(/\b[0-9a-f]{64}\b/g, '<sha256>');

let L: FixtureLedger;
beforeAll(() => {
  L = buildReportLedger('final');
}, 120_000);

describe('report golden files (fixture round, after filing, acceptance, payments and a clawback)', () => {
  for (const kind of KINDS) {
    for (const format of TEXT_FORMATS) {
      it(`${kind} as ${format}`, async () => {
        const r = L.run(['report', kind, '--round', ROUND, '--format', format]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        await expect(maskHashes(r.stdout)).toMatchFileSnapshot(join('..', 'golden', 'report', `${kind}.${format}`));
      });
    }
  }

  it('follows --lang: the award list and fund usage in Chinese', async () => {
    const md = L.run(['--lang', 'zh', 'report', 'awards', '--round', ROUND, '--format', 'md']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('| 排名 | 申报编号 | 企业名称 |');
    await expect(maskHashes(md.stdout)).toMatchFileSnapshot(join('..', 'golden', 'report', 'awards.zh.md'));
    const csv = L.run(['--lang', 'zh', 'report', 'fund-usage', '--round', ROUND, '--format', 'csv']);
    await expect(maskHashes(csv.stdout)).toMatchFileSnapshot(join('..', 'golden', 'report', 'fund-usage.zh.csv'));
  });

  it('writes the notice in Chinese by default, and in English only when asked', () => {
    const zh = L.run(['report', 'notice', '--round', ROUND, '--format', 'md']);
    expect(zh.stdout).toContain('拟支持项目公示名单');
    expect(zh.stdout).toContain('异议受理');
    const en = L.run(['--lang', 'en', 'report', 'notice', '--round', ROUND, '--format', 'md']);
    expect(en.stdout).toContain('Public notice of proposed awards');
  });

  it('keeps internal scores and reasons out of the public notice', () => {
    const json = L.run(['--lang', 'en', 'report', 'notice', '--round', ROUND, '--format', 'json']).json<{ sections: { columns: { key: string }[]; rows: Record<string, unknown>[] }[] }>();
    const keys = new Set(json.sections.flatMap((s) => s.columns.map((c) => c.key)));
    // What a Guangdong 公示 carries (issue 18): where, who (name and credit code), what, which category, how much.
    expect([...keys].sort()).toEqual(['award', 'category', 'district', 'enterprise', 'no', 'project', 'uscc']);
    // R005 was withdrawn on an upheld objection; R013 and R011 were never funded.
    const projects = json.sections.flatMap((s) => s.rows.map((r) => r.project));
    expect(projects).not.toContain('售后服务平台');
    expect(projects).toHaveLength(8);
  });

  it('prints the verify result and the hash of the last event in the audit report', () => {
    const verify = L.run(['--json', 'verify']).json<{ ok: boolean; last_hash: string; events: number }>();
    expect(verify.ok).toBe(true);
    const audit = L.run(['report', 'audit', '--round', ROUND, '--format', 'json']).json<{ meta: { key: string; value: unknown }[] }>();
    const meta = Object.fromEntries(audit.meta.map((m) => [m.key, m.value]));
    expect(meta.last_event_hash).toBe(verify.last_hash);
    expect(meta.events).toBe(verify.events);
    expect(meta.verify).toBe('passed');
  });

  it('writes CSV with a BOM and CRLF, amounts as plain yuan, formula-like text neutralised', () => {
    const csv = L.run(['report', 'awards', '--round', ROUND, '--format', 'csv']).stdout;
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('\r\n');
    expect(csv).toContain(",'=SUM(1+1) 精密加工数字化车间,");
    expect(csv).toContain(",'-研发设计协同上云,");
    expect(csv).toMatch(/,1000000\.00,/);
    expect(csv).not.toMatch(/,1,000,000\.00,/);
  });

  it('escapes every text in HTML', () => {
    const html = L.run(['report', 'awards', '--round', ROUND, '--format', 'html']).stdout;
    expect(html).not.toContain('<b>不锈钢</b>');
    expect(html).toContain('&lt;b&gt;不锈钢&lt;/b&gt; &amp; &quot;云&quot; | 行业平台');
    // Self-contained: no script, no link to anything outside the file.
    expect(html).not.toMatch(/<script|https?:\/\/|<link|src=/i);
  });

  it('abridges the audit page’s long listings with --html-rows, and lists every row with all', () => {
    const rowsIn = (html: string, sid: string) => {
      const at = html.indexOf(`<section id="${sid}"`);
      const part = html.slice(at, html.indexOf('</section>', at));
      return { rows: (part.match(/<tr><td>/g) ?? []).length, note: /<p class="note abridged">([^<]*)<\/p>/.exec(part)?.[1] ?? null };
    };
    const whole = L.run(['report', 'audit', '--round', ROUND, '--format', 'html', '--html-rows', 'all']);
    expect(whole.code).toBe(0);
    // The fixture round is far below the default cut: its page is the page with every row.
    expect(L.run(['report', 'audit', '--round', ROUND, '--format', 'html']).stdout).toBe(whole.stdout);
    const apps = rowsIn(whole.stdout, 'applications').rows;
    const results = rowsIn(whole.stdout, 'eligibility').rows;
    expect(apps).toBeGreaterThan(3);
    expect(results).toBeGreaterThan(3);
    const cut = L.run(['--lang', 'en', 'report', 'audit', '--round', ROUND, '--format', 'html', '--html-rows', '３']);
    expect(cut.code).toBe(0);
    expect(rowsIn(cut.stdout, 'applications')).toEqual({ rows: 3, note: `Abridged: this section has ${apps} rows; this page lists the first 3. Every row is in the CSV, JSON and Excel (xlsx) formats of this report; for a page with every row, add --html-rows all.` });
    expect(rowsIn(cut.stdout, 'eligibility').rows).toBe(3);
    // The verify result and the event chain are never cut.
    expect(rowsIn(cut.stdout, 'events')).toEqual(rowsIn(whole.stdout, 'events'));
    // The data formats always hold every row: the option is refused there, as are counts that make no page.
    for (const [args, says] of [
      [['--format', 'csv', '--html-rows', '3'], '--html-rows applies to the html format only (this is csv)'],
      [['--format', 'html', '--html-rows', '0'], '--html-rows must be at least 1, or all (every row)'],
      [['--format', 'html', '--html-rows', 'ten'], '--html-rows "ten" must be a whole number ≥ 0'],
    ] as const) {
      const r = L.run(['--lang', 'en', 'report', 'audit', '--round', ROUND, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(says);
      expect(r.stdout).toBe('');
    }
    const zh = L.run(['--lang', 'zh', 'report', 'audit', '--round', ROUND, '--format', 'md', '--html-rows', '3']);
    expect(zh.stderr).toContain('--html-rows 只用于 HTML 格式（本次为 md）');
    // The help states the default the exporter uses.
    expect(L.run(['--lang', 'en', 'report', '--help']).stdout.replace(/\s+/g, ' ')).toContain(`(default ${HTML_ROWS_SHOWN.toLocaleString('en-US')}; all: every row)`);
  });
});

describe('report --out', () => {
  it('writes atomically, refuses to overwrite without --force, and says where', () => {
    const out = join(L.dir, 'awards.md');
    const first = L.run(['--json', 'report', 'awards', '--round', ROUND, '--out', out]);
    expect(first.code).toBe(0);
    const j = first.json<{ out: string; format: string; bytes: number; sha256: string }>();
    expect(j).toMatchObject({ out, format: 'md' });
    expect(statSync(out).size).toBe(j.bytes);
    writeFileSync(out, 'keep me');
    const again = L.run(['report', 'awards', '--round', ROUND, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect(L.run(['report', 'awards', '--round', ROUND, '--out', out, '--force']).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('# Award list');
  });

  it('writes the same bytes to a file as to stdout, in every text format', () => {
    for (const format of TEXT_FORMATS) {
      const out = join(L.dir, `audit-out.${format}`);
      const r = L.run(['--json', 'report', 'audit', '--round', ROUND, '--format', format, '--out', out, '--force']);
      expect(r.code, r.stderr).toBe(0);
      const printed = L.run(['report', 'audit', '--round', ROUND, '--format', format]).stdout;
      expect(readFileSync(out, 'utf8'), format).toBe(printed);
      expect(r.json<{ bytes: number }>().bytes).toBe(Buffer.byteLength(printed));
    }
  });

  it('needs --out for xlsx', () => {
    const r = L.run(['report', 'awards', '--round', ROUND, '--format', 'xlsx']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out');
  });

  it('refuses an unknown kind, format or round', () => {
    expect(L.run(['report', 'budget', '--round', ROUND]).code).toBe(2);
    expect(L.run(['report', 'awards', '--round', ROUND, '--format', 'pdf']).code).toBe(2);
    const r = L.run(['report', 'awards', '--round', 'NOPE']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('2022-R1');
  });

  it('prints only JSON under --json, with the content of a text report', () => {
    const r = L.run(['--json', 'report', 'fund-usage', '--round', ROUND, '--format', 'md']);
    const j = r.json<{ kind: string; format: string; content: string }>();
    expect(j.kind).toBe('fund-usage');
    expect(j.content).toContain('# Fund usage');
  });
});

describe('report xlsx', () => {
  it('has one sheet per section, a bold frozen header, money as numbers with a money format, text never a formula', async () => {
    const out = join(L.dir, 'awards.xlsx');
    expect(L.run(['report', 'awards', '--round', ROUND, '--out', out]).code).toBe(0);
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const names = wb.worksheets.map((w) => w.name);
    expect(names[0]).toBe('Summary');
    expect(names).toContain('Summary by category');
    expect(names).toContain('Chart data');
    expect(names.every((n) => n.length <= 31)).toBe(true);
    const ws = wb.worksheets.find((w) => w.name.startsWith('Benchmark industrial enterprise'))!;
    expect(ws).toBeDefined();
    expect(ws.getRow(1).getCell(1).value).toBe('Benchmark: industrial enterprise application (Art. 7(1), 8(1))');
    const header = (ws.getRow(2).values as unknown[]).slice(1);
    expect(header).toEqual(['Rank', 'Application', 'Enterprise', 'Project', 'Score', 'Requested (yuan)', 'Cap (yuan)', 'Allocated (yuan)', 'Final (yuan)', 'Reason', 'Binding limit', 'State']);
    expect(ws.getRow(2).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    const r001 = ws.getRow(3);
    expect(r001.getCell(2).value).toBe('R001');
    expect(r001.getCell(8).value).toBe(1000000);
    expect(r001.getCell(8).numFmt).toBe('#,##0.00');
    expect(r001.getCell(5).value).toBe(91);
    const r002 = ws.getRow(4);
    expect(r002.getCell(4).value).toBe('=SUM(1+1) 精密加工数字化车间');
    expect(r002.getCell(4).type).toBe(ExcelJS.ValueType.String);
    expect(r002.getCell(4).formula).toBeUndefined();
    // The Chinese enterprise names: 13 CJK characters take 26 columns, plus a margin.
    expect(ws.getColumn(3).width).toBeGreaterThanOrEqual(26);
  });

  it('writes every kind as xlsx', async () => {
    const { default: ExcelJS } = await import('exceljs');
    for (const kind of KINDS) {
      const out = join(L.dir, `${kind}.xlsx`);
      const r = L.run(['report', kind, '--round', ROUND, '--out', out, '--force']);
      expect(r.code, r.stderr).toBe(0);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(out);
      expect(wb.worksheets.length).toBeGreaterThan(1);
      for (const ws of wb.worksheets) expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
      for (const ws of wb.worksheets) expect(ws.name.length).toBeLessThanOrEqual(31);
    }
  });
});
