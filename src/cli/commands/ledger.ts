// jmfund init: create the ledger.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { text } from '../../domain/text.js';
import { appendEvent } from '../../ledger/events.js';
import { createLedger, inTransaction, schemaVersion } from '../../ledger/open.js';
import { handler } from '../runner.js';

export function register(program: Command): void {
  program
    .command('init')
    .description('create a new ledger (refuses to overwrite an existing file) / 创建账本')
    .action(
      handler((ctx) => {
        const db = createLedger(ctx.dbPath);
        try {
          inTransaction(db, () => appendEvent(db, { at: ctx.now(), officer: ctx.officer, command: 'init', details: { schema: schemaVersion() } }));
        } finally {
          db.close();
        }
        const path = resolve(ctx.dbPath);
        return {
          json: { db: path, schema: schemaVersion() },
          human: (out) => out.line(ctx.t(text(`已创建账本 ${path}`, `created ledger ${path}`))),
        };
      }),
    );
}
