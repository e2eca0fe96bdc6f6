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
    .description('run the whole cycle on the bundled fixtures into a temporary ledger')
    .option('--dir <dir>', 'folder for the ledger and the reports (default: a new temporary folder)')
    .action(
      handler(async (ctx, opts: { dir?: string }) => {
        const { runDemo } = await import('../demo-script.js');
        const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'jmfund-demo-'));
        const steps = await runDemo(dir, ctx.lang);
        return {
          json: { dir, steps },
          human: (out) => {
            for (const s of steps) {
              out.line(`$ ${s.command}`);
              if (s.stdout.trim()) out.line(s.stdout.trimEnd());
              if (s.stderr.trim()) out.line(s.stderr.trimEnd());
            }
            out.line(ctx.t(text(`\n演示账本和报告位于 ${dir}`, `\nThe demo ledger and reports are in ${dir}`)));
          },
        };
      }),
    );
}
