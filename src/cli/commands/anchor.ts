// jmfund anchor [--out FILE]: the ledger's newest event, to keep outside it.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { text } from '../../domain/text.js';
import { takeAnchor } from '../../ops/anchor.js';
import { opContext, type Context } from '../context.js';
import type { Output } from '../render.js';
import { handler } from '../runner.js';

function anchorCommand(ctx: Context, opts: { out?: string }): Output {
  const r = takeAnchor(opContext(ctx), { out: opts.out === undefined ? undefined : resolve(opts.out) });
  return {
    json: { seq: r.seq, hash: r.hash, at: r.at, ...(r.out ? { out: r.out } : {}) },
    human: (p) => {
      p.line(r.line);
      if (r.out) {
        p.line(
          ctx.t(
            text(
              `已追加到 ${r.out}。请把该文件保存在账本之外（另一块磁盘、打印件、发给主管部门的邮件）；以后用 jmfund verify --anchors ${r.out} 核对。`,
              `appended to ${r.out}. Keep that file away from the ledger (another drive, a printout, an email to the bureau); check later with jmfund verify --anchors ${r.out}.`,
            ),
          ),
        );
      }
    },
  };
}

export function register(program: Command): void {
  program
    .command('anchor')
    .description('print the newest event (number, hash, instant) as an anchor to keep outside the ledger; verify --anchor checks it later')
    .option('--out <file>', 'append the anchor to this anchors file (created 0600) instead of only printing it')
    .action(handler((ctx, opts: { out?: string }) => anchorCommand(ctx, opts)));
}
