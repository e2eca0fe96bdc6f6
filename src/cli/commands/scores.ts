// jmfund scores import | aggregate | show | experts (Art. 11, SPEC §7): options → ops/scores → a table or --json.
import { Option, type Command } from 'commander';
import { rowErrorText } from '../../domain/import-row.js';
import { SCORE_METHOD_LABELS, SCORE_STATUS_LABELS } from '../../domain/labels.js';
import { SCORE_METHODS, type ScoreMethod } from '../../domain/policy.js';
import { centiText } from '../../domain/score-row.js';
import { scoreExact, scoreToStored, type RankedAggregate } from '../../domain/scoring.js';
import { noScoresWarning } from '../../domain/step-order.js';
import { text } from '../../domain/text.js';
import { aggregateScoresAsync, expertsSummary, importScores, showScores, type ImportScoresInput } from '../../ops/scores.js';
import { type Context, opContext, warnOnStderr } from '../context.js';
import { lazyArray } from '../json-stream.js';
import { exactLines, howText } from '../score-words.js';
import { type Printer, tsvCell, TTY_TABLE_ROWS } from '../render.js';
import { handler } from '../runner.js';
import { stderrListener } from '../import-output.js';

type ImportOptions = Omit<ImportScoresInput, 'file' | 'round'> & { round?: string };

async function importCommand(ctx: Context, file: string, opts: ImportOptions) {
  const r = await importScores(opContext(ctx), {
    file,
    round: opts.round,
    encoding: opts.encoding,
    sheet: opts.sheet,
    update: opts.update,
    dryRun: opts.dryRun,
    skipInvalid: opts.skipInvalid,
    rejects: opts.rejects,
    force: opts.force,
    lang: ctx.lang,
  });
  // Rows with an error: nothing written, or (--skip-invalid) left out. Exit 1 either way, as an applications import.
  const erred = r.errors.length > 0;
  const failed = erred && !opts.skipInvalid;
  return {
    json: {
      round: r.round,
      file: r.file,
      sha256: r.sha256,
      dry_run: r.dryRun,
      rows: r.rows,
      inserted: r.inserted,
      updated: r.updated,
      unchanged: r.unchanged,
      repeated_in_file: r.repeated,
      not_scores: r.notes,
      written: r.written,
      updates: r.updates,
      rejected: r.rejected,
      rejects_file: r.rejectsFile,
      errors: r.errors.map((e) => ({ line: e.line, column: e.column, value: e.value, message: ctx.t(e.message) })),
      warnings: r.warnings.map((e) => ({ line: e.line, column: e.column, value: e.value, message: ctx.t(e.message) })),
    },
    exitCode: erred ? (1 as const) : (0 as const),
    human: (out: Printer) => {
      // Warnings (repeated rows, notes), then errors, as an applications import lists them: more than 20 of
      // one column, the first 10 and a count naming NAME.warnings.csv or NAME.errors.csv, which hold them all.
      const listed = stderrListener(ctx, file);
      const problem = (e: (typeof r.errors)[number]) => ({ file, line: e.line, column: e.column, label: '', value: e.value, message: rowErrorText(file, e.line, { column: e.column, value: e.value, text: e.message }) });
      for (const w of r.warnings) listed.problem?.('warning', problem(w));
      for (const e of r.errors) listed.problem?.('error', problem(e));
      listed.done();
      listed.finish();
      if (failed) {
        out.line(
          ctx.t(
            text(
              `${file}：${r.errors.length} 处错误（${r.rejected} 行，见上），未写入任何评分；请改正后重新导入，或用 --skip-invalid --rejects FILE 只导入正确的行。`,
              `${file}: ${r.errors.length} error(s) in ${r.rejected} row${r.rejected === 1 ? '' : 's'} (listed above); nothing was written. Fix them and import again, or use --skip-invalid --rejects FILE to import the good rows.`,
            ),
          ),
        );
        return;
      }
      const verb = r.dryRun ? text('（试运行，未写入）', ' (dry run, nothing written)') : text('', '');
      out.line(
        ctx.t(
          text(
            `${file}：${r.rows} 行；新增 ${r.inserted}，更新 ${r.updated}，已存在 ${r.unchanged}${r.repeated > 0 ? `，文件内重复 ${r.repeated}` : ''}${r.notes > 0 ? `，说明行 ${r.notes}（未导入）` : ''}${r.rejected > 0 ? `，出错跳过 ${r.rejected}` : ''}${verb.zh}`,
            `${file}: ${r.rows} rows; ${r.inserted} new, ${r.updated} updated, ${r.unchanged} already there${r.repeated > 0 ? `, ${r.repeated} repeated in the file` : ''}${r.notes > 0 ? `, ${r.notes} note row${r.notes === 1 ? '' : 's'} (left out)` : ''}${r.rejected > 0 ? `, ${r.rejected} with errors left out` : ''}${verb.en}`,
          ),
        ),
      );
      if (r.rejectsFile) out.line(ctx.t(text(`出错的行已写入 ${r.rejectsFile}（含 error 列）；改正后可直接重新导入。`, `the rejected rows are in ${r.rejectsFile} (with an error column); fix them there and import that file.`)));
      for (const u of r.updates) out.line(`  ${u.application_id} ${u.expert_id}: ${JSON.stringify(u.old)} → ${JSON.stringify(u.new)}`);
      if (r.written) out.line(ctx.t(text('请重新运行 `jmfund scores aggregate` 以更新汇总分。', 'run `jmfund scores aggregate` to bring the aggregate up to date.')));
    },
  };
}

const aggregateJson = (a: RankedAggregate) => ({ application_id: a.applicationId, score: a.display, status: a.status, experts: a.experts, recused: a.recused, outliers: a.outliers });


/** The rounded score, with the exact value beside it where the rounded one ties (80.88 (= 80.875)). */
function shownScore(a: RankedAggregate, tied: Set<string>): string {
  if (a.display === null) return '—';
  if (a.value === null || !tied.has(a.display)) return a.display;
  const exact = scoreExact(a.value);
  return exact !== a.display ? `${a.display} (= ${exact})` : a.display;
}

export async function aggregateCommand(ctx: Context, opts: { round?: string; method?: ScoreMethod }) {
  const r = await aggregateScoresAsync(opContext(ctx), { round: opts.round, method: opts.method });
  const { ranked, counts } = r;
  // On stderr, also under --json: a round aggregated before its scores were imported.
  if (r.validScores === 0 && ranked.length > 0) warnOnStderr(ctx, noScoresWarning(r.round, ranked.length));
  const method = SCORE_METHOD_LABELS[r.method];
  return {
    // A getter: the runner reads it only under --json (10^5 objects otherwise made for nothing).
    get json() {
      // Made as they are written (json-stream.ts): 10^6 of them are not held twice.
      return {
        round: r.round,
        method: r.method,
        applications: lazyArray(function* () {
          for (const a of ranked) yield aggregateJson(a);
        }),
      };
    },
    human: (out: Printer) => {
      out.line(
        ctx.t(
          text(
            `批次 ${r.round}：按${method.zh}汇总 ${ranked.length} 个申报（第${r.article}条）：已评分 ${counts.scored}，低于 ${r.threshold} 分 ${counts['below-threshold']}，${SCORE_STATUS_LABELS['insufficient-reviews'].zh}（少于 ${r.minExperts} 位专家）${counts['insufficient-reviews']}`,
            `round ${r.round}: ${ranked.length} applications aggregated by ${method.en} (Art. ${r.article}): ${counts.scored} scored, ${counts['below-threshold']} below ${r.threshold}, ${counts['insufficient-reviews']} with fewer than ${r.minExperts} valid reviews`,
          ),
        ),
      );
      const shown = process.stdout.isTTY && ranked.length > TTY_TABLE_ROWS ? ranked.first(TTY_TABLE_ROWS) : ranked;
      // Rounded scores that cannot tell applications apart: shown by two or more, or equal to the threshold.
      const tied = new Set([r.threshold.toFixed(2), ...ranked.sharedDisplays()]);
      const status = Object.fromEntries(Object.entries(SCORE_STATUS_LABELS).map(([k, t]) => [k, ctx.t(t)])) as Record<RankedAggregate['status'], string>;
      const headers = [text('申报编号', 'application'), text('得分', 'score'), text('状态', 'status'), text('有效评分', 'experts'), text('回避', 'recused'), text('偏离评分（集体审议）', 'outliers (collective review)')];
      if (out.tsvTable) {
        // Piped: each line as text, the same as a row through the TSV table, without its cells (a score has no tab).
        const statusTsv = Object.fromEntries(Object.entries(status).map(([k, v]) => [k, tsvCell(v)])) as Record<RankedAggregate['status'], string>;
        out.tsvTable(
          headers,
          (function* () {
            for (const a of shown) yield `${tsvCell(a.applicationId)}\t${shownScore(a, tied)}\t${statusTsv[a.status]}\t${a.experts}\t${a.recused}\t${a.outliers.length ? tsvCell(a.outliers.join(', ')) : ''}\n`;
          })(),
        );
      } else {
        const rows = Array.from(shown, (a) => [a.applicationId, shownScore(a, tied), status[a.status], a.experts, a.recused, a.outliers.length ? a.outliers.join(', ') : '']);
        out.table(headers, rows, { align: ['left', 'right', 'left', 'right', 'right', 'left'] });
      }
      if (shown !== ranked) {
        out.line(ctx.t(text(`（仅显示前 ${TTY_TABLE_ROWS} 个，共 ${ranked.length} 个；完整列表请用 --json 或输出到管道）`, `(first ${TTY_TABLE_ROWS} of ${ranked.length} shown; use --json or a pipe for all)`)));
      }
      if (r.outliers > 0) {
        out.warn(
          ctx.t(
            text(
              `${r.outliers} 个评分与其他专家平均分相差超过 ${r.outlierGap} 分，需集体审议（仍计入汇总）。`,
              `${r.outliers} score(s) differ from the other experts' mean by more than ${r.outlierGap} points: for collective review (they still count).`,
            ),
          ),
        );
      }
    },
  };
}

function showCommand(ctx: Context, id: string) {
  const v = showScores(opContext(ctx), { application: id });
  const { scores, aggregate: agg, criteria, expertStats: stats } = v;
  const outliers = new Set(agg?.outliers ?? []);
  const zBy = new Map((agg?.details.z ?? []).map((z) => [z.expert_id, z.z]));
  const dropped = new Set(agg?.details.dropped ?? []);
  const json = {
    application_id: v.applicationId,
    round: v.round,
    enterprise_name: v.enterpriseName,
    project_name: v.projectName,
    scores: scores.map((s) => ({
      expert_id: s.expertId,
      score: s.centi === null ? null : centiText(s.centi),
      criteria: s.criteria ? Object.fromEntries(Object.entries(s.criteria).map(([k, x]) => [k, centiText(x)])) : null,
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
          stale: v.stale,
        }
      : null,
  };
  return {
    json,
    human: (out: Printer) => {
      out.fields([
        [text('申报编号', 'application'), v.applicationId],
        [text('批次', 'round'), v.round],
        [text('企业', 'enterprise'), v.enterpriseName],
        [text('项目', 'project'), v.projectName],
      ]);
      if (scores.length === 0) out.line(ctx.t(text('尚无专家评分。', 'no expert scores yet.')));
      const critHeaders = criteria.map((c) => `${ctx.t({ zh: c.zh, en: c.en })} (${c.weightPercent}%, ≤${c.max})`);
      if (scores.length > 0)
        out.table(
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
        ...exactLines(ctx, agg, v.threshold, v.shownAlike),
        [text('状态', 'status'), ctx.t(SCORE_STATUS_LABELS[agg.status])],
        [text('有效评分 / 回避', 'valid / recused'), `${agg.experts} / ${agg.recused}`],
        [text('汇总时间', 'computed'), ctx.instant(agg.computedAt)],
      ]);
      if (agg.details.criteria) {
        out.line(ctx.t(text('各评分项平均：', 'criterion means: ')) + criteria.map((c) => `${c.key} ${agg.details.criteria?.[c.key] ?? '—'}`).join(', '));
      }
      const valid = scores.filter((x) => !x.recused && (x.centi !== null || x.criteria !== null)).map((x) => x.expertId);
      if (agg.status !== 'insufficient-reviews') for (const t of howText(agg.method, agg.details, stats, valid)) out.line(ctx.t(t));
      if (v.stale) out.warn(ctx.t(text('汇总之后评分有变动，请重新运行 `jmfund scores aggregate`。', 'scores changed after this aggregate; run `jmfund scores aggregate` again.')));
    },
  };
}

function expertsCommand(ctx: Context, opts: { round?: string }) {
  const s = expertsSummary(opContext(ctx), { round: opts.round });
  return {
    json: {
      round: s.round,
      overall: s.overall,
      experts: s.experts.map((e) => ({ expert_id: e.expertId, scored: e.scored, recused: e.recused, mean: e.mean || null, sd: e.sd || null, difference: e.difference || null })),
    },
    human: (out: Printer) => {
      out.line(
        ctx.t(
          text(
            `批次 ${s.round}：${s.overall.scores} 个有效评分，平均 ${s.overall.mean || '—'}，标准差 ${s.overall.sd || '—'}`,
            `round ${s.round}: ${s.overall.scores} valid scores, mean ${s.overall.mean || '—'}, SD ${s.overall.sd || '—'}`,
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

export function register(program: Command): void {
  const scores = program.command('scores').description('expert scores (专家评分, Art. 11): import, aggregate, show, experts');

  scores
    .command('import <file>')
    .description('import expert scores from CSV/XLSX: application_id, expert_id, score (or one column per policy criterion), recused, comment')
    .option('--round <id>', 'the round the applications belong to')
    .option('--encoding <name>', 'force the text encoding (utf8, gb18030, utf16le, utf16be)')
    .option('--sheet <name>', 'worksheet of an .xlsx file (default: the first visible one)')
    .option('--update', 'replace scores that differ from those stored (old and new are logged)')
    .option('--skip-invalid', 'import the good rows; needs --rejects')
    .option('--rejects <file>', 'CSV file for the rows left out, with an error column')
    .option('--force', 'overwrite the --rejects file if it exists')
    .option('--dry-run', 'validate and report, write nothing')
    .action(handler((ctx, file: string, opts: ImportOptions) => importCommand(ctx, file, opts)));

  scores
    .command('aggregate')
    .description("aggregate the round's scores and store the result (replaces the previous aggregate)")
    .option('--round <id>', 'the round')
    .addOption(new Option('--method <method>', "aggregation method (default: the policy's)").choices(SCORE_METHODS))
    .action(handler((ctx, opts: { round?: string; method?: ScoreMethod }) => aggregateCommand(ctx, opts)));

  scores
    .command('show <application>')
    .description("each expert's score, recusal and comment, and how the aggregate was reached")
    .action(handler((ctx, id: string) => showCommand(ctx, id)));

  scores
    .command('experts')
    .description('per expert: applications scored, mean and spread (population SD), to see a harsh or lenient expert')
    .option('--round <id>', 'the round')
    .action(handler((ctx, opts: { round?: string }) => expertsCommand(ctx, opts)));
}
