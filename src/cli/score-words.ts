// `scores show` in words: how an application's aggregate was reached, and its
// exact value where the rounded one could be misread (Art. 11).
import { compareScores, formatFraction, roundedTies, scoreExact, type Aggregate, type AggregateDetails } from '../domain/scoring.js';
import type { ScoreMethod } from '../domain/policy.js';
import { text, type Text } from '../domain/text.js';
import type { ApplicationScoresView } from '../ops/scores.js';
import type { Context } from './context.js';

/** How the aggregate was reached, in words. */
export function howText(method: ScoreMethod, d: AggregateDetails, stats: ApplicationScoresView['expertStats'], valid: string[]): Text[] {
  const ids = (xs: string[] | undefined) => (xs && xs.length ? xs.join(', ') : '—');
  switch (method) {
    case 'mean':
      return [text(`有效评分（${ids(d.used ?? valid)}）的算术平均`, `arithmetic mean of the valid scores (${ids(d.used ?? valid)})`)];
    case 'trimmed-mean':
      return d.dropped && d.dropped.length
        ? [text(`去掉最低分（${d.dropped[0]}）和最高分（${d.dropped[1]}），其余（${ids(d.used)}）平均`, `dropped the lowest (${d.dropped[0]}) and the highest (${d.dropped[1]}); mean of the rest (${ids(d.used)})`)]
        : [text(`有效评分不足 5 个，按算术平均（${ids(d.used)}）`, `fewer than 5 valid scores: plain mean (${ids(d.used)})`)];
    case 'median':
      return [text(`中位数：居中的评分（${ids(d.middle)}）`, `median: the middle score(s) (${ids(d.middle)})`)];
    case 'z-score': {
      const lines = [text(`得分 = μ + σ × 平均 z；全批次 μ = ${d.round_mean ?? ''}，σ = ${d.round_sd ?? ''}`, `score = μ + σ × mean z; round μ = ${d.round_mean ?? ''}, σ = ${d.round_sd ?? ''}`)];
      for (const z of d.z ?? []) {
        const st = stats.get(z.expert_id);
        const mu = st?.mean ?? '—';
        const sd = st?.sd ?? '—';
        lines.push(text(`  ${z.expert_id}：z = ${z.z}（该专家 μ = ${mu}，σ = ${sd}）`, `  ${z.expert_id}: z = ${z.z} (expert μ = ${mu}, σ = ${sd})`));
      }
      return lines;
    }
  }
}

/**
 * Where the rounded score equals the threshold or another application's, the
 * exact value (and what it decides) so that nobody reads 60.00 as passing 60.
 */
export function exactLines(ctx: Context, agg: Aggregate, threshold: [bigint, bigint], alike: string[]): [Text, string][] {
  if (agg.value === null || !(alike.length > 0 || roundedTies(agg.display, threshold, []))) return [];
  const exact = scoreExact(agg.value);
  const vsThreshold = compareScores(agg.value, { kind: 'rational', num: threshold[0], den: threshold[1] });
  const line = formatFraction(threshold[0], threshold[1]);
  const notes: string[] = [];
  if (agg.display === line) {
    notes.push(
      ctx.t(
        vsThreshold < 0
          ? text(`低于入库分数线 ${line}`, `below the threshold ${line}`)
          : vsThreshold === 0
            ? text(`恰好等于入库分数线 ${line}`, `exactly the threshold ${line}`)
            : text(`高于入库分数线 ${line}`, `above the threshold ${line}`),
      ),
    );
  }
  if (alike.length) notes.push(ctx.t(text(`四舍五入后与 ${alike.join('、')} 相同`, `rounds to the same as ${alike.join(', ')}`)));
  return [[text('精确得分', 'exact score'), `${exact}（${notes.join('；')}）`.replace(/（(.*)）$/, ctx.lang === 'zh' ? '（$1）' : ' ($1)')]];
}
