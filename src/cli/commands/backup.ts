// jmfund backup FILE: an online backup of the ledger, verified after writing (mode 0600).
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { text } from '../../domain/text.js';
import { backupLedgerFile } from '../../ops/backup.js';
import type { Context } from '../context.js';
import { progressBar } from '../progress.js';
import type { Output } from '../render.js';
import { handler } from '../runner.js';
import { problemTable } from './verify.js';

async function backupCommand(ctx: Context, file: string, opts: { force?: boolean }): Promise<Output> {
  const r = await backupLedgerFile({ path: ctx.dbPath, target: resolve(file), force: opts.force, progress: progressBar({ lang: ctx.lang }) });
  const v = r.verify;
  return {
    json: { backup: r.backup, bytes: r.bytes, sha256: r.sha256, events: v.events, last_hash: v.lastHash, ok: v.ok, problems: v.problems.map((p) => ({ check: p.check, where: p.where, message: ctx.t(p.message) })) },
    exitCode: v.ok ? 0 : 1,
    human: (p) => {
      p.line(ctx.t(text(`已备份到 ${r.backup}（${r.bytes} 字节，${v.events} 个事件，最后事件哈希 ${v.lastHash}）`, `backed up to ${r.backup} (${r.bytes} bytes, ${v.events} events, last event hash ${v.lastHash})`)));
      if (!v.ok) {
        problemTable(ctx, p, v);
        p.line(ctx.t(text(`备份与账本一致，但校验发现 ${v.problems.length} 个问题。`, `the backup is a faithful copy, but verification found ${v.problems.length} problem(s).`)));
      }
    },
  };
}

export function register(program: Command): void {
  program
    .command('backup <file>')
    .description('online backup of the ledger, verified after writing (mode 0600)')
    .option('--force', 'overwrite an existing file')
    .action(handler((ctx, file: string, opts: { force?: boolean }) => backupCommand(ctx, file, opts)));
}
