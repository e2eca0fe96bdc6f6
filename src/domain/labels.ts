// The one table of words a person reads for each code the tool shows (SPEC §14).
// Each code has exactly one zh and one en label; `Record<Code, Text>` makes a
// missing one a compile error. English labels of the SPEC's normative words
// are the words themselves, so `--json` codes and English tables agree.
import type { ApplicationState } from './application.js';
import type { AllocationReason, BindingLimit } from './allocation.js';
import type { CapLimit } from './caps.js';
import type { EligibilityStatus, Outcome, RuleId } from './eligibility.js';
import type { AcceptanceOutcome, Action } from './lifecycle.js';
import type { MoneyStage } from './money-stages.js';
import type { AllocationMethod, Policy, ScoreMethod, ShortfallRule, TieBreakKey } from './policy.js';
import type { ScoreStatus } from './scoring.js';
import type { AccidentKind, CreditList, SideListKind } from './side-lists.js';
import { type Text, text } from './text.js';

export type ObjectionStatus = 'open' | 'upheld' | 'dismissed' | 'not-accepted';
export type NotAcceptedReason = 'anonymous' | 'not-on-notice' | 'before-notice' | 'after-notice';
export type SpotCheckFinding = 'ok' | 'violation';
export type AcceptanceResult = 'pass' | 'fail';
export type ClawbackSource = 'audit' | 'spot-check' | 'acceptance';
/** Report-only reasons: a manual award (Art. 7(5)) and a round not yet allocated. */
export type ReportReason = AllocationReason | 'manual-award' | 'not-yet-allocated';

export const STATE_LABELS: Readonly<Record<ApplicationState, Text>> = {
  imported: text('已导入', 'imported'),
  eligible: text('符合条件', 'eligible'),
  ineligible: text('不符合条件', 'ineligible'),
  'needs-review': text('待复核', 'needs-review'),
  scored: text('已评分', 'scored'),
  proposed: text('拟支持', 'proposed'),
  'not-funded': text('未获支持', 'not-funded'),
  'in-notice': text('公示中', 'in-notice'),
  filed: text('已备案', 'filed'),
  accepted: text('已验收', 'accepted'),
  disbursed: text('已拨付', 'disbursed'),
  'rejected-at-acceptance': text('验收不通过', 'rejected-at-acceptance'),
  'clawback-due': text('待追缴', 'clawback-due'),
  recovered: text('已追回', 'recovered'),
  withdrawn: text('已撤销', 'withdrawn'),
};

export const ELIGIBILITY_STATUS_LABELS: Readonly<Record<EligibilityStatus, Text>> = {
  eligible: STATE_LABELS.eligible,
  ineligible: STATE_LABELS.ineligible,
  'needs-review': STATE_LABELS['needs-review'],
};

export const OUTCOME_LABELS: Readonly<Record<Outcome, Text>> = {
  pass: text('通过', 'pass'),
  fail: text('不通过', 'fail'),
  'needs-review': STATE_LABELS['needs-review'],
};

export const RULE_LABELS: Readonly<Record<RuleId, Text>> = {
  region: text('在江门市注册', 'registered in Jiangmen'),
  'credit-code': text('统一社会信用代码有效', 'valid credit code'),
  established: text('成立满1年', 'established one full year'),
  'legal-person': text('独立法人企业', 'independent legal person'),
  'no-other-funding': text('未获其他财政资金支持', 'no other fiscal funding'),
  'past-compliance': text('近三年项目执行良好', 'past projects compliant'),
  credit: text('近三年信用良好', 'good credit'),
  accident: text('无重大事故', 'no major accident'),
  ready: text('具备实施条件', 'ready to implement'),
  'policy-validity': text('在政策有效期内', 'within the policy validity'),
  category: text('类别条件', 'category conditions'),
  duplicate: text('一个项目一次申报', 'one application per project'),
};

export const SCORE_STATUS_LABELS: Readonly<Record<ScoreStatus, Text>> = {
  scored: STATE_LABELS.scored,
  'insufficient-reviews': text('有效评审不足', 'insufficient-reviews'),
  'below-threshold': text('低于入库分数线', 'below-threshold'),
};

export const SCORE_METHOD_LABELS: Readonly<Record<ScoreMethod, Text>> = {
  mean: text('算术平均', 'mean'),
  'trimmed-mean': text('去掉一个最高分和一个最低分后平均', 'trimmed-mean'),
  median: text('中位数', 'median'),
  'z-score': text('标准分（z 分数）', 'z-score'),
};

export const ALLOCATION_METHOD_LABELS: Readonly<Record<AllocationMethod, Text>> = {
  ranked: text('按排名', 'ranked'),
  'pro-rata': text('同比例核减', 'pro-rata'),
};

export const SHORTFALL_LABELS: Readonly<Record<ShortfallRule, Text>> = {
  skip: text('跳过，继续排序靠后的申报', 'skip'),
  partial: text('按余额部分支持', 'partial'),
  stop: text('停止安排', 'stop'),
};

export const TIE_BREAK_LABELS: Readonly<Record<TieBreakKey, Text>> = {
  'score-desc': text('汇总分从高到低', 'score-desc'),
  'submitted-on-asc': text('申报日期从早到晚', 'submitted-on-asc'),
  'application-id-asc': text('申报编号从小到大', 'application-id-asc'),
  'requested-asc': text('申请金额从少到多', 'requested-asc'),
  'total-investment-desc': text('项目总投入从多到少', 'total-investment-desc'),
};

/** A tie-break chain (keys, or as stored: comma-separated) as a person reads it: in Chinese by its labels, in order; in English its keys. */
export function tieBreakText(chain: readonly string[] | string): Text {
  const keys = typeof chain === 'string' ? chain.split(',').filter((k) => k !== '') : chain;
  return text(keys.map((k) => labelOf(TIE_BREAK_LABELS, k).zh).join(' → '), keys.join(','));
}

export const REASON_LABELS: Readonly<Record<ReportReason, Text>> = {
  funded: text('予以支持', 'funded'),
  'funded-in-part': text('部分支持（预算不足）', 'funded-in-part'),
  'funded-pro-rata': text('同比例核减', 'funded-pro-rata'),
  'did-not-fit': text('预算不足，未安排', 'did-not-fit'),
  'no-budget-left': text('预算已用完', 'no-budget-left'),
  'enterprise-cap-used-up': text('企业补助上限已用完', 'enterprise-cap-used-up'),
  'no-budget': text('该类别无预算', 'no-budget'),
  'not-allocated': text('不参与自动分配（另行核定）', 'not-allocated'),
  ineligible: text('不符合申报条件', 'ineligible'),
  'needs-review': STATE_LABELS['needs-review'],
  'insufficient-reviews': SCORE_STATUS_LABELS['insufficient-reviews'],
  'below-threshold': SCORE_STATUS_LABELS['below-threshold'],
  withdrawn: STATE_LABELS.withdrawn,
  'manual-award': text('按批准文件核定（第7条第（五）项）', 'manual-award'),
  'not-yet-allocated': text('尚未分配', 'not-yet-allocated'),
};

export const BINDING_LABELS: Readonly<Record<BindingLimit | CapLimit, Text>> = {
  requested: text('申请金额', 'requested'),
  ratio: text('投入比例', 'ratio'),
  'per-project-cap': text('单个项目上限', 'per-project-cap'),
  'enterprise-cap': text('每家企业上限', 'enterprise-cap'),
  'category-budget': text('类别预算', 'category-budget'),
  'cluster-pool': text('集群上限', 'cluster-pool'),
  'pro-rata': text('同比例核减', 'pro-rata'),
};

/** Money through the stages (SPEC §14): the one word for each amount, in every output. */
export const MONEY_STAGE_LABELS: Readonly<Record<MoneyStage, Text>> = {
  budget: text('预算', 'budget'),
  allocated: text('拟安排', 'allocated'),
  filed: text('备案', 'filed'),
  final: text('核定', 'final'),
  paid: text('已拨付', 'paid'),
  clawback_due: text('应追缴', 'clawback due'),
  recovered: text('已追回', 'recovered'),
  outstanding: text('待追回', 'outstanding'),
  net_paid: text('净拨付', 'net paid'),
};

export const OBJECTION_STATUS_LABELS: Readonly<Record<ObjectionStatus, Text>> = {
  open: text('待处理', 'open'),
  upheld: text('异议成立', 'upheld'),
  dismissed: text('异议不成立', 'dismissed'),
  'not-accepted': text('不予受理', 'not-accepted'),
};

export const NOT_ACCEPTED_LABELS: Readonly<Record<NotAcceptedReason, Text>> = {
  anonymous: text('匿名异议，不予受理（异议须署真实姓名或加盖单位公章）', 'anonymous: an objection must carry a real name or a unit’s seal; not accepted'),
  'not-on-notice': text('该申报不在任何公示中，不予受理', 'the application is not on any notice; not accepted'),
  'before-notice': text('收到日期早于公示期，不予受理', 'received before the notice period began; not accepted'),
  'after-notice': text('收到日期晚于公示期，不予受理', 'received after the notice period ended; not accepted'),
};

export const ACCEPTANCE_RESULT_LABELS: Readonly<Record<AcceptanceResult, Text>> = {
  pass: text('验收通过', 'pass'),
  fail: text('验收不通过', 'fail'),
};

/** Why an acceptance came out as it did (domain/lifecycle acceptanceOutcome). */
export const ACCEPTANCE_REASON_LABELS: Readonly<Record<AcceptanceOutcome['reason'], Text>> = {
  passed: text('验收通过', 'passed'),
  'lowered-to-cap': text('验收通过，按实际投入重算的上限核减', 'lowered-to-cap'),
  failed: text('验收不通过', 'failed'),
  'training-short': text('培训场次或人数未达标，验收不通过', 'training-short'),
};

export const FINDING_LABELS: Readonly<Record<SpotCheckFinding | 'pending', Text>> = {
  ok: text('未发现问题', 'ok'),
  violation: text('发现违规', 'violation'),
  pending: text('待检查', 'pending'),
};

export const CLAWBACK_SOURCE_LABELS: Readonly<Record<ClawbackSource, Text>> = {
  audit: text('审计', 'audit'),
  'spot-check': text('抽查', 'spot-check'),
  acceptance: text('验收', 'acceptance'),
};

export const SIDE_LIST_LABELS: Readonly<Record<SideListKind, Text>> = {
  'prior-funding': text('已获财政资金支持名单', 'prior funding'),
  credit: text('信用名录（经营异常、严重违法失信）', 'credit listings (abnormal operations, serious dishonesty)'),
  violations: text('财政资金项目违规记录', 'violations in funded projects'),
  accidents: text('重大安全、环保、质量事故', 'major safety, environmental and quality accidents'),
};

export const CREDIT_LIST_LABELS: Readonly<Record<CreditList, Text>> = {
  'abnormal-operations': text('经营异常名录', 'list of enterprises with abnormal operations'),
  'serious-dishonesty': text('严重违法失信企业名单', 'list of seriously illegal and dishonest enterprises'),
};

export const ACCIDENT_KIND_LABELS: Readonly<Record<AccidentKind, Text>> = {
  safety: text('安全', 'safety'),
  environmental: text('环保', 'environmental'),
  quality: text('质量', 'quality'),
};

/** The command that wrote an event, as the log shows it. */
export const EVENT_COMMAND_LABELS: Readonly<Record<string, Text>> = {
  init: text('创建账本', 'create ledger'),
  'round create': text('创建批次', 'create round'),
  import: text('导入申报', 'import applications'),
  'lists import': text('导入核查名单', 'import side list'),
  check: text('资格审核', 'eligibility check'),
  decide: text('复核决定', 'review decision'),
  'scores import': text('导入评分', 'import scores'),
  'scores aggregate': text('汇总评分', 'aggregate scores'),
  allocate: text('分配', 'allocate'),
  'award set': text('核定金额（其他事项）', 'set award (other)'),
  publicize: text('公示', 'public notice'),
  'objection add': text('登记异议', 'record objection'),
  'objection resolve': text('处理异议', 'resolve objection'),
  finalize: text('备案', 'file'),
  accept: text('验收', 'acceptance'),
  disburse: text('拨付', 'disburse'),
  'spot-check': text('抽查抽样', 'spot-check draw'),
  'spot-check record': text('记录抽查结果', 'record spot-check finding'),
  clawback: text('追缴', 'clawback'),
  'clawback recover': text('追回', 'recover'),
  'ledger seal': text('封存已有记录（账本升级）', 'seal existing rows (ledger upgrade)'),
};

/** The lifecycle's actions, as a refusal names them. */
export const ACTION_LABELS: Readonly<Record<Action, Text>> = {
  check: text('资格审核', 'check'),
  decide: text('复核决定', 'decide'),
  score: text('专家评分', 'score'),
  allocate: text('分配', 'allocate'),
  'award-set': text('设定金额', 'award set'),
  publicize: text('公示', 'publicize'),
  withdraw: text('因异议撤销', 'withdraw on objection'),
  finalize: text('备案', 'finalize (file)'),
  'accept-pass': text('验收通过', 'accept (pass)'),
  'accept-fail': text('验收不通过', 'accept (fail)'),
  disburse: text('拨付', 'disburse'),
  'spot-check-violation': text('抽查违规', 'spot-check violation'),
  clawback: text('追缴', 'clawback'),
  recover: text('追回', 'recover'),
};

/** jmfund line's marks (SPEC §15): funded in the stored version or not, and the grey zone. */
export type LineMark = 'funded' | 'not-funded' | 'grey-zone';
export const LINE_MARK_LABELS: Readonly<Record<LineMark, Text>> = {
  funded: text('资助', 'funded'),
  'not-funded': text('不资助', 'not funded'),
  'grey-zone': text('灰区', 'grey zone'),
};

/** The label of a code read back from the ledger; an unknown code is shown as written. */
export function labelOf<K extends string>(labels: Readonly<Record<K, Text>>, code: string): Text {
  return Object.hasOwn(labels, code) ? labels[code as K] : text(code, code);
}

export const stateLabel = (s: string): Text => labelOf(STATE_LABELS, s);

// Categories, clusters and districts are named by the round's policy (data),
// so a round keeps the words it was created under.
export function categoryLabel(policy: Policy, key: string): Text {
  const c = policy.categories.find((x) => x.key === key);
  return c ? text(c.zh, c.en) : text(key, key);
}

export function clusterLabel(policy: Policy, key: string | null): Text | null {
  if (key === null || key === '') return null;
  const c = policy.clusters.find((x) => x.key === key);
  return c ? text(c.zh, c.en) : text(key, key);
}

export function districtLabel(policy: Policy, zh: string): Text {
  const d = policy.region.districts.find((x) => x.zh === zh);
  return d ? text(d.zh, d.en) : text(zh, zh);
}
