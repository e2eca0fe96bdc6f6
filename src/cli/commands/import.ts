// jmfund import (SPEC §5): options → ops/import → the summary.
import type { Command } from 'commander';
import { text } from '../../domain/text.js';
import { isWorkbook } from '../../io/table-reader.js';
import { importApplications } from '../../ops/import.js';
import { opContext } from '../context.js';
import { type ReadOptions, readInput, readOptions, reportDiagnostics, stderrListener, summaryHuman, summaryJson } from '../import-output.js';
import { handler } from '../runner.js';
import { keepHeapNearLiveSet } from '../heap.js';

interface ImportOptions extends ReadOptions {
  round?: string;
  update?: boolean;
}

export function register(program: Command): void {
  readOptions(
    program
      .command('import <file>')
      .description('import applications from a .csv or .xlsx file into a round (all or nothing)')
      .requiredOption('--round <id>', 'the round the applications belong to'),
  )
    .option('--update', 'replace the stored values of an application the file repeats with different values')
    .action(
      handler(async (ctx, file: string, opts: ImportOptions) => {
        // Every row then carries its cells (a rejected one is written as read), and a workbook's reading makes
        // its XML text and cells in both threads: garbage that V8 let pile up (bench/README.md has the figures).
        // Only then: on a plain import of a CSV file it cost time and saved nothing.
        if (opts.skipInvalid || (await isWorkbook(file))) keepHeapNearLiveSet();
        const listener = stderrListener(ctx, file, opts);
        const run = await importApplications(opContext(ctx), { ...readInput(ctx, file, opts), round: opts.round, update: opts.update }, listener).catch(listener.abandon).finally(listener.done);
        listener.finish();
        reportDiagnostics(ctx, run);
        const target = text(`批次 ${run.round}`, `round ${run.round}`);
        return {
          json: { ...summaryJson(ctx, run, { round: run.round, sha256: run.sha256 }), updates: run.updates },
          human: (out) => {
            summaryHuman(ctx, out, run, !!opts.skipInvalid, target);
            if (run.written && run.updates.length > 0) {
              out.line(ctx.t(text(`已更新的申报回到 imported 状态，请重新运行 check。`, `updated applications are back in state imported; run check again.`)));
            }
          },
          exitCode: run.problems ? 1 : 0,
        };
      }),
    );
}
