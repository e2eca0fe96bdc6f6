// Hostile names (SQL, spreadsheet formulas, signs, a 5,000-character name, a
// tab inside a quoted field, emoji and astral CJK, HTML and Markdown syntax)
// go through the whole cycle: import, `applications show --json`, and every
// report in every format. They come out unchanged, except as each format must
// write them: a CSV cell starting with = + - @ TAB CR gets a leading ' (and
// is read back as text), an XLSX cell is a string (never a formula), HTML
// escapes < & " ', Markdown escapes its own syntax and turns a tab or line
// break inside a table cell into a space.
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_FORMATS, REPORT_KINDS } from '../../src/cli/demo-script.js';
import { runCli, tempDir } from '../helpers.js';
import { DISTRICTS, DIVISIONS, makeUscc } from '../../bench/lib/generate.mjs';
import { HOSTILE_NAMES } from './arbitraries.js';

const NOW = '2022-09-30T08:00:00.000Z';
let dir: string;
let db: string;
const run = (args: string[], ok: number[] = [0]) => {
  const r = runCli(args, { db, env: { JMFUND_NOW: NOW } });
  if (!ok.includes(r.code)) throw new Error(`jmfund ${args.join(' ')} exited ${r.code}\n${r.stderr}`);
  return r;
};

// Each name is an enterprise name, part of a project name and an extra column's value.
const apps = HOSTILE_NAMES.map((name, i) => ({
  id: `H${String(i + 1).padStart(2, '0')}`,
  name,
  project: `${name}·项目${i + 1}`,
  uscc: makeUscc(DIVISIONS[i % 7], 6, i + 1),
  district: DISTRICTS[i % 7],
}));

const csvField = (s: string) => (/[",\r\n\t]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

beforeAll(() => {
  dir = tempDir('jmfund-roundtrip-');
  db = join(dir, 'ledger.db');
  const header = 'application_id,enterprise_name,uscc,district,established_on,independent_legal_person,category,project_name,total_investment,requested_amount,employees,annual_revenue,other_fiscal_support,past_projects_compliant,credit_good,major_accident,ready_to_implement,submitted_on,备注';
  const rows = apps.map((a) =>
    [a.id, csvField(a.name), a.uscc, a.district, '2015-06-18', '是', 'sme-cloud', csvField(a.project), '500000', '400000', '120', '30000000', '否', '是', '是', '否', '是', '2022-03-10', csvField(a.name)].join(','),
  );
  writeFileSync(join(dir, 'hostile.csv'), `\ufeff${header}\r\n${rows.join('\r\n')}\r\n`);
  writeFileSync(join(dir, 'scores.csv'), `application_id,expert_id,score,recused\r\n${apps.flatMap((a) => ['E1', 'E2', 'E3'].map((e) => `${a.id},${e},85,否`)).join('\r\n')}\r\n`);
  run(['init']);
  run(['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-30', '--budget', 'sme-cloud=1000万']);
  run(['import', join(dir, 'hostile.csv'), '--round', 'R1']);
  run(['check', '--round', 'R1']);
  run(['scores', 'import', join(dir, 'scores.csv'), '--round', 'R1']);
  run(['scores', 'aggregate', '--round', 'R1']);
  run(['allocate', '--round', 'R1']);
  run(['publicize', '--round', 'R1', '--from', '2022-05-01', '--days', '7', '--yes']);
  run(['finalize', '--round', 'R1', '--on', '2022-05-20', '--yes']);
  for (const a of apps.slice(0, 4)) {
    run(['accept', a.id, '--date', '2022-08-01', '--result', 'pass', '--actual-investment', '500000']);
    run(['disburse', a.id, '--amount', '100000', '--date', '2022-08-10']);
  }
  run(['verify']);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('hostile names round trip', () => {
  it('import and `applications show --json` keep every name as written', () => {
    for (const a of apps) {
      const j = run(['--json', 'applications', 'show', a.id]).json<{ enterprise_name: string; project_name: string; extra: Record<string, string> }>();
      expect(j.enterprise_name).toBe(a.name);
      expect(j.project_name).toBe(a.project);
      expect(j.extra['备注']).toBe(a.name);
    }
    expect(apps.find((a) => a.name.length === 5000)).toBeDefined();
  });

  const texts = apps.flatMap((a) => [a.name, a.project]);
  // What a CSV cell that holds exactly `s` must look like.
  const csvExpected = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
  const htmlDecode = (s: string) =>
    s.replace(/&(lt|gt|quot|#39|#x27|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", amp: '&' })[e] ?? '');
  const mdDecode = (s: string) => htmlDecode(s.replace(/\\([\\|*_`[\]])/g, '$1'));

  for (const kind of REPORT_KINDS) {
    it(`report ${kind}: csv, json, xlsx, html, md`, async () => {
      const out: Record<string, string> = {};
      for (const format of REPORT_FORMATS) {
        out[format] = join(dir, `${kind}.${format}`);
        run(['report', kind, '--round', 'R1', '--format', format, '--out', out[format]]);
      }
      // JSON says which names this report shows: every string value, exactly.
      const strings: string[] = [];
      const walk = (v: unknown): void => {
        if (typeof v === 'string') strings.push(v);
        else if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') Object.values(v).forEach(walk);
      };
      walk(JSON.parse(readFileSync(out.json, 'utf8')));
      const shown = texts.filter((t) => strings.includes(t));
      // Names inside longer cells (an evidence text, say) are not what this test is about.
      if (kind === 'awards' || kind === 'notice' || kind === 'audit') {
        for (const a of apps) expect(shown, `${kind}.json shows ${a.id}'s enterprise name unchanged`).toContain(a.name);
      }
      console.log(`report ${kind}: ${shown.length} of the ${texts.length} hostile names and project names shown as cells`);

      // CSV: read back as a spreadsheet would see the cells.
      const csv = readFileSync(out.csv, 'utf8');
      expect(csv.startsWith('\ufeff')).toBe(true);
      const cells = (parseCsv(csv.slice(1), { relax_column_count: true, relax_quotes: false }) as string[][]).flat();
      for (const t of shown) expect(cells, `${kind}.csv: ${JSON.stringify(t.slice(0, 40))}`).toContain(csvExpected(t));
      if (shown.includes('+1')) expect(cells).toEqual(expect.arrayContaining(["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)"]));
      // No cell a spreadsheet would run: = + @ TAB CR at the start, or - before anything but a number.
      const runnable = cells.filter((c) => /^[=+@\t\r]/.test(c) || /^-(?![\d.]+$)/.test(c));
      expect(runnable, `${kind}.csv`).toEqual([]);

      // XLSX: every shown name is a string cell; no formula anywhere.
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(out.xlsx);
      const values: string[] = [];
      const formulas: string[] = [];
      wb.eachSheet((ws) =>
        ws.eachRow((row) =>
          row.eachCell((cell) => {
            if (cell.type === ExcelJS.ValueType.Formula || cell.formula) formulas.push(`${ws.name}!${cell.address}`);
            if (typeof cell.value === 'string') {
              expect(cell.type).toBe(ExcelJS.ValueType.String);
              values.push(cell.value);
            }
          }),
        ),
      );
      expect(formulas, `${kind}.xlsx has formulas`).toEqual([]);
      for (const t of shown) expect(values, `${kind}.xlsx: ${JSON.stringify(t.slice(0, 40))}`).toContain(t);

      // HTML: escaped, so no markup of a name becomes markup of the page.
      const html = readFileSync(out.html, 'utf8');
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<b>粗体');
      for (const t of shown) {
        expect(html, `${kind}.html holds the raw name`).not.toContain(t.includes('<') ? t : '\u0000');
        expect(htmlDecode(html), `${kind}.html: ${JSON.stringify(t.slice(0, 40))}`).toContain(t);
      }

      // Markdown: its own escapes; a tab or line break in a table cell becomes a space.
      const md = mdDecode(readFileSync(out.md, 'utf8'));
      for (const t of shown) expect(md, `${kind}.md: ${JSON.stringify(t.slice(0, 40))}`).toContain(t.replace(/\r\n|[\r\n\t]/g, ' '));
    }, 120_000);
  }
});
