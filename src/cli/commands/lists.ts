// jmfund lists import | show (SPEC §5): options → ops/side-lists → a summary or a table.
import { Argument, type Command } from 'commander';
import { ACCIDENT_KIND_LABELS, CREDIT_LIST_LABELS, labelOf, SIDE_LIST_LABELS } from '../../domain/labels.js';
import { formatYuan } from '../../domain/money.js';
import { SIDE_LIST_COLUMNS, SIDE_LIST_KINDS, type SideListKind } from '../../domain/side-lists.js';
import { text, type Text } from '../../domain/text.js';
import { importSideList, showSideList } from '../../ops/side-lists.js';
import { opContext } from '../context.js';
import { type ReadOptions, readInput, readOptions, reportDiagnostics, stderrListener, summaryHuman, summaryJson } from '../import-output.js';
import { handler } from '../runner.js';
import type { Cell } from '../render.js';

const kindArgument = () => new Argument('<kind>', 'prior-funding | credit | violations | accidents').choices(SIDE_LIST_KINDS);

export function register(program: Command): void {
  const lists = program.command('lists').description('side lists used by check: prior-funding, credit, violations, accidents');

  readOptions(
    lists
      .command('import')
      .description('import a side list (ledger-wide); re-importing the same rows adds nothing')
      .addArgument(kindArgument())
      .argument('<file>', '.csv or .xlsx file'),
  ).action(
    handler(async (ctx, kind: SideListKind, file: string, opts: ReadOptions) => {
      const listener = stderrListener(ctx, file, opts);
      const run = await importSideList(opContext(ctx), { ...readInput(ctx, file, opts), kind }, listener).catch(listener.abandon).finally(listener.done);
      listener.finish();
      reportDiagnostics(ctx, run);
      const name = SIDE_LIST_LABELS[kind];
      return {
        json: summaryJson(ctx, run, { kind, sha256: run.sha256 }),
        human: (out) => summaryHuman(ctx, out, run, !!opts.skipInvalid, text(`${kind}（${name.zh}）`, `${kind} (${name.en})`)),
        exitCode: run.problems ? 1 : 0,
      };
    }),
  );

  lists
    .command('show')
    .description('show a side list')
    .addArgument(kindArgument())
    .option('--uscc <code>', 'only this enterprise')
    .action(
      handler((ctx, kind: SideListKind, opts: { uscc?: string }) => {
        const rows = showSideList(opContext(ctx), { kind, uscc: opts.uscc });
        return {
          json: rows,
          human: (out) => {
            const keys = rows.length > 0 ? Object.keys(rows[0]) : SIDE_LIST_COLUMNS[kind].map((d) => d.key);
            // Headers from the list's column table (Chinese under --lang zh); the list and kind codes by their label.
            const defs = SIDE_LIST_COLUMNS[kind];
            const header = (k: string): Text => {
              const base = k.endsWith('_fen') ? k.slice(0, -4) : k;
              const d = defs.find((x) => x.key === base);
              if (k === 'source_file') return text('来源文件', 'source file');
              if (k === 'source_line') return text('行号', 'line');
              return d ? text(k.endsWith('_fen') ? `${d.zh}（元）` : d.zh, k.endsWith('_fen') ? `${base} (yuan)` : base) : text(k, k);
            };
            const value = (k: string, v: unknown): Cell => {
              if (k === 'amount_fen' && typeof v === 'number') return formatYuan(v);
              if (k === 'list' && typeof v === 'string') return ctx.t(labelOf(CREDIT_LIST_LABELS, v));
              if (k === 'kind' && typeof v === 'string') return ctx.t(labelOf(ACCIDENT_KIND_LABELS, v));
              return v as Cell;
            };
            out.table(
              keys.map(header),
              rows.map((r) => keys.map((k) => value(k, r[k]))),
            );
          },
        };
      }),
    );
}
