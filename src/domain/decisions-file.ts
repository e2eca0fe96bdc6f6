// A file of review decisions (`jmfund decide --from FILE`): one row per
// needs-review item, as `jmfund review --out FILE` writes them for the officer
// to fill in, or as an officer's own sheet names them. Pure: a row's cells in,
// the decision (or the cells that are wrong) out.
import { isRuleId, RULE_IDS, type RuleId } from './eligibility.js';
import { CellReader, type ColumnDef, type HeaderMap, type ParsedRow } from './import-row.js';
import { OUTCOME_LABELS, RULE_LABELS } from './labels.js';
import { text, type Text } from './text.js';

const col = (key: string, zh: string, required: boolean, aliases: string[] = []): ColumnDef => ({ key, zh, required, aliases });

/** The columns read; any other column (enterprise, finding …) is left as it is. */
export const DECISION_COLUMNS: readonly ColumnDef[] = [
  col('application_id', '申报编号', true, ['application', 'app', '申报号', '项目编号']),
  col('rule', '规则', true, ['核查规则', '规则编号', 'rule_id']),
  col('decision', '决定', true, ['outcome', '复核结果', '复核意见', '结论']),
  col('reason', '理由', true, ['原因', '复核理由', '说明', '决定理由']),
  col('evidence_hash', '证据哈希', false, ['evidence']),
];

const DEFS: ReadonlyMap<string, ColumnDef> = new Map(DECISION_COLUMNS.map((d) => [d.key, d]));

export interface DecisionRow {
  applicationId: string;
  rule: RuleId;
  /** null: the decision cell is empty, the item is left open. */
  outcome: 'pass' | 'fail' | null;
  reason: string;
  /** The evidence the officer saw (review --out writes it): it must still be the current one. */
  evidenceHash: string | null;
}

// The outcome labels (通过 / 不通过, pass / fail) and the words an officer writes for them.
const PASS = new Set([OUTCOME_LABELS.pass.zh, OUTCOME_LABELS.pass.en, 'p', '合格', '符合', '同意', '是', 'yes', 'y']);
const FAIL = new Set([OUTCOME_LABELS.fail.zh, OUTCOME_LABELS.fail.en, 'f', '不合格', '不符合', '不同意', '否', 'no', 'n']);
const DECISION_ACCEPTED = text('可接受：pass/fail、通过/不通过、是/否；留空表示暂不决定', 'accepted: pass/fail, 通过/不通过, yes/no; leave it empty to leave the item open');

type Result<T> = { ok: true; value: T } | { ok: false; error: Text };

/** A rule by its code (credit-code) or by its name in either language (统一社会信用代码有效). */
export function ruleByName(s: string): Result<RuleId> {
  const typed = s.trim();
  if (isRuleId(typed)) return { ok: true, value: typed };
  const named = RULE_IDS.find((id) => RULE_LABELS[id].zh === typed || RULE_LABELS[id].en.toLowerCase() === typed.toLowerCase());
  if (named) return { ok: true, value: named };
  return {
    ok: false,
    error: text(`未知规则；规则：${RULE_IDS.map((id) => `${id}（${RULE_LABELS[id].zh}）`).join('、')}`, `unknown rule; the rules are ${RULE_IDS.join(', ')}`),
  };
}

function decisionWord(s: string): Result<'pass' | 'fail'> {
  const w = s.trim().toLowerCase();
  if (PASS.has(w)) return { ok: true, value: 'pass' };
  if (FAIL.has(w)) return { ok: true, value: 'fail' };
  return { ok: false, error: text(`不是复核决定；${DECISION_ACCEPTED.zh}`, `is not a decision; ${DECISION_ACCEPTED.en}`) };
}

const ok = (s: string): Result<string> => ({ ok: true, value: s });

/** One row of a decisions file. */
export function parseDecisionRow(cells: readonly string[], map: HeaderMap): ParsedRow<DecisionRow> {
  const r = new CellReader(cells, map, DEFS);
  const applicationId = r.required('application_id', ok, '');
  const rule = r.required('rule', ruleByName, null);
  const outcome = r.optional('decision', decisionWord);
  // Stored as typed (full-width punctuation kept); only the ends are trimmed, as `decide --reason`.
  const reason = r.raw('reason').trim();
  if (outcome !== null && reason === '') r.fail('reason', text('为空；每项决定都须写明理由（与经办人姓名一并记入日志）', 'is empty; every decision needs a reason (logged with your name)'));
  const hash = r.text('evidence_hash');
  if (hash !== '' && !/^[0-9a-f]{64}$/i.test(hash)) r.fail('evidence_hash', text('不是 review --out 写出的证据哈希（64 位十六进制）', 'is not an evidence hash as review --out writes it (64 hex digits)'));
  const tooMany = r.tooManyFields();
  if (tooMany) r.errors.push({ column: '', zh: '', value: '', text: tooMany });
  if (r.errors.length > 0 || rule === null) return { value: null, errors: r.errors, warnings: r.warnings };
  return { value: { applicationId, rule, outcome, reason, evidenceHash: hash === '' ? null : hash.toLowerCase() }, errors: [], warnings: r.warnings };
}
