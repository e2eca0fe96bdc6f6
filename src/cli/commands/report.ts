// jmfund report KIND: a round's report in a format, to a file or stdout
// (Art. 6, 10(4), 11, 15, 17; SPEC §12).
import type { Command } from 'commander';
import { Option } from 'commander';
import { resolve } from 'node:path';
import { REPORT_FORMATS, REPORT_KINDS, type ReportFormat } from '../../domain/reports/model.js';
import { text } from '../../domain/text.js';
import { writeRoundReport } from '../../ops/reports.js';
import { opContext, type Context } from '../context.js';
import { UserError } from '../../domain/errors.js';
import { countOption } from '../options.js';
import type { Output } from '../render.js';
import { handler } from '../runner.js';
import { keepHeapNearLiveSet } from '../heap.js';

interface ReportOptions {
  round?: string;
  format?: ReportFormat;
  out?: string;
  force?: boolean;
  category?: string;
  draws?: string;
  seed?: string;
  htmlRows?: string;
}

// Keyed by this text in the Chinese help (i18n/help-zh.ts); the default is HTML_ROWS_SHOWN.
const HTML_ROWS_HELP = 'html: the rows each long listing of the audit report shows (default 10,000; all: every row); the other formats hold every row';

/** --html-rows N | all: a whole number ≥ 1, or null for every row. */
function htmlRowsOption(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value.normalize('NFKC').trim().toLowerCase() === 'all') return null;
  const n = countOption('html-rows', value);
  if (n === 0) throw new UserError(text('--html-rows 应至少为 1，或 all（全部行）。', '--html-rows must be at least 1, or all (every row).'), 2);
  return n ?? undefined;
}

async function reportCommand(ctx: Context, explicitLang: string | undefined, kind: string, opts: ReportOptions): Promise<Output> {
  // As `jmfund line`: each draw's plan is garbage the moment it is tallied.
  if (kind === 'line') keepHeapNearLiveSet();
  const r = await writeRoundReport(opContext(ctx), {
    kind,
    roundId: opts.round,
    format: opts.format,
    out: opts.out === undefined ? undefined : resolve(opts.out),
    force: opts.force,
    lang: ctx.lang,
    timeZone: ctx.tz,
    langExplicit: explicitLang !== undefined,
    line: { category: opts.category, draws: countOption('draws', opts.draws), seed: opts.seed },
    htmlRows: htmlRowsOption(opts.htmlRows),
  });
  if ('out' in r) {
    const { out, bytes, sha256 } = r;
    return {
      json: r,
      human: (p) => p.line(ctx.t(text(`已写入 ${out}（${bytes} 字节，SHA-256 ${sha256}）`, `wrote ${out} (${bytes} bytes, SHA-256 ${sha256})`))),
    };
  }
  const s = r.content;
  return {
    json: r.format === 'json' ? (JSON.parse(s) as unknown) : r,
    // The report itself, byte for byte (a CSV keeps its BOM and CRLF).
    human: (p) => p.line(s.endsWith('\n') ? s.slice(0, -1) : s),
  };
}

export function register(program: Command): void {
  program
    .command('report <kind>')
    .description(`write a report of a round: ${REPORT_KINDS.join(' | ')} (补助名单、公示名单、审计、资金使用、绩效、资助线)`)
    .requiredOption('--round <id>', 'the round')
    .addOption(new Option('--format <format>', 'csv | json | xlsx | html | md (default: from --out, else md)').choices([...REPORT_FORMATS]))
    .option('--out <file>', 'write to FILE (atomically) instead of stdout; needed for xlsx')
    .option('--force', 'overwrite an existing --out file')
    .option('--category <category>', 'report line: one category (key or name); default all')
    .option('--draws <n>', 'report line: draws from the model (default 1000)')
    .option('--seed <text>', 'report line: seed of the random draws (default the round ID)')
    .option('--html-rows <n>', HTML_ROWS_HELP)
    .action(handler((ctx, kind: string, opts: ReportOptions) => reportCommand(ctx, (program.opts() as { lang?: string }).lang, kind, opts)));
}
