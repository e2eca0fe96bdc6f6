// Public notice and objections (公示、异议, Art. 11; SPEC §9): publicize puts
// the proposed awards on a notice and writes the notice list; objections are
// recorded, admitted or not, and resolved.
import { type FenJson, fenJson } from '../domain/money-stages.js';
import { compareDates } from '../domain/dates.js';
import { RefusedError, UserError } from '../domain/errors.js';
import { OBJECTION_STATUS_LABELS, type ObjectionStatus } from '../domain/labels.js';
import { admitObjection, checkNoticedAward, checkObjectionState, noticePeriod, stateAfterObjection, type NoticePeriod } from '../domain/notice-period.js';
import { canonicalJson } from '../domain/policy.js';
import { nothingToPublicize } from '../domain/step-order.js';
import { text } from '../domain/text.js';
import { noticeDocument, type NoticeEntry } from '../domain/reports/notice-list.js';
import { formatOfPath, renderReport, writeReportFile } from '../io/exporters/index.js';
import { checkOutPath, ledgerFiles } from '../io/out-path.js';
import { stageFile, stageFileWith, type StagedFile } from '../io/staged-file.js';
import { latestVersion } from '../ledger/allocations.repo.js';
import { setState } from '../ledger/applications.repo.js';
import { headSeq } from '../ledger/event-head.js';
import { appendEvent } from '../ledger/events.js';
import { sha256 } from '../ledger/seals.js';
import { eachProposedAward, insertNotice, nextNoticeId, noticeOf, proposedAwards, type ProposedAward } from '../ledger/notices.repo.js';
import { getObjection, insertObjection, resolveObjection as storeResolution, roundObjections, type NewObjection, type ObjectionRow } from '../ledger/objections.repo.js';
import { inTransaction, type Db } from '../ledger/open.js';
import { noticeCounts } from '../ledger/steps.repo.js';
import type { Round } from '../ledger/rounds.repo.js';
import type { OpContext } from './context.js';
import type { Progress } from './progress.js';
import { requireApplication, requireRound } from './lookup.js';
import { requireReadyForNotice } from './steps.js';
import { byState, refuseOn, transition } from './refusals.js';

// ---------------------------------------------------------------- publicize

export interface PublicizeInput {
  roundId: string;
  /** First day of the notice. */
  from: string;
  /** Natural days; null: the policy's minimum. */
  days: number | null;
  /**
   * The notice to write, if any: where (its extension picks the format, csv by
   * default) and whether to replace a file there. It is the public notice of
   * `report notice` for this notice, in Chinese whatever the officer's language.
   */
  listFile: {
    path: string;
    force: boolean;
    /** Check the path only (a rehearsal before the question): no file is written. */
    checkOnly?: boolean;
  } | null;
}

export interface PublicizeResult {
  roundId: string;
  noticeId: number;
  allocationVersion: number | null;
  period: NoticePeriod;
  /** Article of the policy that sets the notice period. */
  article: string;
  out: string | null;
  totalFen: FenJson;
  items: NoticeAward[];
}

/** An award put on notice, with what the officer is shown of it. */
export type NoticeAward = Pick<ProposedAward, 'application_id' | 'enterprise_name' | 'category' | 'award_fen' | 'source'>;

interface NoticeDraft {
  /** The number the notice gets when it is recorded. */
  id: number;
  period: NoticePeriod;
  version: number | null;
  items: NoticeAward[];
  /** SHA-256 of every column of the rows planned: a plan made again must match it. */
  digest: string;
  /** The awards as the public notice lists them, when it is written; dropped once it is. */
  entries: NoticeEntry[] | null;
}

type Refusal = ReturnType<typeof checkNoticedAward>;

/**
 * The awards to put on notice from the proposed ones, in application_id
 * order, and the first refusal (an award on notice with another amount);
 * null when `rows` ended early (out of order).
 */
function collect(
  db: Db,
  rows: Iterator<ProposedAward, unknown>,
  forFile: boolean,
  tick?: (done: number) => void,
): { items: NoticeAward[]; entries: NoticeEntry[] | null; digest: string; refusal: Refusal | null } | null {
  let read = 0;
  const items: NoticeAward[] = [];
  const entries: NoticeEntry[] | null = forFile ? [] : null;
  const digest = sha256();
  let pending = '';
  // One string per category (a few), not one per row.
  const categories = new Map<string, string>();
  let refusal: Refusal | null = null;
  let r = rows.next();
  for (; !r.done; r = rows.next()) {
    const p = r.value;
    if (tick && (++read & 4095) === 0) tick(read);
    if (p.state === 'proposed') {
      pending += `${JSON.stringify(p)}\n`;
      if (pending.length >= 1 << 16) {
        digest.update(pending);
        pending = '';
      }
      let category = categories.get(p.category);
      if (category === undefined) categories.set(p.category, (category = p.category));
      items.push({ application_id: p.application_id, enterprise_name: p.enterprise_name, category, award_fen: p.award_fen, source: p.source === 'manual' ? 'manual' : 'allocation' });
      entries?.push({
        applicationId: p.application_id,
        enterprise: p.enterprise_name,
        uscc: p.uscc,
        district: p.district,
        project: p.project_name,
        category,
        rank: p.rank,
        awardFen: p.award_fen,
      });
      continue;
    }
    if (refusal) continue;
    const n = noticeOf(db, p.application_id);
    const check = checkNoticedAward({ applicationId: p.application_id, state: p.state, awardFen: p.award_fen }, n && { noticeId: n.notice_id, awardFen: n.award_fen });
    if (!check.ok) refusal = check;
  }
  if (r.value === false) return null;
  return { items, entries, digest: digest.update(pending).digest('hex'), refusal };
}

/** The awards a new notice would publish: proposed ones only; awards already on notice stay on theirs. */
function planNotice(db: Db, round: Round, startsOn: string, days: number, forFile: boolean, progress?: Progress): NoticeDraft {
  const period = refuseOn(noticePeriod(startsOn, days, round.policy));
  requireReadyForNotice(db, round.roundId);
  const manual = round.policy.categories.filter((c) => c.allocation === 'manual').map((c) => c.key);
  // About as many awards as the latest version funds (manual awards besides).
  progress?.phase(text('核对拟公示的奖励', 'reading the proposed awards'), noticeCounts(db, round.roundId, latestVersion(db, round.roundId)).funded, 'rows', true);
  const tick = progress ? (n: number) => progress.tick(n) : undefined;
  // Read one row at a time; in the rare ledger whose ids SQLite sorts otherwise, all at once and sorted here.
  const plan = collect(db, eachProposedAward(db, round.roundId, manual), forFile, tick) ?? collect(db, proposedAwards(db, round.roundId, manual)[Symbol.iterator](), forFile, tick);
  if (!plan) throw new Error('internal error: proposedAwards came out of application_id order');
  if (plan.refusal) refuseOn(plan.refusal, text('重新运行 `jmfund allocate`，它会保留已公示的金额。', 'run `jmfund allocate` again: it keeps the awards on notice.'));
  if (plan.items.length === 0) {
    const version = latestVersion(db, round.roundId);
    const counts = noticeCounts(db, round.roundId, version);
    const why = nothingToPublicize(round.roundId, {
      allocation: version === null ? null : { version, funded: counts.funded },
      manualCategories: manual.length > 0,
      onNotice: counts.onNotice,
      byState: byState(db, round.roundId),
    });
    throw new RefusedError(why.message, why.hint);
  }
  return { id: nextNoticeId(db), period, version: latestVersion(db, round.roundId), items: plan.items, digest: plan.digest, entries: plan.entries };
}

const samePlan = (a: NoticeDraft, b: NoticeDraft): boolean => a.id === b.id && a.version === b.version && a.digest === b.digest && canonicalJson(a.period) === canonicalJson(b.period);

/**
 * Stages the public notice of one draft notice: the document `report notice`
 * shows once it is recorded, written row by row (but xlsx, made whole).
 */
async function stageNoticeFile(round: Round, draft: NoticeDraft, at: string, path: string, force: boolean): Promise<StagedFile> {
  const { startsOn, endsOn, days } = draft.period;
  const entries = draft.entries ?? [];
  // Held by the document only while it is written: the rest of publicize needs no uscc, district or project.
  draft.entries = null;
  const doc = noticeDocument({ roundId: round.roundId, policy: round.policy, policyId: round.policyId, policyHash: round.policyHash, notices: [{ id: draft.id, from: startsOn, to: endsOn, days, entries }], draft: null }, at);
  // A 公示 is published in Chinese, whatever --lang the officer works in.
  const format = formatOfPath(path) ?? 'csv';
  if (format === 'xlsx') return stageFile(path, await renderReport(doc, format, 'zh'), { force });
  return stageFileWith(path, (tmp) => writeReportFile(doc, format, 'zh', tmp, { force: true }), { force });
}

export async function publicize(op: OpContext, input: PublicizeInput): Promise<PublicizeResult> {
  const { db } = op;
  const round = requireRound(db, input.roundId);
  const days = input.days ?? round.policy.notice.minDays;
  const out = input.listFile?.path ?? null;
  // Never the ledger, a folder or a missing folder: refused before anything is planned or written.
  if (input.listFile) checkOutPath(input.listFile.path, { option: '--out', keep: ledgerFiles(db.name), force: input.listFile.force });
  // Plan, write the whole list beside its place, record, then move it into
  // place: a refused plan or a failed transaction leaves any earlier file as it was.
  const seqAtDraft = headSeq(db);
  const writes = Boolean(input.listFile && !input.listFile.checkOnly);
  const draft = planNotice(db, round, input.from, days, writes, op.progress);
  const at = op.now();
  // A public document: its mode follows the officer's umask.
  const staged = input.listFile && draft.entries ? await stageNoticeFile(round, draft, at, input.listFile.path, input.listFile.force) : null;
  let noticeId: number;
  try {
    noticeId = inTransaction(db, () => {
      // Every write appends an event: with none since the draft, the draft is still the plan (10^5 awards planned again cost a second).
      const plan = headSeq(db) === seqAtDraft ? draft : planNotice(db, round, input.from, days, false);
      if (plan !== draft && !samePlan(plan, draft)) {
        throw new UserError(text('公示名单在写文件时被另一命令改变，请重试。', 'the proposed awards changed while the list was written; run the command again.'), 2);
      }
      const id = insertNotice(
        db,
        { round_id: round.roundId, allocation_version: plan.version, starts_on: plan.period.startsOn, days, ends_on: plan.period.endsOn, out_file: out, created_at: at, created_by: op.officer },
        plan.items,
      );
      // Every award planned is proposed (planNotice keeps no other).
      transition(plan.items[0].application_id, 'proposed', 'publicize', 'in-notice');
      // The notice's items make its awards in-notice (ledger/states.ts): 10^5 rows are not rewritten and sealed again.
      appendEvent(db, {
        at,
        officer: op.officer,
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
    staged?.discard();
    throw e;
  }
  // At once after the commit (synchronous: no signal handler runs in between).
  const placed = staged?.commitSync();
  if (placed && !placed.ok && out) {
    const n = draft.items.length;
    const where = placed.leftAt
      ? text(`完整的名单已保存为 ${placed.leftAt}，请把它改名为 ${out}`, `the complete list was saved as ${placed.leftAt}; rename it to ${out}`)
      : text(`可用 \`jmfund report notice --round ${round.roundId} --out 文件\` 重新写出名单`, `write the list again with \`jmfund report notice --round ${round.roundId} --out FILE\``);
    throw new UserError(
      text(
        `公示 #${noticeId} 已记入账本（${n} 项申报进入公示，${draft.period.startsOn} 至 ${draft.period.endsOn}），但公示名单未能写到 ${out}：${placed.reason.zh}。`,
        `notice #${noticeId} was recorded in the ledger (${n} application(s) now in notice, ${draft.period.startsOn} to ${draft.period.endsOn}), but the notice list could not be put at ${out}: ${placed.reason.en}.`,
      ),
      2,
      where,
    );
  }
  return {
    roundId: round.roundId,
    noticeId,
    allocationVersion: draft.version,
    period: draft.period,
    article: round.policy.notice.article,
    out,
    totalFen: fenJson(draft.items.reduce((s, p) => s + BigInt(p.award_fen), 0n)),
    items: draft.items,
  };
}

// ---------------------------------------------------------------- objections

export interface AddObjectionInput {
  applicationId: string;
  receivedOn: string;
  /** A real name or a unit; null: anonymous. */
  fromName: string | null;
  text: string;
}

export function addObjection(op: OpContext, input: AddObjectionInput): ObjectionRow {
  const { db } = op;
  const at = op.now();
  return inTransaction(db, () => {
    const app = requireApplication(db, input.applicationId);
    const notice = noticeOf(db, app.applicationId) ?? null;
    const admission = refuseOn(
      checkObjectionState(
        app.applicationId,
        app.state,
        admitObjection({ fromName: input.fromName, receivedOn: input.receivedOn, notice: notice && { startsOn: notice.starts_on, endsOn: notice.ends_on } }),
      ),
      text('违规问题请按审计程序处理：`jmfund clawback`。', 'handle a breach found after filing through audit: `jmfund clawback`.'),
    );
    const o: NewObjection = {
      round_id: app.roundId,
      application_id: app.applicationId,
      notice_id: notice?.notice_id ?? null,
      received_on: input.receivedOn,
      from_name: input.fromName,
      text: input.text,
      status: admission.status,
      not_accepted_reason: admission.reason,
      created_at: at,
      created_by: op.officer,
    };
    const id = insertObjection(db, o);
    appendEvent(db, {
      at,
      officer: op.officer,
      command: 'objection add',
      roundId: app.roundId,
      appIds: [app.applicationId],
      details: { objection_id: id, received_on: input.receivedOn, from: input.fromName, status: admission.status, reason: admission.reason, notice_id: o.notice_id },
    });
    return { ...o, objection_id: id, resolution_note: null, resolved_on: null, resolved_at: null, resolved_by: null };
  });
}

export interface ResolveObjectionInput {
  objectionId: number;
  status: 'upheld' | 'dismissed';
  note: string;
  on: string;
}

export interface ResolveObjectionResult {
  objection: ObjectionRow;
  /** The application's state before and after (withdrawn when upheld). */
  before: string;
  after: string;
}

export function resolveObjection(op: OpContext, input: ResolveObjectionInput): ResolveObjectionResult {
  const { db } = op;
  const { objectionId: id, status, note, on } = input;
  const at = op.now();
  return inTransaction(db, () => {
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
    const app = requireApplication(db, o.application_id);
    const to = stateAfterObjection(status, app.state);
    if (to) {
      transition(app.applicationId, app.state, 'withdraw', to);
      setState(db, app.applicationId, to, at);
    }
    const after = to ?? app.state;
    storeResolution(db, id, { status, note, on, at, by: op.officer });
    appendEvent(db, {
      at,
      officer: op.officer,
      command: 'objection resolve',
      roundId: o.round_id,
      appIds: [app.applicationId],
      details: { objection_id: id, status, note, resolved_on: on, before: app.state, after },
    });
    return { objection: { ...o, status, resolution_note: note, resolved_on: on }, before: app.state, after };
  });
}

export function listObjections(op: OpContext, input: { roundId: string; status?: ObjectionStatus }): ObjectionRow[] {
  const round = requireRound(op.db, input.roundId);
  return roundObjections(op.db, round.roundId, input.status);
}
