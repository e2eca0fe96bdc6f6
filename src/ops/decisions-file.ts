// Review decisions in bulk (SPEC §6): `review --out FILE` writes the open
// needs-review items of a round as a worksheet with empty decision and reason
// columns; the officer fills it in (Excel, WPS) and `decide --from FILE`
// records every decision of it in one transaction, each through `decide` with
// its own event, or none when any row is wrong.
import { basename } from 'node:path';
import { DECISION_COLUMNS, parseDecisionRow, type DecisionRow } from '../domain/decisions-file.js';
import { resultReason } from '../domain/eligibility.js';
import { RefusedError, UserError } from '../domain/errors.js';
import { rowErrorText } from '../domain/import-row.js';
import { RULE_LABELS } from '../domain/labels.js';
import { text, type Lang, type Text } from '../domain/text.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { toCsv } from '../io/exporters/csv.js';
import { fileProblem, sha256File } from '../io/files.js';
import { checkOutPath, ledgerFiles } from '../io/out-path.js';
import { parsedTable } from '../io/parsed-table.js';
import { currentResult } from '../ledger/eligibility.repo.js';
import { refuseIfClockBehind } from '../ledger/events.js';
import { inTransaction } from '../ledger/open.js';
import { decisionOf, decideWithin, reviewItems, type DecisionResult } from './check.js';
import type { OpContext } from './context.js';
import { requireApplicationState, requireRound } from './lookup.js';

/** At most this many row errors are named in the message. */
const ERRORS_SHOWN = 20;

// ---------------------------------------------------------------- review --out

export interface ReviewSheet {
  round: string;
  file: string;
  items: number;
}

/**
 * Writes the open needs-review items of a round to `out` (CSV, UTF-8 with BOM,
 * mode 0600: it names enterprises), headers in `lang`; decision and reason
 * empty, the evidence hash kept so that a decision is refused if the item was
 * checked again since.
 */
export async function writeReviewSheet(op: OpContext, input: { roundId?: string; out: string; force?: boolean; lang: Lang }): Promise<ReviewSheet> {
  const { round, items } = reviewItems(op, { roundId: input.roundId });
  checkOutPath(input.out, { option: '--out', keep: ledgerFiles(op.db.name), force: input.force });
  const zh = input.lang === 'zh';
  const head = zh
    ? ['申报编号', '企业名称', '统一社会信用代码', '项目名称', '规则', '规则名称', '核查发现', '决定', '理由', '证据哈希']
    : ['application_id', 'enterprise', 'uscc', 'project', 'rule', 'rule_name', 'finding', 'decision', 'reason', 'evidence_hash'];
  const rows = items.map((i) => [i.applicationId, i.enterpriseName, i.uscc, i.projectName, i.result.rule, RULE_LABELS[i.result.rule][input.lang], resultReason(i.result)[input.lang], '', '', i.result.evidenceHash]);
  await writeFileAtomic(input.out, toCsv([head, ...rows]), { force: input.force, mode: 0o600 });
  return { round: round.roundId, file: input.out, items: items.length };
}

// ---------------------------------------------------------------- decide --from

export interface DecideFromFileInput {
  file: string;
  /** Every row must be of this round. */
  roundId?: string;
  encoding?: string;
  sheet?: string;
}

export interface DecisionsFromFile {
  file: string;
  sha256: string;
  /** Data rows read. */
  rows: number;
  decided: (DecisionResult & { line: number })[];
  /** Rows whose item already holds that same decision and reason: nothing recorded. */
  unchanged: number;
  /** Rows with an empty decision: left open. */
  leftOpen: number;
}

interface Row extends DecisionRow {
  line: number;
}

async function readRows(file: string, input: DecideFromFileInput): Promise<Row[]> {
  const rows: Row[] = [];
  const errors: Text[] = [];
  let errorCount = 0;
  try {
    for await (const ev of parsedTable(file, { encoding: input.encoding, sheet: input.sheet }, DECISION_COLUMNS, undefined, parseDecisionRow, false)) {
      if (ev.kind === 'rows') {
        for (const r of ev.rows) {
          if (r.value) rows.push({ ...r.value, line: r.line });
          for (const e of r.errors) if (++errorCount <= ERRORS_SHOWN) errors.push(rowErrorText(file, r.line, e));
        }
      } else if (ev.kind === 'end') {
        if (ev.headerProblem) throw new UserError(ev.headerProblem, 2, text('表头须有：申报编号、规则、决定、理由（`jmfund review --out 文件` 写出的表即可）。', 'the header needs application_id, rule, decision and reason (as `jmfund review --out FILE` writes it).'));
        if (ev.blank) throw new UserError(text(`${file} 中没有任何行。`, `${file} holds no rows.`), 2);
      }
    }
  } catch (e) {
    throw fileProblem(file, e);
  }
  if (errorCount > 0) {
    const more = errorCount > ERRORS_SHOWN ? text(`\n……共 ${errorCount} 处错误`, `\n… ${errorCount} errors in all`) : text('', '');
    throw new UserError(
      text(`${errors.map((t) => t.zh).join('\n')}${more.zh}`, `${errors.map((t) => t.en).join('\n')}${more.en}`),
      2,
      text('未记录任何决定；改正后再运行一次。', 'no decision was recorded; correct the file and run it again.'),
    );
  }
  // The same item twice would make the file's meaning depend on its order.
  const seen = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.applicationId.normalize('NFKC').trim()}\u0000${r.rule}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new UserError(
        text(`${file} 第 ${r.line} 行：申报 ${r.applicationId} 的规则 ${r.rule} 已在第 ${first} 行出现。`, `${file}:${r.line}: application ${r.applicationId}, rule ${r.rule} is already on line ${first}.`),
        2,
        text('每项只能有一行；未记录任何决定。', 'one row per item; no decision was recorded.'),
      );
    }
    seen.set(key, r.line);
  }
  return rows;
}

/** An error of one row, named by the file and line; the same exit code. */
function atLine(file: string, line: number, e: UserError): UserError {
  const t = text(`${file} 第 ${line} 行：${e.text.zh}`, `${file}:${line}: ${e.text.en}`);
  const hint = text(`未记录任何决定（全部或全不）。${e.hint?.zh ?? ''}`, `no decision was recorded (all or none). ${e.hint?.en ?? ''}`.trimEnd());
  return e instanceof RefusedError ? new RefusedError(t, hint) : new UserError(t, e.exitCode, hint);
}

/** Records every decision of the file, each as `decide` would, in one transaction. */
export async function decideFromFile(op: OpContext, input: DecideFromFileInput): Promise<DecisionsFromFile> {
  const file = input.file;
  if (input.roundId !== undefined) requireRound(op.db, input.roundId);
  const sha256 = await sha256File(file);
  const rows = await readRows(file, input);
  const source = basename(file);
  const progress = op.progress;
  const todo = rows.filter((r) => r.outcome !== null);
  // The clock once, before any row is decided: it is not the fault of the file's first line.
  if (todo.length > 0) refuseIfClockBehind(op.db, op.now());
  const decided: DecisionsFromFile['decided'] = [];
  let unchanged = 0;
  progress?.phase(text('记录复核决定', 'recording decisions'), todo.length, 'rows');
  try {
    inTransaction(op.db, () => {
      for (const [i, r] of todo.entries()) {
        try {
          const applicationId = r.applicationId.normalize('NFKC').trim();
          const current = currentResult(op.db, applicationId, r.rule);
          // Run again (the file fixed and given once more): a decision already recorded as it stands is not recorded twice.
          const d = current?.decision;
          // (Of another round, it is refused by decide below, as is an application that is not there.)
          const same = current?.checkOutcome === 'needs-review' && d && d.outcome === r.outcome && d.reason === r.reason && (r.evidenceHash === null || r.evidenceHash === current.evidenceHash);
          if (same && (input.roundId === undefined || requireApplicationState(op.db, applicationId).roundId === input.roundId)) {
            unchanged++;
          } else {
            // Inside this transaction (all or none), with the result just read: no savepoint and no second read per row.
            const res = decideWithin(
              op,
              decisionOf({
                applicationId,
                rule: r.rule,
                outcome: r.outcome as 'pass' | 'fail',
                reason: r.reason,
                expectedHash: r.evidenceHash ?? undefined,
                roundId: input.roundId,
                source: { file: source, line: r.line, sha256 },
              }),
              current,
            );
            decided.push({ ...res, line: r.line });
          }
        } catch (e) {
          if (e instanceof UserError) throw atLine(file, r.line, e);
          throw e;
        }
        progress?.tick(i + 1);
      }
    });
  } finally {
    progress?.done();
  }
  return { file, sha256, rows: rows.length, decided, unchanged, leftOpen: rows.length - todo.length };
}
