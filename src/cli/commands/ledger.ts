// jmfund init: create the ledger.
import type { Command } from 'commander';
import { text } from '../../domain/text.js';
import { initLedger } from '../../ops/ledger.js';
import { handler } from '../runner.js';

export function register(program: Command): void {
  program
    .command('init')
    .description('create a new ledger (refuses to overwrite an existing file) / 创建账本')
    .action(
      handler((ctx) => {
        const r = initLedger({ path: ctx.dbPath, officer: ctx.officer, at: ctx.now() });
        return {
          json: { db: r.path, schema: r.schema },
          human: (out) => out.line(ctx.t(text(`已创建账本 ${r.path}`, `created ledger ${r.path}`))),
        };
      }),
    );
}
