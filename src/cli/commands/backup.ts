// jmfund backup FILE: an online backup of the ledger, proved a faithful copy after writing (mode 0600).
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { OUTCOME_LABELS } from '../../domain/labels.js';
import { text } from '../../domain/text.js';
import { backupLedgerFile } from '../../ops/backup.js';
import type { Context } from '../context.js';
import { progressBar } from '../progress.js';
import type { Output } from '../render.js';
import { handler } from '../runner.js';
import { problemTable } from './verify.js';

/** The command that checks the rest (business rules, row seals) of a copy; quoted for a shell when needed. */
const verifyCommand = (file: string): string => `jmfund verify --db ${/^[\w./@%+=:,-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`}`;

async function backupCommand(ctx: Context, file: string, opts: { force?: boolean }): Promise<Output> {
  const r = await backupLedgerFile({ path: ctx.dbPath, target: resolve(file), force: opts.force, progress: progressBar({ lang: ctx.lang }) });
  const v = r.verify;
  const next = verifyCommand(r.backup);
  return {
    json: {
      backup: r.backup,
      bytes: r.bytes,
      pages: r.pages,
      sha256: r.sha256,
      events: v.events,
      last_hash: v.lastHash,
      ok: v.ok,
      checks: v.checks.map((c) => ({ id: c.id, title: ctx.t(c.title), status: c.status, problems: c.problems })),
      problems: v.problems.map((p) => ({ check: p.check, where: p.where, message: ctx.t(p.message) })),
      not_checked: ctx.t(text('业务规则与行封印（与账本的相同行，由 verify 检查）', 'business rules and row seals (the same rows as the ledger’s; verify checks them)')),
      verify_command: next,
    },
    exitCode: v.ok ? 0 : 1,
    human: (p) => {
      p.line(ctx.t(text(`已备份到 ${r.backup}（${r.bytes} 字节，${r.pages} 页，${v.events} 个事件，最后事件哈希 ${v.lastHash}）`, `backed up to ${r.backup} (${r.bytes} bytes, ${r.pages} pages, ${v.events} events, last event hash ${v.lastHash})`)));
      p.line(ctx.t(text(`SHA-256 ${r.sha256}`, `SHA-256 ${r.sha256}`)));
      p.line(ctx.t(text('已检查副本：', 'checked of the copy:')));
      for (const c of v.checks) p.line(`  ${c.status === 'ok' ? ctx.t(OUTCOME_LABELS.pass) : ctx.t(text(`${c.problems} 个问题`, `${c.problems} problem(s)`))}  ${ctx.t(c.title)}`);
      if (!v.ok) {
        problemTable(ctx, p, v);
        p.line(ctx.t(text(`备份与账本逐页相同，但检查发现 ${v.problems.length} 个问题（账本本身的问题）。`, `the backup is a faithful copy, but its checks found ${v.problems.length} problem(s) (the ledger’s own).`)));
      }
      p.line(ctx.t(text(`业务规则与行封印与账本相同，未在此检查：运行 ${next}`, `business rules and row seals are the ledger’s and were not checked here: run ${next}`)));
    },
  };
}

export function register(program: Command): void {
  program
    .command('backup <file>')
    .description('online backup of the ledger, proved a page-for-page copy after writing (mode 0600)')
    .option('--force', 'overwrite an existing file')
    .action(handler((ctx, file: string, opts: { force?: boolean }) => backupCommand(ctx, file, opts)));
}
