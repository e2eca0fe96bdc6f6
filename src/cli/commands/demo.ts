// jmfund demo: the whole cycle on the bundled fixtures, into a temporary ledger.
import type { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from '../../domain/text.js';
import { handler } from '../runner.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the whole cycle on the bundled fixtures into a temporary ledger, and write every report')
    .option('--dir <dir>', 'folder for the ledger and the reports (default: a new temporary folder)')
    .option('--quiet', 'print only the award list and where the reports are')
    .action(
      handler(async (ctx, opts: { dir?: string; quiet?: boolean }) => {
        const { runDemo } = await import('../demo-script.js');
        const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'jmfund-demo-'));
        const verbose = !ctx.json && !opts.quiet;
        const result = runDemo(dir, ctx.lang, (s) => {
          if (!verbose) return;
          process.stdout.write(`\n$ ${s.command}${s.exitCode === 0 ? '' : `   # exit ${s.exitCode}`}\n`);
          if (s.stdout.trim()) process.stdout.write(`${s.stdout.trimEnd()}\n`);
          if (s.stderr.trim()) process.stdout.write(`${s.stderr.trimEnd()}\n`);
        });
        const last = result.steps[result.steps.length - 1];
        return {
          json: { dir: result.dir, db: result.db, reports: result.reportsDir, steps: result.steps.map((s) => ({ command: s.command, exit_code: s.exitCode })) },
          human: (out) => {
            if (!verbose) out.line(last.stdout.trimEnd());
            out.line();
            out.line(ctx.t(text(`演示完成：${result.steps.length} 个命令。`, `Demo complete: ${result.steps.length} commands.`)));
            out.line(ctx.t(text(`账本：${result.db}`, `Ledger:  ${result.db}`)));
            out.line(ctx.t(text(`报告（5 类 × 5 种格式）：${result.reportsDir}`, `Reports (5 kinds × 5 formats): ${result.reportsDir}`)));
            out.line(ctx.t(text(`继续查看：JMFUND_DB=${result.db} jmfund log`, `Look around: JMFUND_DB=${result.db} jmfund log`)));
          },
        };
      }),
    );
}
