// jmfund publicize | objection add | resolve | list — public notice and
// objections (公示、异议, Art. 11; SPEC §9).
import { mapped } from '../../domain/iterables.js';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UserError } from '../../domain/errors.js';
import { NOT_ACCEPTED_LABELS, OBJECTION_STATUS_LABELS, type ObjectionStatus } from '../../domain/labels.js';
import { formatYuan } from '../../domain/money.js';
import { text } from '../../domain/text.js';
import type { ObjectionRow } from '../../ledger/objections.repo.js';
import { addObjection, listObjections, publicize, resolveObjection } from '../../ops/notice.js';
import { opContext } from '../context.js';
import { countOption, dateOption, pastDateOption, requiredTextOption } from '../options.js';
import { confirmThenRun, someLines } from '../prompt.js';
import { lazyArray } from '../json-stream.js';
import { handler } from '../runner.js';
import { keepHeapNearLiveSet } from '../heap.js';
import { stateText, words } from '../words.js';

function objectionJson(o: ObjectionRow) {
  return {
    id: o.objection_id,
    application_id: o.application_id,
    status: o.status,
    received_on: o.received_on,
    from: o.from_name,
    reason: o.not_accepted_reason,
    notice_id: o.notice_id,
    text: o.text,
    note: o.resolution_note,
    resolved_on: o.resolved_on,
  };
}

export function register(program: Command): void {
  program
    .command('publicize')
    .description('put the proposed awards on public notice (公示, Art. 11) and write the notice list')
    .requiredOption('--round <id>', 'round')
    .requiredOption('--from <date>', 'first day of the notice')
    .option('--days <n>', "natural days, counted from --from inclusive (default and minimum: the policy's, 7)")
    .option('--out <file>', 'write the public notice (公示名单) of this notice, in Chinese, as report notice writes it: .csv, .xlsx, .html, .md or .json by the extension')
    .option('--force', 'overwrite --out if it exists')
    .action(
      handler(async (ctx, opts: { round: string; from: string; days?: string; out?: string; force?: boolean }) => {
        // What it keeps is small (an id, a name and an amount per award); the rest is garbage made in waves.
        keepHeapNearLiveSet();
        const from = dateOption('from', opts.from);
        const days = opts.days === undefined ? null : (countOption('days', opts.days) ?? 0);
        const out = opts.out ? resolve(opts.out) : null;
        const r = await confirmThenRun(
          ctx,
          'publicize',
          (rehearsal) =>
            publicize(opContext(ctx), {
              roundId: opts.round,
              from,
              days,
              // The rehearsal checks --out (refused before the question) and writes no file.
              listFile: out ? { path: out, force: Boolean(opts.force), checkOnly: rehearsal } : null,
            }),
          (p) => ({
            lines: [
              ctx.t(
                text(
                  `将公示 ${p.items.length} 项拟支持金额，合计 ${formatYuan(p.totalFen)} 元，${p.period.startsOn} 至 ${p.period.endsOn}（${p.period.days} 日，第${p.article}条），${p.period.fileFrom} 起可备案：`,
                  `this puts ${p.items.length} award${p.items.length === 1 ? '' : 's'} on public notice, ${formatYuan(p.totalFen)} in all, ${p.period.startsOn} through ${p.period.endsOn} (${p.period.days} days, Art. ${p.article}); filing possible from ${p.period.fileFrom}:`,
                ),
              ),
              ...someLines(ctx, p.items, (i) => `${i.application_id}  ${i.enterprise_name}  ${i.category}  ${formatYuan(i.award_fen)}`),
              ...(out ? [ctx.t(text(`公示名单将写入 ${out}`, `the notice list goes to ${out}`))] : []),
              ctx.t(text('公示后金额只能经异议程序撤销。', 'once on notice, an award is taken away only through an objection.')),
            ],
            question: text(`公示这 ${p.items.length} 项？`, `put these ${p.items.length} awards on notice?`),
          }),
        );
        const { period, items } = r;
        return {
          json: {
            round: r.roundId,
            notice_id: r.noticeId,
            allocation_version: r.allocationVersion,
            from: period.startsOn,
            days: period.days,
            through: period.endsOn,
            file_from: period.fileFrom,
            out: r.out,
            total_fen: r.totalFen,
            // Made as they are written (10^6 awards at a province's scale).
            applications: lazyArray(() => mapped(items, (p) => ({ application_id: p.application_id, enterprise_name: p.enterprise_name, category: p.category, award_fen: p.award_fen }))),
          },
          human: (o) => {
            const w = words(ctx);
            o.line(
              ctx.t(
                text(
                  `公示 #${r.noticeId}：${items.length} 项，合计 ${formatYuan(r.totalFen)} 元，${period.startsOn} 至 ${period.endsOn}（${period.days} 日，第${r.article}条）；${period.fileFrom} 起可备案。`,
                  `notice #${r.noticeId}: ${items.length} award${items.length === 1 ? '' : 's'}, ${formatYuan(r.totalFen)} in all, ${period.startsOn} through ${period.endsOn} (${period.days} days, Art. ${r.article}); filing possible from ${period.fileFrom}.`,
                ),
              ),
            );
            o.table(
              [text('申报编号', 'application'), text('企业', 'enterprise'), text('类别', 'category'), text('金额（元）', 'award (yuan)')],
              mapped(items, (p) => [p.application_id, p.enterprise_name, w.category(p.category), formatYuan(p.award_fen)]),
              { align: ['left', 'left', 'left', 'right'] },
            );
            if (r.out) o.line(ctx.t(text(`公示名单已写入 ${r.out}`, `notice list written to ${r.out}`)));
          },
        };
      }),
    );

  const objection = program.command('objection').description('objections raised during the public notice (异议, Art. 11)');

  objection
    .command('add <app>')
    .description('record an objection; anonymous or out-of-period ones are recorded as not accepted (不予受理)')
    .requiredOption('--received <date>', 'date the objection was received')
    .option('--from <name>', 'who raised it (a real name or a unit); without it the objection is anonymous')
    .requiredOption('--text <text>', 'what the objection says')
    .action(
      handler((ctx, appId: string, opts: { received: string; from?: string; text: string }) => {
        const receivedOn = pastDateOption('received', opts.received, ctx.today());
        const body = requiredTextOption('text', opts.text);
        const fromName = opts.from === undefined ? null : opts.from.trim() || null;
        const row = addObjection(opContext(ctx), { applicationId: appId, receivedOn, fromName, text: body });
        return {
          json: objectionJson(row),
          human: (o) => {
            o.line(ctx.t(text(`已记录异议 #${row.objection_id}（${row.application_id}）：${OBJECTION_STATUS_LABELS[row.status].zh}`, `recorded objection #${row.objection_id} on ${row.application_id}: ${row.status}`)));
            if (row.not_accepted_reason) o.line(ctx.t(NOT_ACCEPTED_LABELS[row.not_accepted_reason]));
            else o.line(ctx.t(text('在处理完毕前不能备案：`jmfund objection resolve ID --upheld|--dismissed --note ...`', 'filing waits until it is resolved: `jmfund objection resolve ID --upheld|--dismissed --note ...`')));
          },
        };
      }),
    );

  objection
    .command('resolve <id>')
    .description('resolve an open objection; an upheld one withdraws the award (state withdrawn)')
    .option('--upheld', 'the objection is founded: the award is withdrawn')
    .option('--dismissed', 'the objection is unfounded: the award stays')
    .requiredOption('--note <text>', 'the finding (处理意见)')
    .option('--on <date>', 'date of the decision (default today)')
    .action(
      handler(async (ctx, idArg: string, opts: { upheld?: boolean; dismissed?: boolean; note: string; on?: string }) => {
        if (Boolean(opts.upheld) === Boolean(opts.dismissed)) {
          throw new UserError(text('请在 --upheld 与 --dismissed 中选一个。', 'give exactly one of --upheld and --dismissed.'), 2);
        }
        const id = Number(idArg.replace(/^#/, ''));
        if (!Number.isSafeInteger(id) || id <= 0) throw new UserError(text(`异议编号「${idArg}」无效。`, `objection ID "${idArg}" is not valid.`), 2);
        const status: 'upheld' | 'dismissed' = opts.upheld ? 'upheld' : 'dismissed';
        const note = requiredTextOption('note', opts.note);
        const on = pastDateOption('on', opts.on, ctx.today());
        const act = () => resolveObjection(opContext(ctx), { objectionId: id, status, note, on });
        // Upholding withdraws the award: asked first. Dismissing changes no money.
        const res =
          status === 'upheld'
            ? await confirmThenRun(ctx, 'objection resolve --upheld', act, (p) => ({
                lines: [
                  ctx.t(
                    text(
                      `将支持异议 #${id}：撤销 ${p.objection.application_id} 的拟支持金额（${p.before} → ${p.after}），处理日期 ${on}，处理意见：${note}`,
                      `this upholds objection #${id}: the award of ${p.objection.application_id} is withdrawn (${p.before} → ${p.after}) on ${on}; finding: ${note}`,
                    ),
                  ),
                  ctx.t(text('撤销后不能恢复；释放的资金只能由新的分配版本分给候补。', 'a withdrawal cannot be reversed; the freed money goes to the reserve list only through a new allocation.')),
                ],
                question: text(`撤销 ${p.objection.application_id} 的拟支持金额？`, `withdraw the award of ${p.objection.application_id}?`),
              }))
            : act();
        const o = res.objection;
        return {
          json: { ...objectionJson(o), application_state: res.after },
          human: (out) => {
            out.line(ctx.t(text(`异议 #${id}：${OBJECTION_STATUS_LABELS[status].zh}`, `objection #${id}: ${status}`)));
            if (res.after !== res.before) {
              out.line(
                ctx.t(
                  text(
                    `${o.application_id} 的拟支持金额已撤销（${stateText(ctx, res.before)} → ${stateText(ctx, 'withdrawn')}）。释放的资金只能由新的分配版本分给候补：\`jmfund allocate --round ${o.round_id}\`，然后 \`jmfund publicize\`。`,
                    `${o.application_id}'s award is withdrawn (${res.before} → withdrawn). The freed money goes to the reserve list only through a new allocation version: \`jmfund allocate --round ${o.round_id}\`, then \`jmfund publicize\`.`,
                  ),
                ),
              );
            }
          },
        };
      }),
    );

  objection
    .command('list')
    .description('list the objections of a round')
    .requiredOption('--round <id>', 'round')
    .addOption(new Option('--status <status>', 'only objections with this status').choices(Object.keys(OBJECTION_STATUS_LABELS)))
    .action(
      handler((ctx, opts: { round: string; status?: ObjectionStatus }) => {
        const rows = listObjections(opContext(ctx), { roundId: opts.round, status: opts.status });
        return {
          json: rows.map(objectionJson),
          human: (out) => {
            if (rows.length === 0) {
              out.line(ctx.t(text('没有异议。', 'no objections.')));
              return;
            }
            out.table(
              [text('编号', 'id'), text('申报', 'application'), text('状态', 'status'), text('收到', 'received'), text('提出人', 'from'), text('异议内容', 'objection'), text('处理意见', 'finding')],
              rows.map((o) => [
                o.objection_id,
                o.application_id,
                ctx.t(OBJECTION_STATUS_LABELS[o.status]),
                o.received_on,
                o.from_name ?? ctx.t(text('（匿名）', '(anonymous)')),
                o.text,
                o.not_accepted_reason ? ctx.t(NOT_ACCEPTED_LABELS[o.not_accepted_reason]) : (o.resolution_note ?? ''),
              ]),
            );
          },
        };
      }),
    );
}
