// A section's rows written by another thread (the audit report's worker) and
// spliced in by the exporter: every text format writes the same bytes as when
// it writes the rows itself, whatever the number of rows (none, one, many,
// more than a buffer holds) and wherever the section sits (first, middle,
// last); the spliced section's own rows are never read; and rows the other
// thread could not write are written here.
import { describe, expect, it } from 'vitest';
import type { CellValue, Report, Section } from '../../src/domain/reports/model.js';
import { text } from '../../src/domain/text.js';
import { renderReport } from '../../src/io/exporters/index.js';
import { type RenderedRows, renderRows, SPLICED_FORMATS } from '../../src/io/exporters/rows-elsewhere.js';

const section = (id: string, n: number, poisoned = false): Section => ({
  id,
  title: text(`节 ${id}`, `Section ${id}`),
  ...(id === 'b' ? { note: text('说明', 'a note') } : {}),
  columns: [
    { key: 'application_id', header: text('申报编号', 'Application'), type: 'text' },
    { key: 'enterprise', header: text('企业', 'Enterprise'), type: 'text' },
    { key: 'score', header: text('评分', 'Score'), type: 'number', decimals: 2 },
    { key: 'requested', header: text('申请金额（元）', 'Requested (yuan)'), type: 'money' },
    { key: 'state', header: text('状态', 'State'), type: 'text' },
  ],
  rows: {
    *[Symbol.iterator]() {
      if (poisoned) throw new Error(`the rows of ${id} were read here`);
      for (let i = 0; i < n; i++) {
        // Cells that need quoting or escaping in one format or another, Chinese text, a formula, nothing.
        const name = i % 7 === 0 ? `=江门"${i}",|*_<b>` : `江门市第${i}号智能装备有限公司`;
        yield [`A-${i}`, name, i % 5 === 0 ? null : 60 + i / 100, 100_000_00 + i, { code: 'funded', label: text('已资助', 'funded') }] as CellValue[];
      }
    },
  },
});

const report = (sizes: Record<string, number>, poison: ReadonlySet<string> = new Set()): Report => ({
  kind: 'audit',
  title: text('审计报告', 'Audit report'),
  roundId: 'R',
  generatedAt: '2022-09-30T08:00:00.000Z',
  meta: [{ key: 'applications', label: text('申报数', 'Applications'), value: 3, type: 'number' }],
  sections: Object.entries(sizes).map(([id, n]) => section(id, n, poison.has(id))),
  charts: [],
});

describe('rows written elsewhere, spliced in', () => {
  for (const format of SPLICED_FORMATS) {
    it(`${format}: the same bytes as the rows written here, the section's own rows never read`, async () => {
      for (const sizes of [
        { a: 3, b: 0, c: 2 },
        { a: 1, b: 1, c: 1 },
        { a: 2, b: 40_000, c: 5 },
        { a: 4, b: 6, c: 0 },
        { a: 4, b: 2, c: 3 },
      ]) {
        for (const lang of ['zh', 'en'] as const) {
          for (const apart of [['b'], ['a', 'c'], ['c']]) {
            const plain = await renderReport(report(sizes), format, lang);
            const rendered = new Map<string, Promise<RenderedRows>>();
            const source = report(sizes);
            for (const id of apart) rendered.set(id, renderRows(format, source, source.sections.find((s) => s.id === id) as Section, lang));
            const spliced = await renderReport(report(sizes, new Set(apart)), format, lang, rendered);
            expect(spliced, `${JSON.stringify(sizes)} ${lang} ${apart.join(',')}`).toBe(plain);
          }
        }
      }
    });
  }

  it('rows the other thread could not write are written here', async () => {
    const failed = new Map([['b', Promise.reject(new Error('worker stopped'))]]);
    for (const format of SPLICED_FORMATS) {
      expect(await renderReport(report({ a: 2, b: 3, c: 1 }), format, 'zh', failed)).toBe(await renderReport(report({ a: 2, b: 3, c: 1 }), format, 'zh'));
    }
  });
});
