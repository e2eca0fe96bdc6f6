// What `import` and `lists import` share on the command line: the reading
// options, progress and row problems on stderr, and the summary (table or --json).
import type { Command } from 'commander';
import { type Text, text } from '../domain/text.js';
import type { ImportListener, ImportProblem, ReadInput, TableImport } from '../ops/import.js';
import type { Context } from './context.js';
import { progressBar } from './progress.js';
import { printable, type Printer } from './render.js';

export interface ReadOptions {
  encoding?: string;
  sheet?: string;
  mapping?: string;
  skipInvalid?: boolean;
  rejects?: string;
  force?: boolean;
  dryRun?: boolean;
}

export function readOptions(cmd: Command): Command {
  return cmd
    .option('--encoding <name>', 'force the text encoding: utf8, gb18030, utf16le, utf16be (else detected)')
    .option('--sheet <name>', 'worksheet of an .xlsx file (default: the first)')
    .option('--mapping <file>', 'JSON object {"header in the file": "column"} for other header names')
    .option('--skip-invalid', 'import the good rows; needs --rejects')
    .option('--rejects <file>', 'CSV file for the rows left out, with an error column')
    .option('--force', 'overwrite the --rejects file if it exists')
    .option('--dry-run', 'validate and report; write nothing');
}

/** The operation's reading input: problems are kept for --json only (a person sees them on stderr). */
export const readInput = (ctx: Context, file: string, o: ReadOptions): ReadInput => ({
  file,
  encoding: o.encoding,
  sheet: o.sheet,
  mapping: o.mapping,
  skipInvalid: o.skipInvalid,
  rejects: o.rejects,
  force: o.force,
  dryRun: o.dryRun,
  lang: ctx.lang,
  keepProblems: ctx.json ? undefined : 0,
});

/**
 * Row problems on stderr as they are found (so that a file with many bad rows
 * needs no memory for them), and a progress bar on a terminal.
 * Call `done` when the operation has returned or thrown.
 */
export function stderrListener(ctx: Context): ImportListener & { done(): void } {
  const bar = progressBar({ lang: ctx.lang });
  return {
    progress: bar,
    problem: (kind, p) => {
      bar.clear();
      process.stderr.write(`${kind === 'warning' ? `${ctx.t(text('警告', 'warning'))}: ` : ''}${printable(ctx.t(p.message))}\n`);
    },
    done: () => bar.done(),
  };
}

/** The header problem or the unreadable record, which no row reported; on stderr before the summary. */
export function reportDiagnostics(ctx: Context, run: TableImport): void {
  const lines: string[] = [];
  if (run.fatal) lines.push(ctx.t(run.fatal.message));
  if (run.headerProblem) lines.push(ctx.t(run.headerProblem));
  if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
}

const problemJson = (ctx: Context, p: ImportProblem) => ({ file: p.file, line: p.line, column: p.column, label: p.label, value: p.value, message: ctx.t(p.message) });

export function summaryJson(ctx: Context, run: TableImport, more: Record<string, unknown>) {
  const header = run.headerProblem ? [{ file: run.file, line: run.headerLine, column: '', label: '', value: '', message: ctx.t(run.headerProblem) }] : [];
  return {
    file: run.file,
    ...more,
    dry_run: run.dryRun,
    header_line: run.headerLine,
    rows: run.rows,
    new: run.new,
    already_there: run.unchanged,
    updated: run.updated,
    rejected: run.rejected,
    written: run.written,
    rejects_file: run.rejectsFile,
    errors: [...header, ...(run.fatal ? [problemJson(ctx, run.fatal)] : []), ...run.errors.map((p) => problemJson(ctx, p))],
    warnings: run.warnings.map((p) => problemJson(ctx, p)),
    // More than the operation keeps: the JSON lists the first ones and counts the rest.
    errors_not_listed: run.errorCount - run.errors.length,
    warnings_not_listed: run.warningCount - run.warnings.length,
  };
}

export function summaryHuman(ctx: Context, out: Printer, run: TableImport, skipInvalid: boolean, target: Text): void {
  const { file } = run;
  const t = ctx.t;
  if (run.headerProblem) {
    out.line(t(text(`${file}：未导入任何内容（表头有问题，见上）。`, `${file}: nothing imported (the header has problems, see above).`)));
    return;
  }
  if (run.fatal) {
    out.line(t(text(`${file}：文件第 ${run.fatal.line} 行无法读取（见上），未导入任何内容。`, `${file}: the file cannot be read past line ${run.fatal.line} (see above); nothing imported.`)));
    return;
  }
  if (run.rows === 0) {
    out.line(t(text(`${file}：表头（第 ${run.headerLine} 行）之后没有数据行，未导入任何内容。`, `${file}: no rows after the header (line ${run.headerLine}); nothing imported.`)));
    return;
  }
  const counts = text(
    `${run.rows} 行：新增 ${run.new}，已存在 ${run.unchanged}，更新 ${run.updated}，出错 ${run.rejected}`,
    `${run.rows} row${run.rows === 1 ? '' : 's'}: ${run.new} new, ${run.unchanged} already there, ${run.updated} updated, ${run.rejected} rejected`,
  );
  if (run.rejected > 0 && !skipInvalid) {
    out.line(
      t(
        text(
          `${file}：${counts.zh}。有 ${run.rejected} 行出错（见上），未导入任何内容；请改正后重新导入，或用 --skip-invalid --rejects FILE 只导入正确的行。`,
          `${file}: ${counts.en}. ${run.rejected} row${run.rejected > 1 ? 's have' : ' has'} errors (listed above), so nothing was imported; fix them and import again, or use --skip-invalid --rejects FILE to import the good rows.`,
        ),
      ),
    );
    return;
  }
  if (run.dryRun) {
    out.line(t(text(`试运行 ${file} → ${target.zh}：${counts.zh}。未写入任何内容。`, `dry run ${file} → ${target.en}: ${counts.en}. Nothing was written.`)));
    return;
  }
  out.line(t(text(`${file} → ${target.zh}：${counts.zh}。`, `${file} → ${target.en}: ${counts.en}.`)));
  if (run.rejectsFile) out.line(t(text(`出错的行已写入 ${run.rejectsFile}（含 error 列）；改正后可直接重新导入。`, `the rejected rows are in ${run.rejectsFile} (with an error column); fix them there and import that file.`)));
  if (!run.written && run.new + run.updated === 0) out.line(t(text('账本没有变化。', 'the ledger is unchanged.')));
}
