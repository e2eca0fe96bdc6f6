// jmfund publicize | objection | finalize | award set | accept | disburse |
// spot-check | clawback | status — from public notice to clawback
// (SPEC §2, §9, §10; Art. 10, 11, 13, 14, 16). Each command: parse options →
// one transaction that reads, asks the domain, writes and appends one event.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { ApplicationState } from '../../domain/application.js';
import { compareDates, parseDate } from '../../domain/dates.js';
import {
  FUNDED_STATES,
  acceptanceOutcome,
  checkApprovalDocument,
  checkClawback,
  checkDisbursement,
  checkRecovery,
  checkTransition,
  moneyBalance,
  type Action,
} from '../../domain/lifecycle.js';
import { formatYuan, parseMoney, yuanPlain } from '../../domain/money.js';
import { admitObjection, filingBlockers, noticePeriod, noticeProgress, type NoticePeriod } from '../../domain/notice-period.js';
import { categoryOf, canonicalJson, type Policy } from '../../domain/policy.js';
import { drawSample, parseSampleSize, PRNG_NAME } from '../../domain/sampling.js';
import { type Result, type Text, text } from '../../domain/text.js';
import { NOT_ACCEPTED_LABELS, OBJECTION_STATUS_LABELS, STATE_LABELS, stateLabel, type ObjectionStatus } from '../../domain/labels.js';
import { toCsv } from '../../io/exporters/csv.js';
import { FileWriteError, writeFileAtomic } from '../../io/atomic-write.js';
import { getApplication } from '../../ledger/applications.repo.js';
import { appendEvent } from '../../ledger/events.js';
import { acceptanceOf, insertAcceptance } from '../../ledger/acceptances.repo.js';
import { latestVersion } from '../../ledger/allocations.repo.js';
import { setState } from '../../ledger/applications.repo.js';
import { moneyEntries, roundAwards } from '../../ledger/awards.repo.js';
import { insertClawback, insertRecovery } from '../../ledger/clawbacks.repo.js';
import { filedAward, insertFiling, insertManualAward } from '../../ledger/filings.repo.js';
import { inNotice, insertNotice, noticeOf, proposedAwards, roundNotices, type ProposedAward } from '../../ledger/notices.repo.js';
import { getObjection, insertObjection, resolveObjection, roundObjections, type ObjectionRow } from '../../ledger/objections.repo.js';
import { insertPayment } from '../../ledger/payments.repo.js';
import { insertFinding, insertSpotCheck, spotCheckItem, spotCheckPopulation } from '../../ledger/spot-checks.repo.js';
import { inTransaction, type Db } from '../../ledger/open.js';
import { getRound, type Round } from '../../ledger/rounds.repo.js';
import type { Context } from '../context.js';
import { RefusedError, UserError } from '../../domain/errors.js';
import { requireRound } from '../../ops/lookup.js';
import { handler } from '../runner.js';

// ---------------------------------------------------------------- option parsing

function dateOpt(name: string, value: string): string {
  const r = parseDate(value);
  if (!r.ok) throw new UserError(text(`--${name}：${r.error.zh}`, `--${name}: ${r.error.en}`), 2);
  return r.value;
}

/** A date the officer states for something that has happened: never later than today. */
function pastDateOpt(ctx: Context, name: string, value: string | undefined): string {
  const today = ctx.today();
  const d = value === undefined ? today : dateOpt(name, value);
  if (compareDates(d, today) > 0) {
    throw new UserError(text(`--${name} ${d} 晚于今天（${today}）；只能记录已经发生的事。`, `--${name} ${d} is after today (${today}); only what has happened can be recorded.`), 2);
  }
  return d;
}

function moneyOpt(name: string, value: string): number {
  const r = parseMoney(value);
  if (!r.ok) throw new UserError(text(`--${name}：${r.error.zh}`, `--${name}: ${r.error.en}`), 2);
  return r.value;
}

function countOpt(name: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  const s = value.normalize('NFKC').trim();
  if (!/^\d{1,9}$/.test(s)) throw new UserError(text(`--${name}「${value}」应为非负整数。`, `--${name} "${value}" must be a whole number ≥ 0.`), 2);
  return Number(s);
}

function requiredText(name: string, value: string | undefined): string {
  const s = (value ?? '').normalize('NFKC').trim();
  if (s === '') throw new UserError(text(`--${name} 不能为空。`, `--${name} must not be empty.`), 2);
  return s;
}

const refuseOn = <T>(r: Result<T>, hint?: Text): T => {
  if (!r.ok) throw new RefusedError(r.error, hint);
  return r.value;
};

function transition(appId: string, from: string, action: Action, to?: ApplicationState): void {
  refuseOn(checkTransition(appId, from, action, to));
}

interface AppInfo {
  id: string;
  roundId: string;
  state: string;
  category: string;
  requestedFen: number;
  enterpriseName: string;
  projectName: string;
}

function requireApp(db: Db, id: string): AppInfo {
  const a = getApplication(db, id);
  if (!a) throw new UserError(text(`没有申报 ${id}。`, `no application ${id}.`), 2, text('用 `jmfund round show ID` 查看批次中的申报。', 'see the applications of a round with `jmfund round show ID`.'));
  return { id: a.applicationId, roundId: a.roundId, state: a.state, category: a.category, requestedFen: a.requestedAmountFen, enterpriseName: a.enterpriseName, projectName: a.projectName };
}

function roundOf(db: Db, app: AppInfo): Round {
  const r = getRound(db, app.roundId);
  if (!r) throw new Error(`application ${app.id} names round ${app.roundId}, which is missing`);
  return r;
}

const yuan = (fen: number | null | undefined): string => (fen === null || fen === undefined ? '—' : formatYuan(fen));

function stateCounts(db: Db, roundId: string): string {
  const rows = db.prepare('SELECT state, count(*) AS n FROM applications WHERE round_id = ? GROUP BY state ORDER BY state').all(roundId) as { state: string; n: number }[];
  return rows.length ? rows.map((r) => `${r.state} ${r.n}`).join(', ') : '—';
}

const stateText = (ctx: Context, s: string): string => (ctx.lang === 'zh' ? `${stateLabel(s).zh}（${s}）` : s);

// ---------------------------------------------------------------- publicize

interface NoticePlan {
  period: NoticePeriod;
  version: number | null;
  items: ProposedAward[];
}

/** The awards a new notice would publish: proposed ones only; awards already on notice stay on theirs. */
function planNotice(db: Db, round: Round, startsOn: string, days: number): NoticePlan {
  const period = refuseOn(noticePeriod(startsOn, days, round.policy));
  const manual = round.policy.categories.filter((c) => c.allocation === 'manual').map((c) => c.key);
  const proposed = proposedAwards(db, round.roundId, manual);
  const items: ProposedAward[] = [];
  for (const p of proposed) {
    if (p.state === 'proposed') {
      items.push(p);
      continue;
    }
    // SPEC §8: an award already on notice is never changed by a later version.
    const n = noticeOf(db, p.application_id);
    if (n && n.award_fen !== p.award_fen && !['withdrawn', 'rejected-at-acceptance'].includes(p.state)) {
      throw new RefusedError(
        text(
          `最新分配版本给 ${p.application_id} 的金额 ${formatYuan(p.award_fen)} 元与其公示金额 ${formatYuan(n.award_fen)} 元（公示 #${n.notice_id}）不同；已公示的金额不能改变。`,
          `the latest allocation version gives ${p.application_id} ${formatYuan(p.award_fen)}, not the ${formatYuan(n.award_fen)} on notice #${n.notice_id}; an award on notice cannot change.`,
        ),
        text('重新运行 `jmfund allocate`，它会保留已公示的金额。', 'run `jmfund allocate` again: it keeps the awards on notice.'),
      );
    }
  }
  if (items.length === 0) {
    throw new RefusedError(
      text(
        `批次 ${round.roundId} 没有待公示的拟支持（proposed）申报。各状态：${stateCounts(db, round.roundId)}。`,
        `round ${round.roundId} has no proposed award to put on notice. By state: ${stateCounts(db, round.roundId)}.`,
      ),
      text('先运行 `jmfund allocate --round ID`（“其他事项”用 `jmfund award set`）；已公示的金额留在原公示中。', 'run `jmfund allocate --round ID` first (`jmfund award set` for category other); awards already on notice stay on their notice.'),
    );
  }
  return { period, version: latestVersion(db, round.roundId), items };
}

function noticeCsv(ctx: Context, policy: Policy, plan: NoticePlan): string {
  const h = (zh: string, en: string) => ctx.t(text(zh, en));
  const header = [h('序号', 'No.'), h('申报编号', 'application_id'), h('企业名称', 'enterprise'), h('统一社会信用代码', 'USCC'), h('项目名称', 'project'), h('申报类别', 'category'), h('拟支持金额（元）', 'award (yuan)'), h('公示开始', 'notice from'), h('公示截止', 'notice through')];
  const rows = plan.items.map((p, i) => {
    const c = categoryOf(policy, p.category);
    return [i + 1, p.application_id, p.enterprise_name, p.uscc, p.project_name, ctx.t({ zh: c.zh, en: c.en }), yuanPlain(p.award_fen), plan.period.startsOn, plan.period.endsOn];
  });
  return toCsv([header, ...rows]);
}

interface PublicizeOptions {
  round: string;
  from: string;
  days?: string;
  out?: string;
  force?: boolean;
}

async function publicize(ctx: Context, opts: PublicizeOptions) {
  const db = ctx.db();
  const round = requireRound(db, opts.round);
  const startsOn = dateOpt('from', opts.from);
  const days = opts.days === undefined ? round.policy.notice.minDays : countOpt('days', opts.days) ?? 0;
  const out = opts.out ? resolve(opts.out) : null;
  if (out && existsSync(out) && !opts.force) {
    throw new UserError(text(`${out} 已存在；如要覆盖，请加 --force。未作任何更改。`, `${out} exists; use --force to overwrite. Nothing was changed.`), 2);
  }
  // Plan, write the list beside its place, record, then move it into place: a
  // refused plan or a failed transaction leaves any earlier file as it was.
  const draft = planNotice(db, round, startsOn, days);
  const staged = out ? `${out}.${process.pid}.partial` : null;
  if (out && staged) {
    try {
      await writeFileAtomic(staged, noticeCsv(ctx, round.policy, draft), { force: true });
    } catch (e) {
      if (e instanceof FileWriteError) throw new UserError(text(`${e.text.zh}。未作任何更改。`, `${e.text.en}. Nothing was changed.`), 2);
      throw e;
    }
  }
  const at = ctx.now();
  let noticeId: number;
  try {
    noticeId = inTransaction(db, () => {
      const plan = planNotice(db, round, startsOn, days);
      if (canonicalJson(plan) !== canonicalJson(draft)) {
        throw new UserError(text('公示名单在写文件时被另一命令改变，请重试。', 'the proposed awards changed while the list was written; run the command again.'), 2);
      }
      const id = insertNotice(
        db,
        { round_id: round.roundId, allocation_version: plan.version, starts_on: plan.period.startsOn, days, ends_on: plan.period.endsOn, out_file: out, created_at: at, created_by: ctx.officer },
        plan.items.map((p) => ({ application_id: p.application_id, award_fen: p.award_fen, source: p.source })),
      );
      for (const p of plan.items) {
        transition(p.application_id, p.state, 'publicize', 'in-notice');
        setState(db, p.application_id, 'in-notice', at);
      }
      appendEvent(db, {
        at,
        officer: ctx.officer,
        command: 'publicize',
        roundId: round.roundId,
        appIds: plan.items.map((p) => p.application_id),
        details: {
          notice_id: id,
          allocation_version: plan.version,
          from: plan.period.startsOn,
          days,
          through: plan.period.endsOn,
          out,
          awards: plan.items.map((p) => [p.application_id, p.award_fen]),
          before: 'proposed',
          after: 'in-notice',
        },
      });
      return id;
    });
  } catch (e) {
    if (staged) {
      const { unlink } = await import('node:fs/promises');
      await unlink(staged).catch(() => undefined);
    }
    throw e;
  }
  if (out && staged) {
    const { rename } = await import('node:fs/promises');
    await rename(staged, out);
  }
  const total = draft.items.reduce((s, p) => s + p.award_fen, 0);
  return {
    json: {
      round: round.roundId,
      notice_id: noticeId,
      allocation_version: draft.version,
      from: draft.period.startsOn,
      days,
      through: draft.period.endsOn,
      file_from: draft.period.fileFrom,
      out,
      total_fen: total,
      applications: draft.items.map((p) => ({ application_id: p.application_id, enterprise_name: p.enterprise_name, category: p.category, award_fen: p.award_fen })),
    },
    human: (o: import('../render.js').Printer) => {
      o.line(
        ctx.t(
          text(
            `公示 #${noticeId}：${draft.items.length} 项，合计 ${formatYuan(total)} 元，${draft.period.startsOn} 至 ${draft.period.endsOn}（${days} 日，第${round.policy.notice.article}条）；${draft.period.fileFrom} 起可备案。`,
            `notice #${noticeId}: ${draft.items.length} awards, ${formatYuan(total)} in all, ${draft.period.startsOn} through ${draft.period.endsOn} (${days} days, Art. ${round.policy.notice.article}); filing possible from ${draft.period.fileFrom}.`,
          ),
        ),
      );
      o.table(
        [text('申报编号', 'application'), text('企业', 'enterprise'), text('类别', 'category'), text('金额（元）', 'award (yuan)')],
        draft.items.map((p) => [p.application_id, p.enterprise_name, p.category, formatYuan(p.award_fen)]),
        { align: ['left', 'left', 'left', 'right'] },
      );
      if (out) o.line(ctx.t(text(`公示名单已写入 ${out}`, `notice list written to ${out}`)));
    },
  };
}

// ---------------------------------------------------------------- objections

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

// ---------------------------------------------------------------- registration

export function register(program: Command): void {
  program
    .command('publicize')
    .description('put the proposed awards on public notice (公示, Art. 11) and write the notice list')
    .requiredOption('--round <id>', 'round')
    .requiredOption('--from <date>', 'first day of the notice')
    .option('--days <n>', "natural days, counted from --from inclusive (default and minimum: the policy's, 7)")
    .option('--out <file>', 'write the notice list (公示名单) as CSV')
    .option('--force', 'overwrite --out if it exists')
    .action(handler((ctx, opts: PublicizeOptions) => publicize(ctx, opts)));

  const objection = program.command('objection').description('objections raised during the public notice (异议, Art. 11)');

  objection
    .command('add <app>')
    .description('record an objection; anonymous or out-of-period ones are recorded as not accepted (不予受理)')
    .requiredOption('--received <date>', 'date the objection was received')
    .option('--from <name>', 'who raised it (a real name or a unit); without it the objection is anonymous')
    .requiredOption('--text <text>', 'what the objection says')
    .action(
      handler((ctx, appId: string, opts: { received: string; from?: string; text: string }) => {
        const db = ctx.db();
        const receivedOn = pastDateOpt(ctx, 'received', opts.received);
        const body = requiredText('text', opts.text);
        const fromName = opts.from === undefined ? null : opts.from.normalize('NFKC').trim() || null;
        const at = ctx.now();
        const row = inTransaction(db, () => {
          const app = requireApp(db, appId);
          const notice = noticeOf(db, app.id) ?? null;
          const adm = admitObjection({ fromName, receivedOn, notice: notice && { startsOn: notice.starts_on, endsOn: notice.ends_on } });
          // An objection in time against an award already filed cannot reopen it (filed awards are immutable).
          if (adm.status === 'open' && app.state !== 'in-notice' && app.state !== 'withdrawn') {
            throw new RefusedError(
              text(
                `${app.id} 当前状态为 ${stateLabel(app.state).zh}（${app.state}），公示期内的异议须在备案前录入；已备案的金额不能再改。`,
                `${app.id} is ${app.state}; objections received during the notice must be recorded before filing, and a filed award cannot change.`,
              ),
              text('违规问题请按审计程序处理：`jmfund clawback`。', 'handle a breach found after filing through audit: `jmfund clawback`.'),
            );
          }
          const o: Omit<ObjectionRow, 'objection_id' | 'resolution_note' | 'resolved_on' | 'resolved_at' | 'resolved_by'> = {
            round_id: app.roundId,
            application_id: app.id,
            notice_id: notice?.notice_id ?? null,
            received_on: receivedOn,
            from_name: fromName,
            text: body,
            status: adm.status,
            not_accepted_reason: adm.reason,
            created_at: at,
            created_by: ctx.officer,
          };
          const id = insertObjection(db, o);
          appendEvent(db, {
            at,
            officer: ctx.officer,
            command: 'objection add',
            roundId: app.roundId,
            appIds: [app.id],
            details: { objection_id: id, received_on: receivedOn, from: fromName, status: adm.status, reason: adm.reason, notice_id: o.notice_id },
          });
          return { ...o, objection_id: id, resolution_note: null, resolved_on: null, resolved_at: null, resolved_by: null } as ObjectionRow;
        });
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
      handler((ctx, idArg: string, opts: { upheld?: boolean; dismissed?: boolean; note: string; on?: string }) => {
        if (Boolean(opts.upheld) === Boolean(opts.dismissed)) {
          throw new UserError(text('请在 --upheld 与 --dismissed 中选一个。', 'give exactly one of --upheld and --dismissed.'), 2);
        }
        const id = Number(idArg.replace(/^#/, ''));
        if (!Number.isSafeInteger(id) || id <= 0) throw new UserError(text(`异议编号「${idArg}」无效。`, `objection ID "${idArg}" is not valid.`), 2);
        const status: 'upheld' | 'dismissed' = opts.upheld ? 'upheld' : 'dismissed';
        const note = requiredText('note', opts.note);
        const on = pastDateOpt(ctx, 'on', opts.on);
        const db = ctx.db();
        const at = ctx.now();
        const res = inTransaction(db, () => {
          const o = getObjection(db, id);
          if (!o) throw new UserError(text(`没有异议 #${id}。`, `no objection #${id}.`), 2, text('用 `jmfund objection list --round ID` 查看。', 'see them with `jmfund objection list --round ID`.'));
          if (o.status !== 'open') {
            throw new RefusedError(
              text(`异议 #${id} 的状态为「${OBJECTION_STATUS_LABELS[o.status].zh}」，只有待处理（open）的异议可以处理。`, `objection #${id} is ${o.status}; only an open objection can be resolved.`),
            );
          }
          if (compareDates(on, o.received_on) < 0) {
            throw new UserError(text(`处理日期 ${on} 早于收到日期 ${o.received_on}。`, `the decision date ${on} is before the objection was received (${o.received_on}).`), 2);
          }
          const app = requireApp(db, o.application_id);
          let after = app.state;
          // Art. 11: a founded objection withdraws the award; the reason stays with the objection.
          if (status === 'upheld' && app.state !== 'withdrawn') {
            transition(app.id, app.state, 'withdraw', 'withdrawn');
            setState(db, app.id, 'withdrawn', at);
            after = 'withdrawn';
          }
          resolveObjection(db, id, { status, note, on, at, by: ctx.officer });
          appendEvent(db, {
            at,
            officer: ctx.officer,
            command: 'objection resolve',
            roundId: o.round_id,
            appIds: [app.id],
            details: { objection_id: id, status, note, resolved_on: on, before: app.state, after },
          });
          return { o: { ...o, status, resolution_note: note, resolved_on: on } as ObjectionRow, before: app.state, after };
        });
        return {
          json: { ...objectionJson(res.o), application_state: res.after },
          human: (out) => {
            out.line(ctx.t(text(`异议 #${id}：${OBJECTION_STATUS_LABELS[status].zh}`, `objection #${id}: ${status}`)));
            if (res.after !== res.before) {
              out.line(
                ctx.t(
                  text(
                    `${res.o.application_id} 的拟支持金额已撤销（${res.before} → withdrawn）。释放的资金只能由新的分配版本分给候补：\`jmfund allocate --round ${res.o.round_id}\`，然后 \`jmfund publicize\`。`,
                    `${res.o.application_id}'s award is withdrawn (${res.before} → withdrawn). The freed money goes to the reserve list only through a new allocation version: \`jmfund allocate --round ${res.o.round_id}\`, then \`jmfund publicize\`.`,
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
    .addOption(new Option('--status <status>', 'only objections with this status').choices(['open', 'upheld', 'dismissed', 'not-accepted']))
    .action(
      handler((ctx, opts: { round: string; status?: ObjectionStatus }) => {
        const db = ctx.db();
        const round = requireRound(db, opts.round);
        const rows = roundObjections(db, round.roundId, opts.status);
        return {
          json: rows.map(objectionJson),
          human: (out) => {
            if (rows.length === 0) {
              out.line(ctx.t(text('没有异议。', 'no objections.')));
              return;
            }
            out.table(
              [text('编号', 'id'), text('申报', 'application'), text('状态', 'status'), text('收到', 'received'), text('提出人', 'from'), text('说明', 'note')],
              rows.map((o) => [
                o.objection_id,
                o.application_id,
                ctx.t(OBJECTION_STATUS_LABELS[o.status]),
                o.received_on,
                o.from_name ?? ctx.t(text('（匿名）', '(anonymous)')),
                o.not_accepted_reason ? ctx.t(NOT_ACCEPTED_LABELS[o.not_accepted_reason]) : (o.resolution_note ?? ''),
              ]),
            );
          },
        };
      }),
    );

  program
    .command('finalize')
    .description('file (备案) the awards on notice once the notice period is over and objections are resolved (Art. 10(3))')
    .requiredOption('--round <id>', 'round')
    .option('--on <date>', 'filing date (default today; never later than today)')
    .action(
      handler((ctx, opts: { round: string; on?: string }) => {
        const db = ctx.db();
        const filedOn = pastDateOpt(ctx, 'on', opts.on);
        const at = ctx.now();
        const res = inTransaction(db, () => {
          const round = requireRound(db, opts.round);
          const items = inNotice(db, round.roundId);
          if (items.length === 0) {
            throw new RefusedError(
              text(`批次 ${round.roundId} 没有公示中（in-notice）的申报可以备案。各状态：${stateCounts(db, round.roundId)}。`, `round ${round.roundId} has nothing in-notice to file. By state: ${stateCounts(db, round.roundId)}.`),
              text('先用 `jmfund publicize` 公示拟支持的金额。', 'put the proposed awards on notice first with `jmfund publicize`.'),
            );
          }
          const notices = [...new Map(items.map((i) => [i.notice_id, { noticeId: i.notice_id, endsOn: i.ends_on }])).values()];
          const open = roundObjections(db, round.roundId, 'open').map((o) => ({ objectionId: o.objection_id, applicationId: o.application_id }));
          const b = filingBlockers(filedOn, notices, open);
          if (b.running.length > 0) {
            const last = b.running.reduce((m, r) => (r.fileFrom > m ? r.fileFrom : m), b.running[0].fileFrom);
            throw new RefusedError(
              text(
                `公示期尚未结束：${b.running.map((r) => `公示 #${r.noticeId} 至 ${r.endsOn}`).join('、')}；${filedOn} 不能备案，${last} 起可以（第${round.policy.notice.article}条）。`,
                `the notice period is not over: ${b.running.map((r) => `notice #${r.noticeId} runs through ${r.endsOn}`).join(', ')}; filing on ${filedOn} is refused, it is allowed from ${last} (Art. ${round.policy.notice.article}).`,
              ),
              text(`${last} 或之后再运行 \`jmfund finalize --round ${round.roundId}\`。`, `run \`jmfund finalize --round ${round.roundId}\` on or after ${last}.`),
            );
          }
          if (b.openObjections.length > 0) {
            throw new RefusedError(
              text(
                `还有 ${b.openObjections.length} 件已受理的异议未处理：${b.openObjections.map((o) => `#${o.objectionId}（${o.applicationId}）`).join('、')}；处理完毕前不能备案。`,
                `${b.openObjections.length} accepted objection(s) still open: ${b.openObjections.map((o) => `#${o.objectionId} (${o.applicationId})`).join(', ')}; filing waits until they are resolved.`,
              ),
              text('用 `jmfund objection resolve ID --upheld|--dismissed --note ...` 处理。', 'resolve each with `jmfund objection resolve ID --upheld|--dismissed --note ...`.'),
            );
          }
          const filed = items.map((i) => ({ application_id: i.application_id, amount_fen: i.award_fen }));
          const f = insertFiling(db, { round_id: round.roundId, filed_on: filedOn, created_at: at, created_by: ctx.officer }, filed);
          for (const i of items) {
            transition(i.application_id, 'in-notice', 'finalize', 'filed');
            setState(db, i.application_id, 'filed', at);
          }
          const waiting = (db.prepare("SELECT application_id FROM applications WHERE round_id = ? AND state = 'proposed' ORDER BY application_id").pluck().all(round.roundId) as string[]);
          appendEvent(db, {
            at,
            officer: ctx.officer,
            command: 'finalize',
            roundId: round.roundId,
            appIds: filed.map((x) => x.application_id),
            details: { filing_id: f.filing_id, filed_on: filedOn, count: f.award_count, total_fen: f.total_fen, hash: f.hash, awards: filed.map((x) => [x.application_id, x.amount_fen]), before: 'in-notice', after: 'filed' },
          });
          return { round, f, filed, waiting };
        });
        return {
          json: {
            round: res.round.roundId,
            filing_id: res.f.filing_id,
            filed_on: filedOn,
            count: res.f.award_count,
            total_fen: res.f.total_fen,
            hash: res.f.hash,
            applications: res.filed,
            not_on_notice: res.waiting,
          },
          human: (out) => {
            out.line(
              ctx.t(
                text(
                  `已备案 #${res.f.filing_id}（${filedOn}）：${res.f.award_count} 项，合计 ${formatYuan(res.f.total_fen)} 元。备案金额不可更改（sha256 ${res.f.hash.slice(0, 16)}…）。`,
                  `filed #${res.f.filing_id} on ${filedOn}: ${res.f.award_count} awards, ${formatYuan(res.f.total_fen)} in all. Filed amounts cannot change (sha256 ${res.f.hash.slice(0, 16)}…).`,
                ),
              ),
            );
            if (res.waiting.length) {
              out.warn(ctx.t(text(`注意：${res.waiting.join('、')} 为拟支持但尚未公示，未备案；公示后可再次备案。`, `note: ${res.waiting.join(', ')} proposed but not yet on notice, so not filed; publicize them and file again.`)));
            }
          },
        };
      }),
    );

  const award = program.command('award').description('awards set by an officer (Art. 7(5), category other)');
  award
    .command('set <app>')
    .description("set the award of a category-other application, citing the approving document's number")
    .requiredOption('--amount <amount>', 'award (e.g. 500000 or 50万); 0 removes it')
    .requiredOption('--basis <document>', 'approving document number, e.g. 江府办〔2022〕12号')
    .option('--on <date>', 'date of the decision (default today)')
    .action(
      handler((ctx, appId: string, opts: { amount: string; basis: string; on?: string }) => {
        const db = ctx.db();
        const amount = moneyOpt('amount', opts.amount);
        const basis = checkApprovalDocument(opts.basis);
        if (!basis.ok) throw new UserError(basis.error, 2);
        const on = pastDateOpt(ctx, 'on', opts.on);
        const at = ctx.now();
        const res = inTransaction(db, () => {
          const app = requireApp(db, appId);
          const round = roundOf(db, app);
          const cat = categoryOf(round.policy, app.category);
          if (cat.allocation !== 'manual') {
            throw new RefusedError(
              text(`${app.id} 属于 ${cat.key}，其金额由竞争性分配确定（第8条），不能手工设定。`, `${app.id} is in ${cat.key}, whose awards come from competitive allocation (Art. 8), not from \`award set\`.`),
              text('用 `jmfund allocate --round ID`。', 'use `jmfund allocate --round ID`.'),
            );
          }
          if (amount % round.policy.unitFen !== 0) {
            throw new UserError(text(`金额须为 ${formatYuan(round.policy.unitFen)} 元的整数倍。`, `the amount must be a multiple of ${formatYuan(round.policy.unitFen)} (the policy's unit).`), 2);
          }
          const to: ApplicationState = amount > 0 ? 'proposed' : 'not-funded';
          transition(app.id, app.state, 'award-set', to);
          insertManualAward(db, { round_id: round.roundId, application_id: app.id, amount_fen: amount, basis: basis.value, set_on: on, created_at: at, created_by: ctx.officer });
          setState(db, app.id, to, at);
          appendEvent(db, {
            at,
            officer: ctx.officer,
            command: 'award set',
            roundId: round.roundId,
            appIds: [app.id],
            details: { amount_fen: amount, basis: basis.value, set_on: on, article: cat.article, before: app.state, after: to },
          });
          return { app, to };
        });
        return {
          json: { application_id: res.app.id, amount_fen: amount, basis: basis.value, set_on: on, state: res.to },
          human: (out) => out.line(ctx.t(text(`${res.app.id}：金额 ${formatYuan(amount)} 元，依据 ${basis.value}，状态 ${res.to}`, `${res.app.id}: award ${formatYuan(amount)} on ${basis.value}; now ${res.to}`))),
        };
      }),
    );

  program
    .command('accept <app>')
    .description('record the acceptance (验收, Art. 14); on pass the final award is min(filed award, cap on the actual investment)')
    .requiredOption('--date <date>', 'acceptance date')
    .addOption(new Option('--result <result>', 'pass or fail').choices(['pass', 'fail']).makeOptionMandatory())
    .requiredOption('--actual-investment <amount>', 'actual total investment as invoiced')
    .option('--events <n>', 'talent-training: training events held')
    .option('--trainees <n>', 'talent-training: people trained')
    .option('--note <text>', 'remarks')
    .action(
      handler((ctx, appId: string, opts: { date: string; result: 'pass' | 'fail'; actualInvestment: string; events?: string; trainees?: string; note?: string }) => {
        const db = ctx.db();
        const on = pastDateOpt(ctx, 'date', opts.date);
        const investment = moneyOpt('actual-investment', opts.actualInvestment);
        const events = countOpt('events', opts.events);
        const trainees = countOpt('trainees', opts.trainees);
        const at = ctx.now();
        const res = inTransaction(db, () => {
          const app = requireApp(db, appId);
          transition(app.id, app.state, opts.result === 'pass' ? 'accept-pass' : 'accept-fail');
          const round = roundOf(db, app);
          const cat = categoryOf(round.policy, app.category);
          const filed = filedAward(db, app.id);
          if (!filed) throw new Error(`${app.id} is filed but has no filed award`);
          if (compareDates(on, filed.filed_on) < 0) {
            throw new UserError(text(`验收日期 ${on} 早于备案日期 ${filed.filed_on}。`, `the acceptance date ${on} is before the filing date ${filed.filed_on}.`), 2);
          }
          if (opts.result === 'pass' && (cat.minTrainingEvents !== undefined || cat.minTrainees !== undefined) && (events === null || trainees === null)) {
            throw new UserError(text(`${cat.key} 验收须给出实际的 --events 和 --trainees（第${cat.article}条）。`, `acceptance of ${cat.key} needs the actual --events and --trainees (Art. ${cat.article}).`), 2);
          }
          const outcome = acceptanceOutcome({
            category: cat,
            unitFen: round.policy.unitFen,
            requestedFen: app.requestedFen,
            filedAwardFen: filed.amount_fen,
            actualInvestmentFen: investment,
            claimed: opts.result,
            trainingEvents: events,
            trainees,
          });
          const e = moneyEntries(db, app.id);
          const bal = moneyBalance(e.payments, e.clawbacks, e.recoveries);
          let to: ApplicationState = 'accepted';
          let clawback = 0;
          if (outcome.result === 'fail') {
            // Fail cancels the award; anything already paid becomes a clawback due.
            clawback = bal.clawableFen;
            to = clawback > 0 ? 'clawback-due' : 'rejected-at-acceptance';
          }
          transition(app.id, app.state, outcome.result === 'pass' ? 'accept-pass' : 'accept-fail', to);
          insertAcceptance(db, {
            application_id: app.id,
            accepted_on: on,
            claimed_result: opts.result,
            result: outcome.result,
            reason: outcome.reason,
            actual_investment_fen: investment,
            training_events: events,
            trainees,
            cap_fen: outcome.capFen,
            filed_award_fen: filed.amount_fen,
            final_award_fen: outcome.finalAwardFen,
            note: opts.note?.trim() || null,
            created_at: at,
            created_by: ctx.officer,
          });
          if (clawback > 0) {
            insertClawback(db, { application_id: app.id, amount_fen: clawback, source: 'acceptance', reason: outcome.text.zh, ordered_on: on, created_at: at, created_by: ctx.officer });
          }
          setState(db, app.id, to, at);
          appendEvent(db, {
            at,
            officer: ctx.officer,
            command: 'accept',
            roundId: app.roundId,
            appIds: [app.id],
            details: {
              accepted_on: on,
              claimed_result: opts.result,
              result: outcome.result,
              reason: outcome.reason,
              actual_investment_fen: investment,
              training_events: events,
              trainees,
              cap_fen: outcome.capFen,
              filed_award_fen: filed.amount_fen,
              final_award_fen: outcome.finalAwardFen,
              clawback_fen: clawback,
              before: app.state,
              after: to,
            },
          });
          return { app, outcome, filed, to, clawback };
        });
        return {
          json: {
            application_id: res.app.id,
            accepted_on: on,
            result: res.outcome.result,
            claimed_result: opts.result,
            reason: res.outcome.reason,
            cap_fen: res.outcome.capFen,
            filed_award_fen: res.filed.amount_fen,
            final_award_fen: res.outcome.finalAwardFen,
            clawback_fen: res.clawback,
            state: res.to,
          },
          human: (out) => {
            out.line(`${res.app.id}: ${ctx.t(res.outcome.text)}`);
            out.fields([
              [text('备案金额', 'filed award'), yuan(res.filed.amount_fen)],
              [text('重算上限', 'cap on actual investment'), yuan(res.outcome.capFen)],
              [text('最终补贴', 'final award'), yuan(res.outcome.finalAwardFen)],
              [text('状态', 'state'), stateText(ctx, res.to)],
            ]);
          },
        };
      }),
    );

  program
    .command('disburse <app>')
    .description('record a payment (拨付); cumulative payments never exceed the final award (专账专户, Art. 13)')
    .requiredOption('--amount <amount>', 'amount paid')
    .requiredOption('--date <date>', 'payment date')
    .option('--voucher <no>', 'payment voucher number')
    .action(
      handler((ctx, appId: string, opts: { amount: string; date: string; voucher?: string }) => {
        const db = ctx.db();
        const amount = moneyOpt('amount', opts.amount);
        const on = pastDateOpt(ctx, 'date', opts.date);
        const voucher = opts.voucher?.normalize('NFKC').trim() || null;
        const at = ctx.now();
        const res = inTransaction(db, () => {
          const app = requireApp(db, appId);
          transition(app.id, app.state, 'disburse', 'disbursed');
          const acc = acceptanceOf(db, app.id);
          if (!acc) throw new Error(`${app.id} is ${app.state} but has no acceptance`);
          if (compareDates(on, acc.accepted_on) < 0) {
            throw new UserError(text(`拨付日期 ${on} 早于验收日期 ${acc.accepted_on}。`, `the payment date ${on} is before the acceptance date ${acc.accepted_on}.`), 2);
          }
          const e = moneyEntries(db, app.id);
          const bal = moneyBalance(e.payments, e.clawbacks, e.recoveries);
          refuseOn(checkDisbursement(acc.final_award_fen, bal.paidFen, amount));
          const id = insertPayment(db, { application_id: app.id, amount_fen: amount, paid_on: on, voucher, created_at: at, created_by: ctx.officer });
          setState(db, app.id, 'disbursed', at);
          const paid = bal.paidFen + amount;
          appendEvent(db, {
            at,
            officer: ctx.officer,
            command: 'disburse',
            roundId: app.roundId,
            appIds: [app.id],
            details: { payment_id: id, amount_fen: amount, paid_on: on, voucher, paid_fen: paid, final_award_fen: acc.final_award_fen, before: app.state, after: 'disbursed' },
          });
          return { app, id, paid, final: acc.final_award_fen };
        });
        return {
          json: {
            payment_id: res.id,
            application_id: res.app.id,
            amount_fen: amount,
            paid_on: on,
            voucher,
            paid_fen: res.paid,
            final_award_fen: res.final,
            remaining_fen: res.final - res.paid,
            state: 'disbursed',
          },
          human: (out) =>
            out.line(
              ctx.t(
                text(
                  `${res.app.id}：拨付 ${formatYuan(amount)} 元（${on}），累计 ${formatYuan(res.paid)} / ${formatYuan(res.final)} 元，尚可拨 ${formatYuan(res.final - res.paid)} 元。`,
                  `${res.app.id}: paid ${formatYuan(amount)} on ${on}; ${formatYuan(res.paid)} of ${formatYuan(res.final)} paid, ${formatYuan(res.final - res.paid)} left.`,
                ),
              ),
            ),
        };
      }),
    );

  registerSpotCheck(program);
  registerClawback(program);
  registerStatus(program);
}

// ---------------------------------------------------------------- spot checks

function registerSpotCheck(program: Command): void {
  // The draw is the default subcommand: a parent's own options would also
  // swallow its subcommands' options of the same name (commander parses the
  // parent's options from everything after the subcommand).
  const spot = program.command('spot-check').description('spot checks (抽查, Art. 16): draw a sample (default), record a finding');
  spot
    .command('draw', { isDefault: true })
    .description('draw a reproducible random sample of filed awards to inspect')
    .requiredOption('--round <id>', 'round')
    .requiredOption('--sample <n|p%>', 'sample size: a count (5) or a percentage (10%)')
    .requiredOption('--seed <seed>', 'seed of the random draw (any text; the same seed gives the same sample)')
    .addOption(new Option('--stratify <key>', 'draw in proportion within each category').choices(['category']))
    .option('--always-above <amount>', 'always include awards above this amount, besides the sample')
    .option('--on <date>', 'date of the draw (default today)')
    .action(
      handler((ctx, opts: { round: string; sample: string; seed: string; stratify?: 'category'; alwaysAbove?: string; on?: string }) => {
        const size = parseSampleSize(opts.sample);
        if (!size.ok) throw new UserError(size.error, 2);
        const seed = opts.seed;
        if (seed.trim() === '') throw new UserError(text('--seed 不能为空。', '--seed must not be empty.'), 2);
        const above = opts.alwaysAbove === undefined ? null : moneyOpt('always-above', opts.alwaysAbove);
        const drawnOn = pastDateOpt(ctx, 'on', opts.on);
        const db = ctx.db();
        const at = ctx.now();
        const res = inTransaction(db, () => {
          const round = requireRound(db, opts.round);
          const population = spotCheckPopulation(db, round.roundId, FUNDED_STATES);
          if (population.length === 0) {
            throw new RefusedError(
              text(`批次 ${round.roundId} 没有已备案的补贴可供抽查。各状态：${stateCounts(db, round.roundId)}。`, `round ${round.roundId} has no filed award to spot-check. By state: ${stateCounts(db, round.roundId)}.`),
              text('先用 `jmfund finalize` 备案。', 'file the round first with `jmfund finalize`.'),
            );
          }
          const sample = drawSample(
            population.map((p) => ({ id: p.application_id, stratum: p.category, amountFen: p.amount_fen })),
            { seed, size: size.value, stratify: opts.stratify === 'category', alwaysAboveFen: above },
          );
          const method = {
            prng: PRNG_NAME,
            order: 'application_id',
            size: size.value.kind === 'count' ? String(size.value.count) : size.value.shown,
            stratify: opts.stratify ?? null,
            always_above_fen: above,
            states: FUNDED_STATES,
          };
          const certain = new Set(sample.certain);
          const strataOf = new Map(sample.strata.flatMap((s) => s.sample.map((id) => [id, s.key] as const)));
          const id = insertSpotCheck(
            db,
            { round_id: round.roundId, seed, method_json: canonicalJson(method), population: sample.population, drawn_on: drawnOn, created_at: at, created_by: ctx.officer },
            sample.sample.map((a) => ({ application_id: a, basis: certain.has(a) ? 'above-amount' : 'random', stratum: opts.stratify ? (strataOf.get(a) ?? null) : null })),
          );
          appendEvent(db, {
            at,
            officer: ctx.officer,
            command: 'spot-check',
            roundId: round.roundId,
            appIds: sample.sample,
            details: { check_id: id, seed, method, population: sample.population, drawn_on: drawnOn, sample: sample.sample, certain: sample.certain },
          });
          return { round, id, sample, method };
        });
        return {
          json: {
            check_id: res.id,
            round: res.round.roundId,
            seed,
            method: res.method,
            drawn_on: drawnOn,
            population: res.sample.population,
            sample: res.sample.sample,
            certain: res.sample.certain,
            strata: res.sample.strata.map((s) => ({ key: s.key, population: s.population, size: s.size, sample: [...s.sample].sort() })),
          },
          human: (out) => {
            out.line(
              ctx.t(
                text(
                  `抽查 #${res.id}：从 ${res.sample.population} 项已备案补贴中抽取 ${res.sample.sample.length} 项（种子「${seed}」，${PRNG_NAME}）。`,
                  `spot check #${res.id}: ${res.sample.sample.length} of ${res.sample.population} filed awards (seed "${seed}", ${PRNG_NAME}).`,
                ),
              ),
            );
            const certain = new Set(res.sample.certain);
            out.table(
              [text('申报编号', 'application'), text('抽取方式', 'basis')],
              res.sample.sample.map((a) => [a, certain.has(a) ? ctx.t(text('金额超过门槛，必查', 'above the amount, always checked')) : ctx.t(text('随机', 'random'))]),
            );
            out.line(ctx.t(text('记录结果：jmfund spot-check record APP --finding ok|violation --note ...', 'record findings with: jmfund spot-check record APP --finding ok|violation --note ...')));
          },
        };
      }),
    );

  spot
    .command('record <app>')
    .description('record the finding of a spot check; a violation orders back what was paid (Art. 16, 10(4))')
    .addOption(new Option('--finding <finding>', 'ok or violation').choices(['ok', 'violation']).makeOptionMandatory())
    .requiredOption('--note <text>', 'what was found')
    .option('--on <date>', 'date of the inspection (default today)')
    .option('--check <id>', 'the spot check (default the newest that sampled the application)')
    .action(
      handler((ctx, appId: string, opts: { finding: 'ok' | 'violation'; note: string; on?: string; check?: string }) => {
        const db = ctx.db();
        const note = requiredText('note', opts.note);
        const on = pastDateOpt(ctx, 'on', opts.on);
        const checkId = countOpt('check', opts.check) ?? undefined;
        const at = ctx.now();
        const res = inTransaction(db, () => {
          const app = requireApp(db, appId);
          const item = spotCheckItem(db, app.id, checkId);
          if (!item) {
            throw new RefusedError(
              text(`${app.id} 不在${checkId === undefined ? '任何' : ` #${checkId} `}抽查样本中。`, `${app.id} was not drawn in ${checkId === undefined ? 'any spot check' : `spot check #${checkId}`}.`),
              text('先用 `jmfund spot-check --round ID --sample N --seed S` 抽样；审计发现的问题用 `jmfund clawback`。', 'draw a sample first with `jmfund spot-check --round ID --sample N --seed S`; findings of an audit go through `jmfund clawback`.'),
            );
          }
          if (item.finding !== null) {
            throw new RefusedError(text(`抽查 #${item.check_id} 对 ${app.id} 的结果已记录为 ${item.finding}。`, `the finding of spot check #${item.check_id} on ${app.id} is already recorded (${item.finding}).`));
          }
          if (compareDates(on, item.drawn_on) < 0) {
            throw new UserError(text(`检查日期 ${on} 早于抽样日期 ${item.drawn_on}。`, `the inspection date ${on} is before the draw (${item.drawn_on}).`), 2);
          }
          let to = app.state;
          let clawback = 0;
          if (opts.finding === 'violation') {
            // Art. 16, 10(4): a violation stops further payment and orders back what was paid.
            transition(app.id, app.state, 'spot-check-violation', 'clawback-due');
            const e = moneyEntries(db, app.id);
            clawback = moneyBalance(e.payments, e.clawbacks, e.recoveries).clawableFen;
            if (clawback > 0) insertClawback(db, { application_id: app.id, amount_fen: clawback, source: 'spot-check', reason: note, ordered_on: on, created_at: at, created_by: ctx.officer });
            // Nothing more to order back from an award already under clawback: its state stays.
            if (clawback > 0 || (app.state !== 'clawback-due' && app.state !== 'recovered')) {
              to = 'clawback-due';
              setState(db, app.id, 'clawback-due', at);
            }
          }
          const id = insertFinding(db, { check_id: item.check_id, application_id: app.id, finding: opts.finding, note, found_on: on, created_at: at, created_by: ctx.officer });
          appendEvent(db, {
            at,
            officer: ctx.officer,
            command: 'spot-check record',
            roundId: app.roundId,
            appIds: [app.id],
            details: { finding_id: id, check_id: item.check_id, finding: opts.finding, note, found_on: on, clawback_fen: clawback, before: app.state, after: to },
          });
          return { app, id, checkId: item.check_id, to, clawback };
        });
        return {
          json: { finding_id: res.id, check_id: res.checkId, application_id: res.app.id, finding: opts.finding, note, found_on: on, state: res.to, clawback_fen: res.clawback },
          human: (out) =>
            out.line(
              opts.finding === 'ok'
                ? ctx.t(text(`${res.app.id}：抽查 #${res.checkId} 未发现问题。`, `${res.app.id}: spot check #${res.checkId} found nothing wrong.`))
                : ctx.t(
                    text(
                      `${res.app.id}：抽查 #${res.checkId} 发现违规，停止拨付，追缴已拨付的 ${formatYuan(res.clawback)} 元（第16条、第10条第（四）项）。`,
                      `${res.app.id}: spot check #${res.checkId} found a violation; no further payment, ${formatYuan(res.clawback)} paid is ordered back (Art. 16, 10(4)).`,
                    ),
                  ),
            ),
        };
      }),
    );
}

// ---------------------------------------------------------------- clawbacks

function registerClawback(program: Command): void {
  // Ordering is the default subcommand, so that `clawback APP` and
  // `clawback recover APP` each read their own --amount (see spot-check).
  const claw = program.command('clawback').description('clawbacks (追缴, Art. 10(4)): order money back (default), record a recovery');
  claw
    .command('order <app>', { isDefault: true })
    .description('order money paid to be returned: jmfund clawback APP --amount A --reason TEXT')
    .requiredOption('--amount <amount>', 'amount to be returned (at most what was paid and not yet ordered back)')
    .requiredOption('--reason <text>', 'why')
    .option('--on <date>', 'date of the decision (default today)')
    .action(
      handler((ctx, appId: string, opts: { amount: string; reason: string; on?: string }) => {
        const db = ctx.db();
        const amount = moneyOpt('amount', opts.amount);
        const reason = requiredText('reason', opts.reason);
        const on = pastDateOpt(ctx, 'on', opts.on);
        const at = ctx.now();
        const res = inTransaction(db, () => {
          const app = requireApp(db, appId);
          transition(app.id, app.state, 'clawback', 'clawback-due');
          const e = moneyEntries(db, app.id);
          const bal = moneyBalance(e.payments, e.clawbacks, e.recoveries);
          refuseOn(checkClawback(bal, amount));
          const id = insertClawback(db, { application_id: app.id, amount_fen: amount, source: 'audit', reason, ordered_on: on, created_at: at, created_by: ctx.officer });
          setState(db, app.id, 'clawback-due', at);
          const due = bal.outstandingFen + amount;
          appendEvent(db, {
            at,
            officer: ctx.officer,
            command: 'clawback',
            roundId: app.roundId,
            appIds: [app.id],
            details: { clawback_id: id, amount_fen: amount, reason, ordered_on: on, clawback_due_fen: due, before: app.state, after: 'clawback-due' },
          });
          return { app, id, due, paid: bal.paidFen };
        });
        return {
          json: { clawback_id: res.id, application_id: res.app.id, amount_fen: amount, reason, ordered_on: on, state: 'clawback-due', paid_fen: res.paid, clawback_due_fen: res.due },
          human: (out) =>
            out.line(ctx.t(text(`${res.app.id}：追缴 ${formatYuan(amount)} 元，尚欠 ${formatYuan(res.due)} 元。`, `${res.app.id}: ${formatYuan(amount)} ordered back; ${formatYuan(res.due)} now due.`))),
        };
      }),
    );

  claw
    .command('recover <app>')
    .description('record money returned against a clawback; never more than is due')
    .requiredOption('--amount <amount>', 'amount returned')
    .requiredOption('--date <date>', 'date it was received')
    .option('--voucher <no>', 'receipt number')
    .action(
      handler((ctx, appId: string, opts: { amount: string; date: string; voucher?: string }) => {
        const db = ctx.db();
        const amount = moneyOpt('amount', opts.amount);
        const on = pastDateOpt(ctx, 'date', opts.date);
        const voucher = opts.voucher?.normalize('NFKC').trim() || null;
        const at = ctx.now();
        const res = inTransaction(db, () => {
          const app = requireApp(db, appId);
          transition(app.id, app.state, 'recover');
          const e = moneyEntries(db, app.id);
          const bal = moneyBalance(e.payments, e.clawbacks, e.recoveries);
          refuseOn(checkRecovery(bal, amount));
          const due = bal.outstandingFen - amount;
          const to: ApplicationState = due === 0 ? 'recovered' : 'clawback-due';
          transition(app.id, app.state, 'recover', to);
          const id = insertRecovery(db, { application_id: app.id, amount_fen: amount, recovered_on: on, voucher, created_at: at, created_by: ctx.officer });
          setState(db, app.id, to, at);
          appendEvent(db, {
            at,
            officer: ctx.officer,
            command: 'clawback recover',
            roundId: app.roundId,
            appIds: [app.id],
            details: { recovery_id: id, amount_fen: amount, recovered_on: on, voucher, clawback_due_fen: due, before: app.state, after: to },
          });
          return { app, id, due, to, recovered: bal.recoveredFen + amount };
        });
        return {
          json: { recovery_id: res.id, application_id: res.app.id, amount_fen: amount, recovered_on: on, voucher, state: res.to, clawback_due_fen: res.due, recovered_fen: res.recovered },
          human: (out) =>
            out.line(
              ctx.t(
                text(`${res.app.id}：追回 ${formatYuan(amount)} 元（${on}），尚欠 ${formatYuan(res.due)} 元，状态 ${res.to}。`, `${res.app.id}: ${formatYuan(amount)} recovered on ${on}; ${formatYuan(res.due)} still due; now ${res.to}.`),
              ),
            ),
        };
      }),
    );
}

// ---------------------------------------------------------------- status

function registerStatus(program: Command): void {
  program
    .command('status')
    .description('a round after allocation: applications and money per state, objections, notices, payments, clawbacks')
    .requiredOption('--round <id>', 'round')
    .action(
      handler((ctx, opts: { round: string }) => {
        const db = ctx.db();
        const round = requireRound(db, opts.round);
        const today = ctx.today();
        const awards = roundAwards(db, round.roundId);
        const states: Record<string, { count: number; amount_fen: number }> = {};
        let awarded = 0;
        let filed = 0;
        let paid = 0;
        let due = 0;
        let recovered = 0;
        let clawedBack = 0;
        for (const a of awards) {
          const s = (states[a.state] ??= { count: 0, amount_fen: 0 });
          s.count++;
          s.amount_fen += a.award_fen;
          awarded += a.award_fen;
          filed += a.filed_award_fen ?? 0;
          paid += a.paid_fen;
          due += a.clawback_due_fen;
          recovered += a.recovered_fen;
          clawedBack += a.clawed_back_fen;
        }
        const objections = roundObjections(db, round.roundId);
        const byStatus: Record<string, number> = {};
        for (const o of objections) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
        const notices = roundNotices(db, round.roundId).map((n) => {
          const p = noticeProgress({ startsOn: n.starts_on, days: n.days, endsOn: n.ends_on }, today);
          return { notice_id: n.notice_id, from: n.starts_on, through: n.ends_on, days: n.days, applications: n.applications, total_fen: n.total_fen, phase: p.phase, days_left: p.daysLeft };
        });
        const order = Object.keys(STATE_LABELS);
        const sortedStates = Object.fromEntries(Object.entries(states).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
        const json = {
          round: round.roundId,
          today,
          states: sortedStates,
          awarded_fen: awarded,
          filed_fen: filed,
          paid_fen: paid,
          clawed_back_fen: clawedBack,
          clawback_due_fen: due,
          recovered_fen: recovered,
          objections: byStatus,
          open_objections: objections.filter((o) => o.status === 'open').map((o) => ({ id: o.objection_id, application_id: o.application_id, received_on: o.received_on })),
          notices,
        };
        return {
          json,
          human: (out) => {
            out.heading(text(`批次 ${round.roundId}（${today}）`, `round ${round.roundId} (${today})`));
            out.table(
              [text('状态', 'state'), text('申报数', 'applications'), text('金额（元）', 'amount (yuan)')],
              Object.entries(sortedStates).map(([s, v]) => [stateText(ctx, s), v.count, formatYuan(v.amount_fen)]),
              { align: ['left', 'right', 'right'] },
            );
            out.fields([
              [text('当前补贴合计', 'awarded now'), formatYuan(awarded)],
              [text('备案合计', 'filed'), formatYuan(filed)],
              [text('已拨付', 'paid'), formatYuan(paid)],
              [text('待追缴', 'clawback due'), formatYuan(due)],
              [text('已追回', 'recovered'), formatYuan(recovered)],
              [text('未处理异议', 'open objections'), json.open_objections.length],
            ]);
            for (const n of notices) {
              const phase =
                n.phase === 'running'
                  ? ctx.t(text(`还剩 ${n.days_left} 天（含今天）`, `${n.days_left} day(s) left, today included`))
                  : n.phase === 'ended'
                    ? ctx.t(text('已结束', 'ended'))
                    : ctx.t(text('尚未开始', 'not started'));
              out.line(ctx.t(text(`公示 #${n.notice_id}：${n.from} 至 ${n.through}，${n.applications} 项，`, `notice #${n.notice_id}: ${n.from} through ${n.through}, ${n.applications} awards, `)) + phase);
            }
          },
        };
      }),
    );
}
