// jmfund report KIND: a round's report in a format, to a file or stdout
// (Art. 6, 10(4), 11, 15, 17; SPEC §12).
import type { Command } from 'commander';
import { Option } from 'commander';
import { resolve } from 'node:path';
import { REPORT_FORMATS, REPORT_KINDS, type ReportFormat } from '../../domain/reports/model.js';
import { text } from '../../domain/text.js';
import { writeRoundReport } from '../../ops/reports.js';
import { opContext, type Context } from '../context.js';
import { countOption } from '../options.js';
import type { Output } from '../render.js';
import { handler } from '../runner.js';

interface ReportOptions {
  round?: string;
  format?: ReportFormat;
  out?: string;
  force?: boolean;
  category?: string;
  draws?: string;
  seed?: string;
}

async function reportCommand(ctx: Context, explicitLang: string | undefined, kind: string, opts: ReportOptions): Promise<Output> {
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
    .action(handler((ctx, kind: string, opts: ReportOptions) => reportCommand(ctx, (program.opts() as { lang?: string }).lang, kind, opts)));
}
