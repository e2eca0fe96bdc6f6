// The report exporters on a small hand-made Report: what each format does
// with money, hostile text, both languages and empty sections.
import { describe, expect, it } from 'vitest';
import { renderCsv } from '../../src/io/exporters/report-csv.js';
import { renderHtml } from '../../src/io/exporters/html.js';
import { quoted, renderJson } from '../../src/io/exporters/json.js';
import fc from 'fast-check';
import { mdEscape, renderMarkdown } from '../../src/io/exporters/md.js';
import { renderXlsx, sheetName } from '../../src/io/exporters/xlsx.js';
import { barChartSvg } from '../../src/io/exporters/charts.js';
import { displayWidth, moneyCell, ratio, type Report } from '../../src/domain/reports/model.js';
import { text } from '../../src/domain/text.js';

const HOSTILE = ['=1+2', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx', '<script>alert(1)</script>', 'a|b', 'a "quoted", text'];

function sample(): Report {
  return {
    kind: 'awards',
    title: text('补助名单', 'Award list'),
    roundId: 'R<1>',
    generatedAt: '2022-09-30T08:00:00.000Z',
    meta: [
      { key: 'round', label: text('申报批次', 'Round'), value: 'R<1>', type: 'text' },
      { key: 'total', label: text('合计（元）', 'Total (yuan)'), value: 123456789, type: 'money' },
    ],
    sections: [
      {
        id: 'list',
        title: text('名单', 'List'),
        columns: [
          { key: 'name', header: text('企业名称', 'Enterprise'), type: 'text' },
          { key: 'award', header: text('补助（元）', 'Award (yuan)'), type: 'money' },
          { key: 'score', header: text('评分', 'Score'), type: 'number', decimals: 2 },
          { key: 'rate', header: text('比例', 'Rate'), type: 'percent', decimals: 1 },
          { key: 'on', header: text('日期', 'Date'), type: 'date' },
          { key: 'reason', header: text('原因', 'Reason'), type: 'text' },
        ],
        rows: [
          ['江门市堃达智能装备有限公司', 100000050, 91.5, 87.5, '2022-05-17', { code: 'funded', label: text('予以支持', 'funded') }],
          ...HOSTILE.map((h) => [h, -500, null, null, null, text(h, h)]),
        ],
      },
      { id: 'empty', title: text('空', 'Empty'), note: text('没有内容。', 'Nothing here.'), columns: [{ key: 'x', header: text('甲', 'x'), type: 'text' }], rows: [] },
      {
        id: 'indicators',
        title: text('指标', 'Indicators'),
        columns: [
          { key: 'indicator', header: text('指标', 'Indicator'), type: 'text' },
          { key: 'value', header: text('数值', 'Value'), type: 'number', decimals: 2, wholeIntegers: true },
        ],
        rows: [
          [text('企业数', 'Enterprises'), 7],
          [text('补助', 'Subsidy'), moneyCell(384000000)],
          [text('带动', 'Leverage'), 2.14],
        ],
      },
    ],
    charts: [{ id: 'by-category', title: text('按类别', 'By category'), bars: [{ label: text('甲类', 'A'), fen: 300 }, { label: text('乙类', 'B'), fen: 100 }, { label: text('丙', 'C'), fen: 0 }] }],
  };
}

describe('CSV', async () => {
  const csv = await renderCsv(sample(), 'en');
  const lines = csv.slice(1).split('\r\n');

  it('starts with a BOM, ends every line with CRLF', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('writes amounts as plain yuan with two decimals, negatives too, never neutralised', () => {
    expect(csv).toContain('Total (yuan),1234567.89\r\n');
    expect(lines).toContain('江门市堃达智能装备有限公司,1000000.50,91.50,87.5%,2022-05-17,funded');
    expect(csv).toContain(',-5.00,');
    expect(csv).not.toContain("'-5.00");
  });

  it('neutralises every text cell that a spreadsheet would run as a formula', () => {
    expect(csv).toContain("'=1+2,-5.00,,,,'=1+2");
    expect(csv).toContain("'+cmd,");
    expect(csv).toContain("'-2+3,");
    expect(csv).toContain("'@SUM(A1),");
    expect(csv).toContain("'\tx,");
    expect(csv).toContain('"\'\rx",');
    expect(csv).toContain('"a ""quoted"", text"');
  });

  it('follows the language, with the section title, header and rows in blocks', async () => {
    const zh = await renderCsv(sample(), 'zh');
    expect(zh).toContain('\r\n名单\r\n企业名称,补助（元）,评分,比例,日期,原因\r\n');
    expect(zh).toContain(',予以支持\r\n');
    expect(zh).toContain('\r\n空\r\n没有内容。\r\n甲\r\n');
  });

  it('writes a money cell of an indicator table as money, counts as whole numbers', () => {
    expect(csv).toContain('Enterprises,7\r\n');
    expect(csv).toContain('Subsidy,3840000.00\r\n');
    expect(csv).toContain('Leverage,2.14\r\n');
  });
});

describe('JSON', async () => {
  const j = JSON.parse(await renderJson(sample(), 'en')) as {
    meta: { key: string; value: unknown }[];
    sections: { id: string; columns: { key: string; type: string; unit?: string }[]; rows: Record<string, unknown>[] }[];
    charts: { bars: { label: string; fen: number }[] }[];
  };

  it('keeps money as integer fen and says so, and ledger words as codes with their label', () => {
    expect(j.meta.find((m) => m.key === 'total')?.value).toBe(123456789);
    expect(j.sections[0].columns.find((c) => c.key === 'award')).toEqual({ key: 'award', header: 'Award (yuan)', type: 'money', unit: 'fen' });
    expect(j.sections[0].rows[0]).toEqual({ name: '江门市堃达智能装备有限公司', award: 100000050, score: 91.5, rate: 87.5, on: '2022-05-17', reason: 'funded', reason_label: 'funded' });
    expect(j.sections[2].rows[1]).toEqual({ indicator: 'Subsidy', value: { fen: 384000000 } });
    expect(j.charts[0].bars[0]).toEqual({ label: 'A', fen: 300 });
  });

  it('quotes a text as JSON.stringify does, whatever its characters (quotes, backslashes, controls, lone surrogates)', () => {
    const odd = fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00', '😀', '江', 'a');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.array(odd).map((a) => a.join(''))), (s) => {
        expect(quoted(s)).toBe(JSON.stringify(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('is text untouched (JSON needs no neutralising) and valid JSON', async () => {
    const s = await renderJson(sample(), 'zh');
    expect(JSON.parse(s).sections[0].rows[1].name).toBe('=1+2');
    expect(JSON.parse(s).sections[0].rows[0].reason_label).toBe('予以支持');
  });
});

describe('Markdown', () => {
  it('escapes pipes, HTML and line breaks inside cells', () => {
    expect(mdEscape('a|b')).toBe('a\\|b');
    expect(mdEscape('<script>')).toBe('&lt;script&gt;');
    expect(mdEscape('x\r\ny')).toBe('x y');
    expect(mdEscape('*bold* & [link]')).toBe('\\*bold\\* &amp; \\[link\\]');
  });

  it('writes one table per section, right-aligned numbers, yuan with separators', async () => {
    const md = await renderMarkdown(sample(), 'en');
    expect(md).toContain('# Award list — R&lt;1&gt;');
    expect(md).toContain('| Enterprise | Award (yuan) | Score | Rate | Date | Reason |\n|---|---:|---:|---:|---|---|');
    expect(md).toContain('| 江门市堃达智能装备有限公司 | 1,000,000.50 | 91.50 | 87.5% | 2022-05-17 | funded |');
    expect(md).toContain('| a\\|b | -5.00 |');
    expect(md).not.toContain('<script>');
    // The note already says it: no "(none)" after it (issue 18).
    expect(md).toContain('## Empty\n\n_Nothing here._\n\n## ');
    expect(md).not.toContain('_(none)_');
  });
});

describe('HTML', async () => {
  const html = await renderHtml(sample(), 'zh');

  it('escapes every text and has no script or outside resource', () => {
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('a &quot;quoted&quot;, text');
    expect(html).not.toMatch(/<script|https?:\/\/|<link|src=/i);
    expect(html).toContain("default-src 'none'");
  });

  it('shows both languages, the chosen one first', async () => {
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<th class="num">补助（元）<span class="alt" lang="en">Award (yuan)</span></th>');
    expect(await renderHtml(sample(), 'en')).toContain('<th class="num">Award (yuan)<span class="alt" lang="zh-CN">补助（元）</span></th>');
  });

  it('draws the charts inline as SVG', () => {
    expect(html.match(/<svg /g)).toHaveLength(1);
    expect(html.match(/<rect class="bar"/g)).toHaveLength(3);
  });
});

describe('SVG bar chart', () => {
  it('scales bars to the largest amount and gives a non-zero amount at least a pixel', () => {
    const svg = barChartSvg({ id: 'c', title: text('图', 'chart'), bars: [{ label: text('大', 'big'), fen: 1_000_000_00 }, { label: text('小', 'small'), fen: 1 }, { label: text('零', 'zero'), fen: 0 }] }, 'en', 'no data');
    const widths = [...svg.matchAll(/<rect class="bar"[^>]* width="(\d+)"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([320, 1, 0]);
    expect(svg).toContain('>1,000,000.00<');
  });

  it('says when there is nothing to draw', () => {
    const svg = barChartSvg({ id: 'c', title: text('图', 'chart'), bars: [] }, 'zh', '无数据');
    expect(svg).toContain('无数据');
    expect(svg).not.toContain('<rect');
  });

  it('cuts a very long label and keeps it whole in the tooltip', () => {
    const long = '市委、市政府确定的其他事项市委、市政府确定的其他事项市委';
    const svg = barChartSvg({ id: 'c', title: text('图', 'chart'), bars: [{ label: text(long, long), fen: 5 }] }, 'zh', '');
    expect(svg).toContain('…</text>');
    expect(svg).toContain(`<title>${long}: 0.05</title>`);
  });
});

describe('XLSX', () => {
  it('writes a summary sheet and one sheet per section, with typed, formatted cells', async () => {
    const buf = await renderXlsx(sample(), 'en');
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'List', 'Empty', 'Indicators', 'Chart data']);
    const summary = wb.getWorksheet('Summary')!;
    expect(summary.getRow(5).getCell(2).value).toBe(1234567.89);
    expect(summary.getRow(5).getCell(2).numFmt).toBe('#,##0.00');
    const ws = wb.getWorksheet('List')!;
    // Row 1: the section's whole title (the sheet's name may be shorter); row 2: the header.
    expect(ws.getRow(1).getCell(1).value).toBe('List');
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual(['Enterprise', 'Award (yuan)', 'Score', 'Rate', 'Date', 'Reason']);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    const first = ws.getRow(3);
    expect(first.getCell(2).value).toBe(1000000.5);
    expect(first.getCell(2).numFmt).toBe('#,##0.00');
    expect(first.getCell(3).numFmt).toBe('0.00');
    expect(first.getCell(4).value).toBe(0.875);
    expect(first.getCell(4).numFmt).toBe('0.0%');
    expect(first.getCell(5).value).toEqual(new Date(Date.UTC(2022, 4, 17)));
    expect(first.getCell(5).numFmt).toBe('yyyy-mm-dd');
    // Formula-like text stays text: a string cell, no formula.
    for (let i = 0; i < HOSTILE.length; i++) {
      const c = ws.getRow(4 + i).getCell(1);
      expect(c.type).toBe(ExcelJS.ValueType.String);
      // XML reads a bare CR back as LF.
      expect(c.value).toBe(HOSTILE[i].replace(/\r/g, '\n'));
    }
    // 13 CJK characters are 26 columns wide, plus a margin.
    expect(ws.getColumn(1).width).toBe(28);
    const ind = wb.getWorksheet('Indicators')!;
    expect(ind.getRow(4).getCell(2).value).toBe(3840000);
    expect(ind.getRow(4).getCell(2).numFmt).toBe('#,##0.00');
    expect(ind.getRow(3).getCell(2).numFmt).toBe('0');
  });

  it('names sheets within Excel’s rules', () => {
    const used = new Set<string>();
    expect(sheetName('Benchmark: industrial enterprise application (Art. 7(1), 8(1))', used)).toBe('Benchmark industrial enterprise');
    expect(sheetName('a/b?c*d[e]', used)).toBe('a b c d e');
    expect(sheetName('A/B?C*D[E]', used)).toBe('A B C D E (2)');
    expect(sheetName('', used)).toBe('Sheet');
    // Short, never cut inside a word: the article in brackets goes, a long title ends at a word.
    expect(sheetName('Talent training (Art. 7(4), 8(4))', used)).toBe('Talent training');
    expect(sheetName('Matters decided by the municipal committee and government (Art. 7(5))', used)).toBe('Matters decided by the');
    expect(sheetName('标杆示范·方向一 工业企业应用标杆（第7(1), 8(1)条）', used)).toBe('标杆示范·方向一 工业企业应用标杆（第7(1), 8(1)条）');
    expect(sheetName('市委、市政府确定的其他事项：城市工业互联网标识解析节点建设与运营（第7(5)条）', used)).toBe('市委、市政府确定的其他事项：城市工业互联网标识解析节点建设与运');
    for (const n of used) expect(n.length).toBeLessThanOrEqual(31);
  });
});

describe('helpers', () => {
  it('counts CJK and full-width characters double', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('江门')).toBe(4);
    expect(displayWidth('（）')).toBe(4);
  });

  it('rounds ratios half up in integer arithmetic', () => {
    expect(ratio(820_000_000, 384_000_000)).toBe(2.14);
    expect(ratio(1, 8, 2)).toBe(0.13);
    expect(ratio(5, 0)).toBeNull();
  });
});

describe('sums of money past 2^53 fen (bigint), exact in every format', () => {
  // 100 awards at the money limit less one fen: 9,999,999,999,999,999,900 … as a sum no double holds.
  const big = 100n * 99_999_999_999_999n + 1n;
  const report = (): Report => ({
    ...sample(),
    meta: [{ key: 'total', label: text('合计（元）', 'Total (yuan)'), value: big, type: 'money' }],
    sections: [
      {
        id: 'totals',
        title: text('合计', 'Totals'),
        columns: [
          { key: 'allocated', header: text('拟安排（元）', 'Allocated (yuan)'), type: 'money' },
          { key: 'value', header: text('数值', 'Value'), type: 'number' },
        ],
        rows: [[big, moneyCell(big)]],
      },
    ],
    charts: [{ id: 'stages', title: text('资金流程', 'Stages'), bars: [{ label: text('拟安排', 'allocated'), fen: big }, { label: text('已拨付', 'paid'), fen: 12 }] }],
  });
  const digits = big.toString();
  const yuan = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
  const grouped = '99,999,999,999,999.01';

  it('JSON writes the exact integer of fen', async () => {
    const json = await renderJson(report(), 'en');
    // Rows are one line each ("key":value); the frame around them is indented ("key": value).
    expect(json).toContain(`"allocated":${digits}`);
    expect(json).toContain(`"fen":${digits}`);
    expect(json).toMatch(new RegExp(`"value": ${digits}`));
    // Still JSON (a parser with exact integers, as Python's, reads every fen back).
    expect(() => JSON.parse(json)).not.toThrow();
  });

  it('CSV, Markdown and HTML write the exact yuan', async () => {
    expect(yuan).toBe('99999999999999.01');
    expect(await renderCsv(report(), 'en')).toContain(`${yuan},${yuan}`);
    const md = await renderMarkdown(report(), 'en');
    expect(md).toContain(grouped);
    expect(md).toContain('████');
    expect(await renderHtml(report(), 'en')).toContain(grouped);
  });

  it('XLSX writes the exact yuan as text where no double holds it', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderXlsx(report(), 'en')) as unknown as ArrayBuffer);
    const ws = wb.worksheets.find((w) => w.name === 'Totals')!;
    expect(ws.getRow(3).getCell(1).value).toBe(yuan);
  });
});
