// What `import` and `lists import` share on the command line: the reading
// options, progress and row problems on stderr, and the summary (table or --json).
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { ProblemListFile } from '../io/problem-list.js';
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
  warnings?: string;
  quiet?: boolean;
}

export function readOptions(cmd: Command): Command {
  return cmd
    .option('--encoding <name>', 'force the text encoding: utf8, gb18030, utf16le, utf16be (else detected)')
    .option('--sheet <name>', 'worksheet of an .xlsx file (default: the first)')
    .option('--mapping <file>', 'JSON object {"header in the file": "column"} for other header names')
    .option('--warnings <file>', 'where the full list goes when more than 20 warnings of one kind are summarised (default: beside the input, NAME.warnings.csv)')
    .option('--quiet', 'no warning lines and no warnings file: the counts only')
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

/** More than this many problems of one kind are summarised; the first SHOWN are listed. */
const SUMMARISE_ABOVE = 20;
const SHOWN = 10;

/** NAME.warnings.csv beside the input (its extension replaced). */
export const defaultWarningsFile = (input: string): string => join(dirname(input), `${basename(input, extname(input))}.warnings.csv`);
/** NAME.errors.csv beside the input. */
const defaultErrorsFile = (input: string): string => join(dirname(input), `${basename(input, extname(input))}.errors.csv`);

const LIST_HEADER = ['file', 'line', 'column', 'label', 'value', 'message'];

/**
 * Row problems on stderr as they are found, and a progress bar on a terminal.
 * Problems of one kind (errors or warnings of one column) beyond 20 are not
 * listed one by one: the first 10 are, then one line counts them and names
 * the file that holds them all, written as they are found (io/problem-list.ts,
 * so that memory stays flat): warnings in --warnings (default
 * NAME.warnings.csv beside the input; none with --quiet), errors in
 * NAME.errors.csv. Call `done` when the operation has returned or thrown, then
 * `finish` to keep or drop those files and print the counts (`abandon` when it threw).
 */
export function stderrListener(ctx: Context, file?: string, o: ReadOptions = {}): ImportListener & { done(): void; abandon(e: unknown): never; finish(): void } {
  const bar = progressBar({ lang: ctx.lang });
  const write = (kind: 'error' | 'warning', p: ImportProblem) => {
    bar.clear();
    process.stderr.write(`${kind === 'warning' ? ctx.t(text('警告：', 'warning: ')) : ''}${printable(ctx.t(p.message))}\n`);
  };
  const kinds = new Map<string, { kind: 'error' | 'warning'; label: string; count: number; waiting: ImportProblem[] }>();
  const lists = {
    warning: file && !o.quiet ? new ProblemListFile(o.warnings ?? defaultWarningsFile(file), LIST_HEADER) : null,
    error: file ? new ProblemListFile(defaultErrorsFile(file), LIST_HEADER) : null,
  };
  return {
    progress: bar,
    problem: (kind, p) => {
      const quiet = kind === 'warning' && o.quiet;
      lists[kind]?.add([p.file, p.line, p.column, p.label, p.value, ctx.t(p.message)]);
      const key = `${kind} ${p.column}`;
      const k = kinds.get(key) ?? { kind, label: p.label ? ctx.t(text(`${p.column}（${p.label}）`, `${p.column} (${p.label})`)) : p.column || ctx.t(text('其他', 'other')), count: 0, waiting: [] };
      kinds.set(key, k);
      k.count++;
      if (quiet) return;
      if (k.count <= SHOWN) write(kind, p);
      else if (k.count <= SUMMARISE_ABOVE) k.waiting.push(p);
      else k.waiting.length = 0;
    },
    done: () => bar.done(),
    /** The operation threw: the lists begun are removed, and the error goes on. */
    abandon: (e: unknown): never => {
      // The problems held back to be counted are shown: no count line follows.
      for (const k of kinds.values()) for (const p of k.waiting.splice(0)) write(k.kind, p);
      lists.warning?.discard();
      lists.error?.discard();
      throw e;
    },
    finish: () => {
      for (const k of kinds.values()) for (const p of k.waiting.splice(0)) write(k.kind, p);
      const where: Record<'error' | 'warning', string | null> = { error: null, warning: null };
      for (const kind of ['warning', 'error'] as const) {
        const list = lists[kind];
        if (!list) continue;
        const many = [...kinds.values()].some((k) => k.kind === kind && k.count > SUMMARISE_ABOVE);
        if (!many) {
          list.discard();
          continue;
        }
        if (list.keep()) where[kind] = list.target;
        else {
          const what = kind === 'error' ? text('错误清单', 'the list of errors') : text('警告清单', 'the list of warnings');
          process.stderr.write(
            `${ctx.t(text('警告：', 'warning: '))}${ctx.t(text(`${what.zh}未能写入 ${list.target}：${list.failure}`, `${what.en} could not be written to ${list.target}: ${list.failure}`))}\n`,
          );
        }
      }
      for (const k of kinds.values()) {
        const quiet = k.kind === 'warning' && o.quiet;
        if (!quiet && k.count <= SUMMARISE_ABOVE) continue;
        const n = k.count.toLocaleString('en');
        const shown = quiet ? text('未逐行列出（--quiet）', 'not listed (--quiet)') : text(`上面列出前 ${SHOWN} 行`, `first ${SHOWN} above`);
        const at = where[k.kind];
        const all = at ? text(`全部见 ${at}`, `all in ${at}`) : text('', '');
        const line = text(`${n} 行：${k.label}；${shown.zh}${all.zh ? `；${all.zh}` : ''}`, `${n} rows: ${k.label}; ${shown.en}${all.en ? `; ${all.en}` : ''}`);
        const head = k.kind === 'warning' ? text('警告：', 'warning: ') : text('错误：', 'error: ');
        process.stderr.write(`${ctx.t(head)}${ctx.t(line)}\n`);
      }
    },
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
    repeated_in_file: run.repeated,
    not_applications: run.notApplications,
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
  // Rows the file repeats are said only when there are some.
  const repeated = run.repeated > 0 ? text(`，文件内重复 ${run.repeated}`, `, ${run.repeated} repeated in the file`) : text('', '');
  const n = run.notApplications;
  const totals = n > 0 ? text(`，合计行或说明行 ${n}（未导入）`, `, ${n} totals or note row${n === 1 ? '' : 's'} (left out)`) : text('', '');
  const counts = text(
    `${run.rows} 行：新增 ${run.new}，已存在 ${run.unchanged}${repeated.zh}，更新 ${run.updated}，出错 ${run.rejected}${totals.zh}`,
    `${run.rows} row${run.rows === 1 ? '' : 's'}: ${run.new} new, ${run.unchanged} already there${repeated.en}, ${run.updated} updated, ${run.rejected} rejected${totals.en}`,
  );
  if (run.rejected > 0 && !skipInvalid) {
    // Nothing was written: the outcome first, then what the other rows would have done (not "new 200000").
    const others = text(
      `共 ${run.rows} 行，其余各行可新增 ${run.new}，已存在 ${run.unchanged}${repeated.zh}，可更新 ${run.updated}${totals.zh}`,
      `${run.rows} row${run.rows === 1 ? '' : 's'}; of the others ${run.new} would be new, ${run.unchanged} already there${repeated.en}, ${run.updated} would be updated${totals.en}`,
    );
    out.line(
      t(
        text(
          `${file}：有 ${run.rejected} 行出错（见上），未导入任何内容（${others.zh}）；请改正后重新导入，或用 --skip-invalid --rejects FILE 只导入正确的行。`,
          `${file}: ${run.rejected} row${run.rejected > 1 ? 's have' : ' has'} errors (listed above), so nothing was imported (${others.en}); fix them and import again, or use --skip-invalid --rejects FILE to import the good rows.`,
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
