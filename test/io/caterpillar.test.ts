// The caterpillar plot as SVG, and in the HTML report.
import { describe, expect, it } from 'vitest';
import type { Caterpillar, Report } from '../../src/domain/reports/model.js';
import { text } from '../../src/domain/text.js';
import { caterpillarSvgs, ROWS_PER_BLOCK } from '../../src/io/exporters/caterpillar.js';
import { renderHtml } from '../../src/io/exporters/html.js';

function plot(n: number, line: number | null): Caterpillar {
  return {
    id: 'caterpillar-sme-cloud',
    title: text('中小企业上云上平台', 'SMEs onto the cloud and platforms'),
    ranks: n,
    line,
    rows: Array.from({ length: n }, (_, i) => ({
      label: i === 0 ? '<A&B>' : `A${i + 1}`,
      expectedRank: i + 1,
      rankLow: Math.max(1, i),
      rankHigh: Math.min(n, i + 2),
      pFunded: i < 5 ? 1 : i < 8 ? 0.5 : 0,
      funded: i < 6,
      greyZone: i >= 5 && i < 8,
    })),
  };
}

describe('caterpillarSvgs', () => {
  it('draws each row, shades the grey zone and draws the line across', () => {
    const [svg, ...more] = caterpillarSvgs(plot(12, 6), 'en');
    expect(more).toEqual([]);
    expect(svg.match(/class="row/g)).toHaveLength(12);
    expect(svg.match(/class="grey-zone"/g)).toHaveLength(3);
    expect(svg.match(/class="funding-line"/g)).toHaveLength(1);
    expect(svg.match(/<circle class="expected"[^>]*fill="#fff"/g)).toHaveLength(6);
    expect(svg).toContain('funding line');
    expect(svg).toContain('&lt;A&amp;B&gt;');
    expect(svg).not.toContain('<A&B>');
    // The line lies between rank 6 and 7: right of row 6's dot, left of row 7's.
    const lineX = Number(/class="funding-line" x1="([\d.]+)"/.exec(svg)![1]);
    const dots = [...svg.matchAll(/<circle class="expected" cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(dots[5]).toBeLessThan(lineX);
    expect(dots[6]).toBeGreaterThan(lineX);
    expect(caterpillarSvgs(plot(12, 6), 'zh')[0]).toContain('资助线');
  });

  it('cuts a long category into blocks on one scale, with no line when there is none', () => {
    const blocks = caterpillarSvgs(plot(ROWS_PER_BLOCK * 2 + 5, null), 'zh');
    expect(blocks).toHaveLength(3);
    expect(blocks.map((b) => b.match(/class="row/g)?.length)).toEqual([ROWS_PER_BLOCK, ROWS_PER_BLOCK, 5]);
    for (const b of blocks) expect(b).not.toContain('funding-line');
    const width = (b: string) => /width="(\d+)"/.exec(b)![1];
    expect(new Set(blocks.map(width)).size).toBe(1);
  });

  it('appears in the HTML report, with its legend', async () => {
    const report: Report = { kind: 'line', title: text('资助线分析', 'Funding line'), roundId: 'R1', generatedAt: '2022-05-20T00:00:00.000Z', meta: [], sections: [], charts: [], caterpillars: [plot(8, 4)] };
    const html = await renderHtml(report, 'zh');
    expect(html).toContain('id="caterpillars"');
    expect(html).toContain('data-caterpillar="caterpillar-sme-cloud"');
    expect(html).toContain('class="legend"');
    const plain = await renderHtml({ ...report, caterpillars: undefined }, 'zh');
    expect(plain).not.toContain('id="caterpillars"');
  });
});
