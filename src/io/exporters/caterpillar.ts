// The caterpillar plot of `report line` as inline SVG: one row per application
// in order of expected rank, its 90 % rank interval as a bar and its expected
// rank as a dot (filled: funded in the stored version), the grey zone's rows
// shaded, the funding line dashed across. Long categories are cut into
// blocks of rows on the same scale, so that a printed page holds whole blocks.
import type { Caterpillar } from '../../domain/reports/model.js';
import { text, type Lang } from '../../domain/text.js';
import { escapeXml as esc } from './charts.js';

const FONT = 11;
const ROW = 16;
const TOP = 22;
const PLOT = 480;
const RIGHT = 56;
/** Rows per SVG block: about half a landscape A4 page. */
export const ROWS_PER_BLOCK = 40;

const COLORS = { bar: '#2f6eb5', line: '#c0392b', grey: '#e4e4e4', axis: '#555', text: '#222' };

/** A tick step of 1, 2 or 5 × 10^k giving at most about 10 ticks. */
function tickStep(n: number): number {
  const raw = Math.max(1, n / 10);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

const pct = (p: number) => `${(Math.round(p * 1000) / 10).toFixed(1)}%`;

/** The plot as one or more SVG blocks of at most ROWS_PER_BLOCK rows, all on the same rank scale. */
export function caterpillarSvgs(c: Caterpillar, lang: Lang): string[] {
  const n = Math.max(1, c.ranks);
  const labelW = Math.max(60, ...c.rows.map((r) => Math.ceil(r.label.length * FONT * 0.62) + 10));
  const width = labelW + PLOT + RIGHT;
  const x = (rank: number) => labelW + ((rank - 0.5) / n) * PLOT;
  const step = tickStep(n);
  const ticks = [1, ...Array.from({ length: Math.floor(n / step) }, (_, i) => (i + 1) * step).filter((t) => t > 1 && t <= n)];
  const lineX = c.line === null ? null : labelW + (c.line / n) * PLOT;
  const blocks: string[] = [];
  const title = esc(c.title[lang]);
  for (let start = 0; start < Math.max(1, c.rows.length); start += ROWS_PER_BLOCK) {
    const rows = c.rows.slice(start, start + ROWS_PER_BLOCK);
    const height = TOP + rows.length * ROW + 6;
    const parts: string[] = [
      `<svg class="caterpillar" data-caterpillar="${esc(c.id)}" role="img" aria-label="${title}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
      `<title>${title}</title>`,
    ];
    // Grey zone first, under everything else.
    rows.forEach((r, k) => {
      if (r.greyZone) parts.push(`<rect class="grey-zone" x="0" y="${TOP + k * ROW}" width="${width}" height="${ROW}" fill="${COLORS.grey}"/>`);
    });
    // Rank axis along the top.
    parts.push(`<line class="axis" x1="${labelW}" y1="${TOP - 4}" x2="${labelW + PLOT}" y2="${TOP - 4}" stroke="${COLORS.axis}" stroke-width="1"/>`);
    for (const t of ticks) {
      parts.push(
        `<line x1="${x(t).toFixed(1)}" y1="${TOP - 7}" x2="${x(t).toFixed(1)}" y2="${TOP - 4}" stroke="${COLORS.axis}"/>`,
        `<text class="tick" x="${x(t).toFixed(1)}" y="${TOP - 10}" text-anchor="middle" font-size="${FONT - 1}" fill="${COLORS.axis}">${t}</text>`,
      );
    }
    parts.push(`<text x="${labelW + PLOT + 4}" y="${TOP - 10}" font-size="${FONT - 1}" fill="${COLORS.axis}">${esc(text('获资助概率', 'P(funded)')[lang])}</text>`);
    rows.forEach((r, k) => {
      const y = TOP + k * ROW;
      const mid = y + ROW / 2;
      const x1 = x(r.rankLow);
      const x2 = Math.max(x(r.rankHigh), x1 + 2);
      const tip = esc(
        text(
          `${r.label}：期望排名 ${r.expectedRank.toFixed(2)}，90% 区间 ${r.rankLow}–${r.rankHigh}，获资助概率 ${pct(r.pFunded)}`,
          `${r.label}: expected rank ${r.expectedRank.toFixed(2)}, 90% interval ${r.rankLow}–${r.rankHigh}, P(funded) ${pct(r.pFunded)}`,
        )[lang],
      );
      parts.push(
        `<g class="row${r.funded ? ' funded' : ''}${r.greyZone ? ' grey' : ''}"><title>${tip}</title>`,
        `<text class="label" x="${labelW - 6}" y="${mid + FONT / 3}" text-anchor="end" font-size="${FONT}" fill="${COLORS.text}">${esc(r.label)}</text>`,
        `<rect class="interval" x="${x1.toFixed(1)}" y="${mid - 2}" width="${(x2 - x1).toFixed(1)}" height="4" fill="${COLORS.bar}" fill-opacity="0.55"/>`,
        `<circle class="expected" cx="${x(r.expectedRank).toFixed(1)}" cy="${mid}" r="3.5" fill="${r.funded ? COLORS.bar : '#fff'}" stroke="${COLORS.bar}" stroke-width="1.5"/>`,
        `<text class="p" x="${labelW + PLOT + 4}" y="${mid + FONT / 3}" font-size="${FONT}" fill="${COLORS.text}">${pct(r.pFunded)}</text>`,
        '</g>',
      );
    });
    if (lineX !== null) {
      parts.push(
        `<line class="funding-line" x1="${lineX.toFixed(1)}" y1="${TOP - 4}" x2="${lineX.toFixed(1)}" y2="${height - 2}" stroke="${COLORS.line}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
      );
      if (start === 0) parts.push(`<text x="${(lineX + 3).toFixed(1)}" y="${TOP + 9}" font-size="${FONT - 1}" fill="${COLORS.line}">${esc(text('资助线', 'funding line')[lang])}</text>`);
    }
    parts.push('</svg>');
    blocks.push(parts.join(''));
  }
  return blocks;
}

/** What the marks mean, once under the plots. */
export function caterpillarLegend(lang: Lang): string {
  const items = [
    `<svg width="16" height="10" style="vertical-align:middle"><circle cx="8" cy="5" r="3.5" fill="${COLORS.bar}" stroke="${COLORS.bar}"/></svg> ${esc(text('期望排名（本版获资助）', 'expected rank (funded in this version)')[lang])}`,
    `<svg width="16" height="10" style="vertical-align:middle"><circle cx="8" cy="5" r="3.5" fill="#fff" stroke="${COLORS.bar}" stroke-width="1.5"/></svg> ${esc(text('期望排名（本版未获资助）', 'expected rank (not funded in this version)')[lang])}`,
    `<svg width="24" height="10" style="vertical-align:middle"><rect x="0" y="3" width="24" height="4" fill="${COLORS.bar}" fill-opacity="0.55"/></svg> ${esc(text('排名的 90% 区间', '90% interval of the rank')[lang])}`,
    `<svg width="24" height="10" style="vertical-align:middle"><rect x="0" y="0" width="24" height="10" fill="${COLORS.grey}"/></svg> ${esc(text('灰区（获资助概率 10%–90%）', 'grey zone (P(funded) 10%–90%)')[lang])}`,
    `<svg width="24" height="10" style="vertical-align:middle"><line x1="12" y1="0" x2="12" y2="10" stroke="${COLORS.line}" stroke-width="1.5" stroke-dasharray="3 2"/></svg> ${esc(text('资助线（资金用尽处）', 'funding line (where the money ran out)')[lang])}`,
  ];
  return `<p class="legend">${items.join(' &nbsp; ')}</p>`;
}
