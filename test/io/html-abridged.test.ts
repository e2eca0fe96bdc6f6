// A long listing in the HTML report is abridged: its first rows, and above
// the table a note of how many rows it has and where the others are; every
// other section, and every row when asked (htmlRows null), as before. The
// rows past the cut are still read (a section may sum on the way).
import { describe, expect, it } from 'vitest';
import { HTML_ROWS_SHOWN, type CellValue, type Report, type Section } from '../../src/domain/reports/model.js';
import { text } from '../../src/domain/text.js';
import { renderHtml } from '../../src/io/exporters/html.js';
import { TextSink } from '../../src/io/exporters/sink.js';

const id = (i: number) => `APP-${String(i).padStart(6, '0')}`;

function section(sid: string, rows: number, abridgeable: boolean, onEnd: () => void = () => undefined, onRow: (i: number) => void = () => undefined): Section {
  return {
    id: sid,
    title: text(`节 ${sid}`, `Section ${sid}`),
    columns: [
      { key: 'application_id', header: text('申报编号', 'Application'), type: 'text' },
      { key: 'amount', header: text('金额', 'Amount'), type: 'money' },
    ],
    abridgeable,
    rows: {
      *[Symbol.iterator]() {
        for (let i = 1; i <= rows; i++) {
          onRow(i);
          yield [`${sid}-${id(i)}`, i * 100] as CellValue[];
        }
        onEnd();
      },
    },
  };
}

const report = (sections: Section[], htmlRows?: number | null): Report => ({
  kind: 'audit',
  title: text('审计报告', 'Audit report'),
  roundId: 'R',
  generatedAt: '2022-09-30T08:00:00.000Z',
  meta: [],
  sections,
  charts: [],
  ...(htmlRows === undefined ? {} : { htmlRows }),
});

/** The ids listed in section `sid` of the page. */
function listed(html: string, sid: string): string[] {
  const part = html.slice(html.indexOf(`<section id="${sid}"`), html.indexOf('</section>', html.indexOf(`<section id="${sid}"`)));
  return [...part.matchAll(new RegExp(`<td>(${sid}-APP-\\d{6})</td>`, 'g'))].map((m) => m[1]);
}

describe('HTML: long listings abridged', () => {
  it('lists the first rows of an abridgeable section and says how many it has, above the table', async () => {
    let readToEnd = false;
    const html = await renderHtml(report([section('long', 25, true, () => (readToEnd = true)), section('plain', 25, false)], 10), 'zh');
    expect(listed(html, 'long')).toEqual(Array.from({ length: 10 }, (_, i) => `long-${id(i + 1)}`));
    expect(readToEnd).toBe(true);
    const long = html.slice(html.indexOf('<section id="long"'), html.indexOf('<section id="plain"'));
    expect(long).toContain('<p class="note abridged">节选：本节共 25 行，本网页列出前 10 行。全部行见本报告的 CSV、JSON 或 Excel（xlsx）格式；要在网页中列出全部行，加 --html-rows all。</p>');
    expect(long.indexOf('abridged')).toBeLessThan(long.indexOf('<table>'));
    // A section that is no listing of evidence is never cut.
    expect(listed(html, 'plain')).toHaveLength(25);
    expect(html.match(/class="note abridged"/g)).toHaveLength(1);
  });

  it('says it in English too, with grouped counts', async () => {
    const html = await renderHtml(report([section('long', 12_345, true)], 1_000), 'en');
    expect(listed(html, 'long')).toHaveLength(1_000);
    expect(html).toContain('Abridged: this section has 12,345 rows; this page lists the first 1,000. Every row is in the CSV, JSON and Excel (xlsx) formats of this report; for a page with every row, add --html-rows all.');
  });

  it('writes no note when the section fits, and every row when asked', async () => {
    const fits = await renderHtml(report([section('long', 10, true)], 10), 'zh');
    expect(listed(fits, 'long')).toHaveLength(10);
    expect(fits).not.toContain('class="note abridged"');
    const all = await renderHtml(report([section('long', 25, true)], null), 'zh');
    expect(listed(all, 'long')).toHaveLength(25);
    expect(all).not.toContain('class="note abridged"');
    // The page with every row is the page as it was before abridging: the same rows, in order, one per line.
    expect(all).toContain(`<tr><td>long-${id(24)}</td><td class="num">24.00</td></tr>\n<tr><td>long-${id(25)}</td>`);
  });

  it(`cuts at ${HTML_ROWS_SHOWN.toLocaleString('en-US')} rows by default`, async () => {
    const html = await renderHtml(report([section('long', HTML_ROWS_SHOWN + 1, true)]), 'en');
    const ids = listed(html, 'long');
    expect(ids).toHaveLength(HTML_ROWS_SHOWN);
    expect(ids.at(-1)).toBe(`long-${id(HTML_ROWS_SHOWN)}`);
    expect(html).toContain(`this section has ${(HTML_ROWS_SHOWN + 1).toLocaleString('en-US')} rows; this page lists the first ${HTML_ROWS_SHOWN.toLocaleString('en-US')}.`);
  });

  it('reads no further than one row past the cut when the section can count its rows, and closes its query', async () => {
    let pulled = 0;
    let closed = false;
    const counted: Section = { ...section('long', 5_000, true, undefined, (i) => (pulled = i)), count: () => 5_000 };
    const rows = counted.rows;
    counted.rows = {
      *[Symbol.iterator]() {
        try {
          yield* rows;
        } finally {
          closed = true;
        }
      },
    };
    const html = await renderHtml(report([counted], 10), 'en');
    expect(pulled).toBe(11);
    expect(closed).toBe(true);
    expect(listed(html, 'long')).toHaveLength(10);
    expect(html).toContain('this section has 5,000 rows; this page lists the first 10.');
  });

  it('reads on and counts the rows itself when a count says fewer than there are', async () => {
    let pulled = 0;
    const wrong: Section = { ...section('long', 40, true, undefined, (i) => (pulled = i)), count: () => 5 };
    const html = await renderHtml(report([wrong], 10), 'en');
    expect(pulled).toBe(40);
    expect(html).toContain('this section has 40 rows; this page lists the first 10.');
  });

  it('lets the browser lay out only the sections in view', async () => {
    const html = await renderHtml(report([section('long', 3, true)]), 'zh');
    expect(html).toContain('section.table{content-visibility:auto;');
  });
});

describe('TextSink.writeBytes', () => {
  it('keeps encoded bytes in order with the text around them, whatever their size', async () => {
    const out: Buffer[] = [];
    const sink = new TextSink((c) => {
      out.push(Buffer.from(c));
    });
    const big = Buffer.from('大'.repeat(40_000), 'utf8');
    sink.write('a');
    await sink.writeBytes(Buffer.from('b'));
    sink.write('c');
    await sink.writeBytes(big);
    sink.write('d');
    await sink.flush();
    expect(Buffer.concat(out).toString('utf8')).toBe(`abc${'大'.repeat(40_000)}d`);
  });
});
