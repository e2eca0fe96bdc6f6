// Inline SVG bar charts, drawn here so that the HTML report needs no chart
// library and no network. Horizontal bars: labels (often Chinese) on the
// left, the amount in yuan at the end of each bar. Inline in HTML, so no
// xmlns is needed (the parser puts <svg> in the SVG namespace).
import { formatYuan } from '../../domain/money.js';
import { displayWidth, type Chart, type ChartBar } from '../../domain/reports/model.js';
import type { Lang } from '../../domain/text.js';

const XML_SPECIAL = /[&<>"']/;

export function escapeXml(s: string): string {
  if (!XML_SPECIAL.test(s)) return s;
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const FONT = 12;
const ROW = 24;
const BAR = 16;
const PLOT = 320;
const TOP = 8;

/** Pixels a label takes at 12 px, generously (fonts differ): a CJK character about one em, Latin a little over half. */
const labelPx = (s: string): number => Math.ceil(displayWidth(s) * FONT * 0.58) + 6;

const MAX_LABEL = 44; // display columns; a longer label is cut with … (the bar's tooltip keeps it whole)

function cut(s: string): string {
  if (displayWidth(s) <= MAX_LABEL) return s;
  let out = '';
  for (const ch of s) {
    if (displayWidth(out + ch) > MAX_LABEL - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** The largest bar (0 when none is above zero). */
export function maxFen(bars: readonly ChartBar[]): bigint {
  let max = 0n;
  for (const b of bars) if (BigInt(b.fen) > max) max = BigInt(b.fen);
  return max;
}

/** round(fen / max × length) in exact integer arithmetic (bars are sums, bigint past 2^53). */
export function barLength(fen: number | bigint, max: bigint, length: number): number {
  const f = BigInt(fen);
  if (max <= 0n || f <= 0n) return 0;
  return Number((f * BigInt(length) * 2n + max) / (2n * max));
}

const TONES = { good: '#2e7d32', bad: '#c62828', warn: '#e0a800' } as const;

/** A count chart: each bar in its parts (pass green, fail red, needs review yellow), with a legend. */
function countChartSvg(chart: Chart, lang: Lang, noData: string): string {
  const full = chart.bars.map((b) => b.label[lang]);
  const labels = full.map(cut);
  const values = chart.bars.map((b) => (b.parts ?? []).map((p) => p.count).join(' / '));
  const left = Math.max(60, ...labels.map(labelPx)) + 8;
  const valueW = Math.max(40, ...values.map(labelPx)) + 8;
  const width = left + PLOT + valueW;
  const legend = chart.bars[0]?.parts ?? [];
  const rows = Math.max(1, chart.bars.length);
  const height = TOP * 2 + rows * ROW + (legend.length ? ROW : 0);
  const max = maxFen(chart.bars);
  const title = escapeXml(chart.title[lang]);
  const parts: string[] = [
    `<svg class="chart" data-chart="${escapeXml(chart.id)}" role="img" aria-label="${title}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${title}</title>`,
    `<line class="axis" x1="${left}" y1="${TOP / 2}" x2="${left}" y2="${TOP + rows * ROW}" stroke="#555" stroke-width="1"/>`,
  ];
  if (!chart.bars.length || max === 0n) parts.push(`<text class="empty" x="${left + 8}" y="${TOP + ROW / 2 + FONT / 3}" font-size="${FONT}" fill="#777">${escapeXml(noData)}</text>`);
  chart.bars.forEach((b, i) => {
    const y = TOP + i * ROW;
    const mid = y + ROW / 2 + FONT / 3;
    parts.push(`<text class="label" x="${left - 6}" y="${mid}" text-anchor="end" font-size="${FONT}" fill="#222">${escapeXml(labels[i])}</text>`);
    let x = left;
    for (const p of b.parts ?? []) {
      const w = p.count > 0 ? Math.max(1, barLength(p.count, max, PLOT)) : 0;
      if (w > 0) parts.push(`<rect class="bar ${p.tone}" x="${x}" y="${y + (ROW - BAR) / 2}" width="${w}" height="${BAR}" fill="${TONES[p.tone]}"><title>${escapeXml(`${full[i]}: ${p.label[lang]} ${p.count}`)}</title></rect>`);
      x += w;
    }
    parts.push(`<text class="value" x="${x + 4}" y="${mid}" font-size="${FONT}" fill="#222">${escapeXml(values[i])}</text>`);
  });
  let lx = left;
  const ly = TOP + rows * ROW + ROW / 2;
  for (const p of legend) {
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="12" fill="${TONES[p.tone]}"/>`, `<text x="${lx + 16}" y="${ly + 1}" font-size="${FONT}" fill="#222">${escapeXml(p.label[lang])}</text>`);
    lx += 16 + labelPx(p.label[lang]) + 12;
  }
  parts.push('</svg>');
  return parts.join('');
}

export function barChartSvg(chart: Chart, lang: Lang, noData: string): string {
  if (chart.unit === 'count') return countChartSvg(chart, lang, noData);
  const full = chart.bars.map((b) => b.label[lang]);
  const labels = full.map(cut);
  const values = chart.bars.map((b) => `${formatYuan(b.fen)}`);
  const left = Math.max(60, ...labels.map(labelPx)) + 8;
  const valueW = Math.max(60, ...values.map(labelPx)) + 8;
  const width = left + PLOT + valueW;
  const rows = Math.max(1, chart.bars.length);
  const height = TOP * 2 + rows * ROW;
  const max = maxFen(chart.bars);
  const title = escapeXml(chart.title[lang]);
  const parts: string[] = [
    `<svg class="chart" data-chart="${escapeXml(chart.id)}" role="img" aria-label="${title}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${title}</title>`,
    `<line class="axis" x1="${left}" y1="${TOP / 2}" x2="${left}" y2="${height - TOP / 2}" stroke="#555" stroke-width="1"/>`,
  ];
  if (!chart.bars.length || max === 0n) {
    parts.push(`<text class="empty" x="${left + 8}" y="${TOP + ROW / 2 + FONT / 3}" font-size="${FONT}" fill="#777">${escapeXml(noData)}</text>`);
  }
  chart.bars.forEach((b, i) => {
    const y = TOP + i * ROW;
    // A non-zero amount always shows at least one pixel.
    const w = Math.max(b.fen > 0 ? 1 : 0, barLength(b.fen, max, PLOT));
    const mid = y + ROW / 2 + FONT / 3;
    parts.push(
      `<text class="label" x="${left - 6}" y="${mid}" text-anchor="end" font-size="${FONT}" fill="#222">${escapeXml(labels[i])}</text>`,
      `<rect class="bar" x="${left}" y="${y + (ROW - BAR) / 2}" width="${w}" height="${BAR}" fill="#2f6eb5"><title>${escapeXml(`${full[i]}: ${values[i]}`)}</title></rect>`,
      `<text class="value" x="${left + w + 4}" y="${mid}" font-size="${FONT}" fill="#222">${escapeXml(values[i])}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
