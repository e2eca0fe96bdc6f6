// jmfund scores import | aggregate | show | experts (Art. 11, SPEC §7)
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { SCORE_METHODS, type ScoreMethod } from '../../domain/policy.js';
import { centiText, contentKey, matchScoreHeader, PairMap, parseScoreRow, requiredColumnNames, scoreContent, type RowError, type ScoreColumns, type ScoreRow } from '../../domain/score-row.js';
import { aggregateApplication, expertSummaries, expertUnits, formatFraction, rankAggregates, ScoreMoments, scoreToStored, scoringRules, zStatistics, type Aggregate, type AggregateDetails, type ScoringRules, type ZStatistics } from '../../domain/scoring.js';
import { text, type Text } from '../../domain/text.js';
import { SCORE_METHOD_LABELS, SCORE_STATUS_LABELS } from '../../domain/labels.js';
import { appendEvent } from '../../ledger/events.js';
import { inTransaction } from '../../ledger/open.js';
import { getApplication } from '../../ledger/applications.repo.js';
import {
  applicationRound,
  applicationScores,
  countRoundScores,
  expertStats,
  getAggregate,
  getScore,
  lastEventSeq,
  latestScoreImport,
  replaceAggregates,
  roundApplicationIds,
  replaceExpertStats,
  roundScoreContents,
  forEachApplicationScores,
  roundMoments,
  writeScores,
  type StoredScore,
} from '../../ledger/scores.repo.js';
import type { Context } from '../context.js';
import { UserError } from '../../domain/errors.js';
import { requireRound } from '../../ops/lookup.js';
import type { Printer } from '../render.js';
import { handler } from '../runner.js';

// ---------------------------------------------------------------------------
// import

interface ImportOptions {
  round?: string;
  encoding?: string;
  sheet?: string;
  update?: boolean;
  dryRun?: boolean;
}

interface ScoreUpdate {
  application_id: string;
  expert_id: string;
  line: number;
  old: unknown;
  new: unknown;
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

const contentJson = (r: Pick<ScoreRow, 'centi' | 'criteria' | 'recused' | 'comment'>): unknown => JSON.parse(scoreContent(r)) as unknown;

const storedContent = (s: StoredScore) => ({ centi: s.centi, criteria: s.criteria, recused: s.recused, comment: s.comment });

function rowErrorText(file: string, e: RowError): Text {
  const where = e.column ? { zh: `${file} 第 ${e.line} 行，列“${e.column}”，值「${e.value}」：`, en: `${file}:${e.line}: column "${e.column}", value "${e.value}": ` } : { zh: `${file} 第 ${e.line} 行：`, en: `${file}:${e.line}: ` };
  return text(where.zh + e.message.zh, where.en + e.message.en);
}

/** Reads the file (CSV or XLSX) and finds the header; returns the data rows' results. */
async function readScoreSheet(
  path: string,
  opts: ImportOptions,
  rules: ScoringRules,
  onRow: (line: number, cells: string[], cols: ScoreColumns) => void,
): Promise<{ columns: ScoreColumns }> {
  // Loaded lazily: the reader pulls in the decoders, which `--help` does not need.
  const { readTableBatches } = await import('../../io/table-reader.js');
  let columns: ScoreColumns | undefined;
  let best: { line: number; missing: string[]; duplicates: string[] } | undefined;
  try {
    for await (const batch of readTableBatches(path, { encoding: opts.encoding, sheet: opts.sheet })) {
      for (const rec of batch) {
        if (columns) {
          onRow(rec.line, rec.cells, columns);
          continue;
        }
        // SPEC §5: the header is the first row that holds the required columns; title rows above it are skipped.
        const m = matchScoreHeader(rec.cells, rules);
        if (m.ok) columns = m.columns;
        else if (!best || m.missing.length + m.duplicates.length < best.missing.length + best.duplicates.length) best = { line: rec.line, ...m };
      }
    }
  } catch (e) {
    const t = (e as { text?: Text }).text;
    if (t && typeof t.zh === 'string' && typeof t.en === 'string') throw new UserError(t, 2);
    throw e;
  }
  if (!columns) {
    const need = requiredColumnNames(rules).join(', ');
    const detail = best
      ? best.duplicates.length > 0
        ? text(`第 ${best.line} 行的列重复：${best.duplicates.join('、')}`, `line ${best.line} has repeated columns: ${best.duplicates.join(', ')}`)
        : text(`最接近的第 ${best.line} 行缺少：${best.missing.join('、')}`, `the closest, line ${best.line}, lacks: ${best.missing.join(', ')}`)
      : text('文件中没有数据', 'the file holds no rows');
    throw new UserError(
      text(`${path} 中找不到评分表的表头行（需要列：${need}）；${detail.zh}`, `${path}: no header row of a score sheet found (needs columns: ${need}); ${detail.en}`),
      2,
      text('表头可用英文列名或中文列名，如 申报编号、专家编号、评分、是否回避、评审意见。', 'headers may be the English names or the Chinese labels, e.g. 申报编号, 专家编号, 评分, 是否回避, 评审意见.'),
    );
  }
  return { columns };
}

const changedWhileReading = () =>
  new UserError(text('读取期间账本已被另一个命令更改，本命令未作任何更改；请重新运行。', 'the ledger was changed by another command while this one was reading it; nothing was changed, run it again.'), 2);

async function importScores(ctx: Context, file: string, opts: ImportOptions) {
  const db = ctx.db();
  const round = requireRound(db, opts.round);
  const rules = scoringRules(round.policy);
  const sourceName = basename(file);
  const weightedTotal = (c: Record<string, number>) => formatFraction(expertUnits(rules, null, c) ?? 0n, rules.unitsPerPoint);

  // Validation reads the ledger before the write transaction; if another
  // command writes in between, the write is refused rather than mixed.
  const headSeq = lastEventSeq(db);
  const appIds = roundApplicationIds(db, round.roundId);
  const existing = countRoundScores(db, round.roundId) > 0 ? roundScoreContents(db, round.roundId) : new PairMap<string>();
  const otherRound = new Map<string, string | undefined>();
  // (application, expert) → the line it was first seen on.
  const seen = new PairMap<number>();
  const affected = new Set<string>();
  const errors: RowError[] = [];
  const inserts: ScoreRow[] = [];
  const updates: ScoreRow[] = [];
  const updateLog: ScoreUpdate[] = [];
  let rows = 0;
  let unchanged = 0;

  await readScoreSheet(file, opts, rules, (line, cells, cols) => {
    rows++;
    const row = parseScoreRow(line, cells, cols, rules, weightedTotal, errors);
    const appHeader = cols.headers[cols.applicationId];
    const appId = row?.applicationId ?? (cells[cols.applicationId] ?? '').normalize('NFKC').trim();
    if (appId !== '' && !appIds.has(appId)) {
      if (!otherRound.has(appId)) otherRound.set(appId, applicationRound(db, appId));
      const other = otherRound.get(appId);
      errors.push({
        line,
        column: appHeader,
        value: appId,
        message: other
          ? text(`该申报属于批次 ${other}，不属于 ${round.roundId}；应为本批次的申报编号`, `the application belongs to round ${other}, not ${round.roundId}; expected an application of this round`)
          : text(`本批次 ${round.roundId} 中没有该申报；应为已导入本批次的申报编号`, `no such application in round ${round.roundId}; expected the ID of an application imported in this round`),
      });
      return;
    }
    if (!row) return;
    const first = seen.get(row.applicationId, row.expertId);
    if (first !== undefined) {
      errors.push({
        line,
        column: cols.headers[cols.expertId],
        value: row.expertId,
        message: text(`同一申报 ${row.applicationId} 与同一专家在第 ${first} 行已出现；每位专家对每个申报只能有一行`, `the same application ${row.applicationId} and expert already appear on line ${first}; one row per application and expert`),
      });
      return;
    }
    seen.set(row.applicationId, row.expertId, line);
    const stored = existing.get(row.applicationId, row.expertId);
    if (stored === undefined) {
      inserts.push(row);
      affected.add(row.applicationId);
      return;
    }
    if (stored === contentKey(row.centi, row.criteria ? JSON.stringify(row.criteria) : null, row.recused, row.comment)) {
      unchanged++;
      return;
    }
    const old = getScore(db, row.applicationId, row.expertId) as StoredScore;
    const before = scoreContent(storedContent(old));
    if (opts.update) {
      updates.push(row);
      affected.add(row.applicationId);
      updateLog.push({ application_id: row.applicationId, expert_id: row.expertId, line, old: JSON.parse(before) as unknown, new: contentJson(row) });
      return;
    }
    const what = (x: { centi: number | null; criteria: Record<string, number> | null; recused: boolean }): Text =>
      x.recused && x.centi === null && x.criteria === null
        ? text('回避', 'recused')
        : x.criteria
          ? text(Object.entries(x.criteria).map(([k, v]) => `${k} ${centiText(v)}`).join('，'), Object.entries(x.criteria).map(([k, v]) => `${k} ${centiText(v)}`).join(', '))
          : text(`${centiText(x.centi ?? 0)}${x.recused ? '（回避）' : ''}`, `${centiText(x.centi ?? 0)}${x.recused ? ' (recused)' : ''}`);
    const was = what(old);
    const sameScore = was.en === what(row).en;
    const commentNote = sameScore ? text(`，评审意见不同（原为「${old.comment ?? ''}」）`, `, with a different comment (stored: "${old.comment ?? ''}")`) : text('', '');
    errors.push({
      line,
      column: sameScore && cols.comment !== null ? cols.headers[cols.comment] : cols.score !== null ? cols.headers[cols.score] : '',
      value: sameScore && cols.comment !== null ? (cells[cols.comment] ?? '') : cols.score !== null ? (cells[cols.score] ?? '') : '',
      message: text(
        `该专家对 ${row.applicationId} 已有不同的评分（${was.zh}${commentNote.zh}，来自 ${old.sourceFile} 第 ${old.sourceLine} 行）；如需替换请加 --update（将记录新旧值）`,
        `expert ${row.expertId} already scored ${row.applicationId} differently (${was.en}${commentNote.en}, from ${old.sourceFile} line ${old.sourceLine}); give --update to replace it (old and new are logged)`,
      ),
    });
  });

  const sha256 = await sha256File(file);
  errors.sort((a, b) => a.line - b.line);
  const failed = errors.length > 0;
  const write = !failed && !opts.dryRun && (inserts.length > 0 || updates.length > 0);
  if (write) {
    const at = ctx.now();
    inTransaction(db, () => {
      if (lastEventSeq(db) !== headSeq) throw changedWhileReading();
      writeScores(db, round.roundId, inserts, updates, { file: sourceName, sha256, at });
      appendEvent(db, {
        at,
        officer: ctx.officer,
        command: 'scores import',
        roundId: round.roundId,
        appIds: [...affected],
        details: { file: sourceName, sha256, rows, inserted: inserts.length, updated: updates.length, unchanged, updates: updateLog },
      });
    });
  }
  const json = {
    round: round.roundId,
    file: sourceName,
    sha256,
    dry_run: Boolean(opts.dryRun),
    rows,
    inserted: failed ? 0 : inserts.length,
    updated: failed ? 0 : updates.length,
    unchanged,
    written: write,
    updates: failed ? [] : updateLog,
    errors: errors.map((e) => ({ line: e.line, column: e.column, value: e.value, message: ctx.t(e.message) })),
  };
  return {
    json,
    exitCode: failed ? (1 as const) : (0 as const),
    human: (out: Printer) => {
      if (failed) {
        for (const e of errors) out.warn(ctx.t(rowErrorText(file, e)));
        out.line(ctx.t(text(`${file}：${errors.length} 处错误，未写入任何评分。`, `${file}: ${errors.length} error(s); nothing was written.`)));
        return;
      }
      const verb = opts.dryRun ? text('（试运行，未写入）', ' (dry run, nothing written)') : text('', '');
      out.line(
        ctx.t(
          text(
            `${file}：${rows} 行；新增 ${inserts.length}，更新 ${updates.length}，已存在 ${unchanged}${verb.zh}`,
            `${file}: ${rows} rows; ${inserts.length} new, ${updates.length} updated, ${unchanged} already there${verb.en}`,
          ),
        ),
      );
      for (const u of updateLog) out.line(`  ${u.application_id} ${u.expert_id}: ${JSON.stringify(u.old)} → ${JSON.stringify(u.new)}`);
      if (write) out.line(ctx.t(text('请重新运行 `jmfund scores aggregate` 以更新汇总分。', 'run `jmfund scores aggregate` to bring the aggregate up to date.')));
    },
  };
}

// ---------------------------------------------------------------------------
// aggregate

const TTY_ROWS = 1000;

function aggregateJson(a: Aggregate) {
  return {
    application_id: a.applicationId,
    score: a.display,
    status: a.status,
    experts: a.experts,
    recused: a.recused,
    outliers: a.outliers,
  };
}

function aggregate(ctx: Context, opts: { round?: string; method?: ScoreMethod }) {
  const db = ctx.db();
  const round = requireRound(db, opts.round);
  const rules = scoringRules(round.policy, opts.method);
  const headSeq = lastEventSeq(db);
  // The z-score needs the round's totals (μ, σ, μ_e, σ_e) before the first
  // application; the other methods gather them (for the experts' table) on the way.
  const zMethod = rules.method === 'z-score';
  const moments = zMethod ? roundMoments(db, round.roundId, rules) : new ScoreMoments();
  const z: ZStatistics | undefined = zMethod ? zStatistics(moments, rules.unitsPerPoint) : undefined;
  const aggs: Aggregate[] = [];
  forEachApplicationScores(db, round.roundId, rules, (a) => {
    if (!zMethod) moments.addApplication(a);
    aggs.push(aggregateApplication(a, rules, z));
  });
  const experts = expertSummaries(moments, rules.unitsPerPoint).experts;
  const counts = { scored: 0, 'insufficient-reviews': 0, 'below-threshold': 0 };
  let outliers = 0;
  let scores = 0;
  for (const a of aggs) {
    counts[a.status]++;
    outliers += a.outliers.length;
    scores += a.experts;
  }
  const at = ctx.now();
  inTransaction(db, () => {
    if (lastEventSeq(db) !== headSeq) throw changedWhileReading();
    replaceAggregates(db, round.roundId, aggs, at);
    replaceExpertStats(db, round.roundId, experts);
    appendEvent(db, {
      at,
      officer: ctx.officer,
      command: 'scores aggregate',
      roundId: round.roundId,
      details: { method: rules.method, applications: aggs.length, valid_scores: scores, ...counts, outliers, min_experts: rules.minExperts, threshold: round.policy.scoring.threshold, outlier_gap: round.policy.scoring.outlierGap },
    });
  });
  const ranked = rankAggregates(aggs);
  return {
    json: { round: round.roundId, method: rules.method, applications: ranked.map(aggregateJson) },
    human: (out: Printer) => {
      out.line(
        ctx.t(
          text(
            `批次 ${round.roundId}：按${SCORE_METHOD_LABELS[rules.method].zh}汇总 ${aggs.length} 个申报（第${round.policy.scoring.article}条）：已评分 ${counts.scored}，低于 ${round.policy.scoring.threshold} 分 ${counts['below-threshold']}，评审不足（少于 ${rules.minExperts} 位专家）${counts['insufficient-reviews']}`,
            `round ${round.roundId}: ${aggs.length} applications aggregated by ${SCORE_METHOD_LABELS[rules.method].en} (Art. ${round.policy.scoring.article}): ${counts.scored} scored, ${counts['below-threshold']} below ${round.policy.scoring.threshold}, ${counts['insufficient-reviews']} with fewer than ${rules.minExperts} valid reviews`,
          ),
        ),
      );
      // A boxed table of 200,000 rows helps nobody on a terminal; pipes and --json get every row.
      const shown = process.stdout.isTTY && ranked.length > TTY_ROWS ? ranked.slice(0, TTY_ROWS) : ranked;
      out.table(
        [text('申报编号', 'application'), text('得分', 'score'), text('状态', 'status'), text('有效评分', 'experts'), text('回避', 'recused'), text('偏离评分（集体审议）', 'outliers (collective review)')],
        shown.map((a) => [a.applicationId, a.display ?? '—', ctx.t(SCORE_STATUS_LABELS[a.status]), a.experts, a.recused, a.outliers.join(', ')]),
        { align: ['left', 'right', 'left', 'right', 'right', 'left'] },
      );
      if (shown.length < ranked.length) {
        out.line(ctx.t(text(`（仅显示前 ${TTY_ROWS} 个，共 ${ranked.length} 个；完整列表请用 --json 或输出到管道）`, `(first ${TTY_ROWS} of ${ranked.length} shown; use --json or a pipe for all)`)));
      }
      if (outliers > 0) {
        out.warn(
          ctx.t(
            text(
              `${outliers} 个评分与其他专家平均分相差超过 ${round.policy.scoring.outlierGap} 分，需集体审议（仍计入汇总）。`,
              `${outliers} score(s) differ from the other experts' mean by more than ${round.policy.scoring.outlierGap} points: for collective review (they still count).`,
            ),
          ),
        );
      }
    },
  };
}

// ---------------------------------------------------------------------------
// show

type ExpertStatsMap = ReturnType<typeof expertStats>;

function howText(method: ScoreMethod, d: AggregateDetails, stats: ExpertStatsMap, valid: string[]): Text[] {
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

function show(ctx: Context, id: string) {
  const db = ctx.db();
  const appId = id.normalize('NFKC').trim();
  const app = getApplication(db, appId);
  if (!app) throw new UserError(text(`没有申报 ${appId}。`, `no application ${appId}.`), 2);
  const round = requireRound(db, app.roundId);
  const criteria = round.policy.scoring.criteria;
  const scores = applicationScores(db, appId);
  const agg = getAggregate(db, appId);
  const latest = latestScoreImport(db, app.roundId);
  const stale = agg !== undefined && latest !== undefined && latest > agg.computedAt;
  const stats = expertStats(db, app.roundId);
  const outliers = new Set(agg?.outliers ?? []);
  const zBy = new Map((agg?.details.z ?? []).map((z) => [z.expert_id, z.z]));
  const dropped = new Set(agg?.details.dropped ?? []);
  const json = {
    application_id: appId,
    round: app.roundId,
    enterprise_name: app.enterpriseName,
    project_name: app.projectName,
    scores: scores.map((s) => ({
      expert_id: s.expertId,
      score: s.centi === null ? null : centiText(s.centi),
      criteria: s.criteria ? Object.fromEntries(Object.entries(s.criteria).map(([k, v]) => [k, centiText(v)])) : null,
      recused: s.recused,
      comment: s.comment,
      source_file: s.sourceFile,
      source_line: s.sourceLine,
    })),
    aggregate: agg
      ? {
          method: agg.method,
          status: agg.status,
          score: agg.display,
          exact: agg.value ? scoreToStored(agg.value) : null,
          experts: agg.experts,
          recused: agg.recused,
          outliers: agg.outliers,
          details: agg.details,
          expert_stats: Object.fromEntries(scores.filter((x) => stats.has(x.expertId)).map((x) => [x.expertId, stats.get(x.expertId)])),
          computed_at: agg.computedAt,
          stale,
        }
      : null,
  };
  return {
    json,
    human: (out: Printer) => {
      out.fields([
        [text('申报编号', 'application'), appId],
        [text('批次', 'round'), app.roundId],
        [text('企业', 'enterprise'), app.enterpriseName],
        [text('项目', 'project'), app.projectName],
      ]);
      if (scores.length === 0) out.line(ctx.t(text('尚无专家评分。', 'no expert scores yet.')));
      const critHeaders = criteria.map((c) => `${ctx.t({ zh: c.zh, en: c.en })} (${c.weightPercent}%, ≤${c.max})`);
      if (scores.length > 0) out.table(
        [text('专家', 'expert'), ...(criteria.length ? critHeaders : [text('评分', 'score')]), text('回避', 'recused'), text('说明', 'note'), text('评审意见', 'comment'), text('来源', 'source')],
        scores.map((s) => {
          const notes: string[] = [];
          if (outliers.has(s.expertId)) notes.push(ctx.t(text('偏离（集体审议）', 'outlier (collective review)')));
          if (dropped.has(s.expertId)) notes.push(ctx.t(text('去掉', 'dropped')));
          if (zBy.has(s.expertId)) notes.push(`z = ${zBy.get(s.expertId)}`);
          const cells = criteria.length ? criteria.map((c) => (s.criteria?.[c.key] !== undefined ? centiText(s.criteria[c.key]) : '')) : [s.centi === null ? '' : centiText(s.centi)];
          return [s.expertId, ...cells, s.recused ? ctx.t(text('是', 'yes')) : '', notes.join('; '), s.comment ?? '', `${s.sourceFile}:${s.sourceLine}`];
        }),
      );
      if (!agg) {
        out.line(ctx.t(text('尚未汇总：运行 `jmfund scores aggregate`。', 'not aggregated yet: run `jmfund scores aggregate`.')));
        return;
      }
      out.fields([
        [text('方法', 'method'), ctx.t(SCORE_METHOD_LABELS[agg.method])],
        [text('得分', 'score'), agg.display ?? '—'],
        [text('状态', 'status'), ctx.t(SCORE_STATUS_LABELS[agg.status])],
        [text('有效评分 / 回避', 'valid / recused'), `${agg.experts} / ${agg.recused}`],
        [text('汇总时间', 'computed'), agg.computedAt],
      ]);
      if (agg.details.criteria) {
        out.line(ctx.t(text('各评分项平均：', 'criterion means: ')) + criteria.map((c) => `${c.key} ${agg.details.criteria?.[c.key] ?? '—'}`).join(', '));
      }
      if (agg.status !== 'insufficient-reviews') for (const t of howText(agg.method, agg.details, stats, scores.filter((x) => !x.recused && (x.centi !== null || x.criteria !== null)).map((x) => x.expertId))) out.line(ctx.t(t));
      if (stale) out.warn(ctx.t(text('汇总之后评分有变动，请重新运行 `jmfund scores aggregate`。', 'scores changed after this aggregate; run `jmfund scores aggregate` again.')));
    },
  };
}

// ---------------------------------------------------------------------------
// experts

function experts(ctx: Context, opts: { round?: string }) {
  const db = ctx.db();
  const round = requireRound(db, opts.round);
  const rules = scoringRules(round.policy);
  const s = expertSummaries(roundMoments(db, round.roundId, rules), rules.unitsPerPoint);
  return {
    json: {
      round: round.roundId,
      overall: s.overall,
      experts: s.experts.map((e) => ({ expert_id: e.expertId, scored: e.scored, recused: e.recused, mean: e.mean || null, sd: e.sd || null, difference: e.difference || null })),
    },
    human: (out: Printer) => {
      out.line(
        ctx.t(
          text(
            `批次 ${round.roundId}：${s.overall.scores} 个有效评分，平均 ${s.overall.mean || '—'}，标准差 ${s.overall.sd || '—'}`,
            `round ${round.roundId}: ${s.overall.scores} valid scores, mean ${s.overall.mean || '—'}, SD ${s.overall.sd || '—'}`,
          ),
        ),
      );
      out.table(
        [text('专家', 'expert'), text('评分数', 'scored'), text('回避', 'recused'), text('平均分', 'mean'), text('标准差', 'SD'), text('与全批次平均之差', 'vs round mean')],
        s.experts.map((e) => [e.expertId, e.scored, e.recused, e.mean || '—', e.sd || '—', e.difference || '—']),
        { align: ['left', 'right', 'right', 'right', 'right', 'right'] },
      );
    },
  };
}

// ---------------------------------------------------------------------------

export function register(program: Command): void {
  const scores = program.command('scores').description('expert scores (专家评分, Art. 11): import, aggregate, show, experts');

  scores
    .command('import <file>')
    .description('import expert scores from CSV/XLSX: application_id, expert_id, score (or one column per policy criterion), recused, comment')
    .option('--round <id>', 'the round the applications belong to')
    .option('--encoding <name>', 'force the text encoding (utf8, gb18030, utf16le, utf16be)')
    .option('--sheet <name>', 'worksheet of an .xlsx file (default: the first visible one)')
    .option('--update', 'replace scores that differ from those stored (old and new are logged)')
    .option('--dry-run', 'validate and report, write nothing')
    .action(handler((ctx, file: string, opts: ImportOptions) => importScores(ctx, file, opts)));

  scores
    .command('aggregate')
    .description("aggregate the round's scores and store the result (replaces the previous aggregate)")
    .option('--round <id>', 'the round')
    .addOption(new Option('--method <method>', "aggregation method (default: the policy's)").choices(SCORE_METHODS))
    .action(handler((ctx, opts: { round?: string; method?: ScoreMethod }) => aggregate(ctx, opts)));

  scores
    .command('show <application>')
    .description("each expert's score, recusal and comment, and how the aggregate was reached")
    .action(handler((ctx, id: string) => show(ctx, id)));

  scores
    .command('experts')
    .description('per expert: applications scored, mean and spread (population SD), to see a harsh or lenient expert')
    .option('--round <id>', 'the round')
    .action(handler((ctx, opts: { round?: string }) => experts(ctx, opts)));
}
