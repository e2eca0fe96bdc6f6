// jmfund verify: SQLite integrity, foreign keys, every invariant and the event
// hash chain; exit 1 on any problem (SPEC §11).
import type { Command } from 'commander';
import { text } from '../../domain/text.js';
import { verifyLedger, type VerifyReport } from '../../ops/verify.js';
import type { Context } from '../context.js';
import { progressBar } from '../progress.js';
import type { Output, Printer } from '../render.js';
import { collect, handler } from '../runner.js';

/** The problems found, one row each (shared with backup, which verifies its copy). */
export function problemTable(ctx: Context, p: Printer, v: VerifyReport): void {
  p.table(
    [text('检查项', 'check'), text('位置', 'where'), text('问题', 'problem')],
    v.problems.map((x) => [x.check, x.where, ctx.t(x.message)]),
  );
}

async function verifyCommand(ctx: Context, opts: { anchor?: string[]; anchors?: string }): Promise<Output> {
  const v = await verifyLedger(ctx.dbPath, progressBar({ lang: ctx.lang }), { anchor: opts.anchor, anchorsFile: opts.anchors });
  const skipped = v.checks.filter((c) => c.status === 'skipped');
  return {
    json: {
      ok: v.ok,
      events: v.events,
      last_hash: v.lastHash,
      anchors: v.anchors,
      checks: v.checks.map((c) => ({ id: c.id, title: ctx.t(c.title), status: c.status, problems: c.problems, ...(c.note ? { note: c.note } : {}) })),
      problems: v.problems.map((p) => ({ check: p.check, where: p.where, ref: p.ref, message: ctx.t(p.message) })),
      leftover_files: v.leftovers.map((f) => ({ path: f.path, pid: f.pid, running: f.running })),
    },
    exitCode: v.ok ? 0 : 1,
    human: (p) => {
      if (v.problems.length) problemTable(ctx, p, v);
      const ran = v.checks.length - skipped.length;
      p.line(
        v.ok
          ? ctx.t(text(`账本校验通过：${ran} 项检查均无问题；${v.events} 个事件，最后事件哈希 ${v.lastHash}`, `ledger verified: ${ran} checks, no problem; ${v.events} events, last event hash ${v.lastHash}`))
          : ctx.t(text(`账本校验发现 ${v.problems.length} 个问题（${ran} 项检查）。`, `ledger verification found ${v.problems.length} problem(s) (${ran} checks).`)),
      );
      if (v.ok && v.anchors) p.line(ctx.t(text(`${v.anchors} 个锚点均与账本一致。`, `${v.anchors} anchor(s) checked: each event still has its anchored hash.`)));
      for (const f of v.leftovers) {
        p.warn(
          ctx.t(
            f.running
              ? text(`账本旁有 jmfund 的临时文件 ${f.path}（进程 ${f.pid} 仍在运行，可能正在写入）`, `a temporary file of jmfund beside the ledger: ${f.path} (process ${f.pid} is still running; it may be writing it)`)
              : text(`账本旁有被中断的 jmfund 留下的临时文件 ${f.path}（进程 ${f.pid} 已不存在）；可以删除，下一次写入该文件夹的命令也会删除它`, `a temporary file left by an interrupted jmfund beside the ledger: ${f.path} (process ${f.pid} is gone); it can be deleted, and the next command that writes in that folder removes it`),
          ),
        );
      }
      if (skipped.length) p.warn(ctx.t(text(`未运行（账本中没有相应的表）：${skipped.map((c) => c.id).join('、')}`, `not run (the ledger has no such tables): ${skipped.map((c) => c.id).join(', ')}`)));
    },
  };
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('check the ledger: SQLite integrity, foreign keys, every invariant, the event hash chain; exit 1 on any problem')
    .option('--anchor <seq:hash>', 'check that event SEQ still has HASH (from `log --head`, `anchor` or a report; repeat)', collect, [])
    .option('--anchors <file>', 'check every anchor of an anchors file (written by `anchor --out FILE`)')
    .action(handler((ctx, opts: { anchor?: string[]; anchors?: string }) => verifyCommand(ctx, opts)));
}
