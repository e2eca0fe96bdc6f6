// Eligibility (SPEC §6, §14): every rule of the §6 table applied to every
// application of a round. Pure: the caller loads the applications and side
// lists; every number comes from the round's policy. Each result carries the
// evidence that decided it, so that an officer's decision on a needs-review
// item can be kept exactly as long as that evidence is unchanged.
import type { Application } from './application.js';
import { addYears, anniversaryReached, compareDates, DATE_MAX, DATE_MIN, inWindow, isDateInRange } from './dates.js';
import { lookupDivision } from './divisions.js';
import { formatYuan } from './money.js';
import { canonicalJson, findCluster, findDistrict, type Category, type District, type Policy } from './policy.js';
import { comparePrepared, prepareProjectName, similarInGroup, type NameComparison, type PreparedName } from './similarity.js';
import type * as SideList from './side-lists.js';
import { type Text, text } from './text.js';
import { ACCIDENT_KIND_LABELS, CREDIT_LIST_LABELS, OUTCOME_LABELS, RULE_LABELS } from './labels.js';
import { analyzeUscc, type UsccAnalysis } from './uscc.js';

export const RULE_IDS = [
  'region',
  'credit-code',
  'established',
  'legal-person',
  'no-other-funding',
  'past-compliance',
  'credit',
  'accident',
  'ready',
  'policy-validity',
  'category',
  'duplicate',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const OUTCOMES = ['pass', 'fail', 'needs-review'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const ELIGIBILITY_STATUSES = ['eligible', 'ineligible', 'needs-review'] as const;
export type EligibilityStatus = (typeof ELIGIBILITY_STATUSES)[number];

export const isRuleId = (s: string): s is RuleId => (RULE_IDS as readonly string[]).includes(s);

/** Where a side-list row came from, so a reason can cite it. */
export interface SourceRef {
  file: string;
  line: number;
}

// The side-list rows of §5 (src/domain/side-lists.ts) with their source.
export type PriorFunding = SideList.PriorFunding & { source: SourceRef };
export type CreditListing = SideList.CreditListing & { source: SourceRef };
export type Violation = SideList.Violation & { source: SourceRef };
export type Accident = SideList.Accident & { source: SourceRef };

export interface SideLists {
  priorFunding: PriorFunding[];
  creditListings: CreditListing[];
  violations: Violation[];
  accidents: Accident[];
}

export interface RoundFacts {
  roundId: string;
  opensOn: string;
  closesOn: string;
  policy: Policy;
}

/** JSON values only: the evidence is hashed and stored. */
export type Evidence = { [key: string]: EvidenceValue };
export type EvidenceValue = string | number | boolean | null | EvidenceValue[] | { [key: string]: EvidenceValue };

export interface RuleResult {
  rule: RuleId;
  outcome: Outcome;
  /** Article of the rules (e.g. `9(1)`), or the standard for `credit-code`. */
  article: string;
  reason: Text;
  /** Exactly the inputs that decided the outcome (declared values, matching side-list rows, dates, thresholds). */
  evidence: Evidence;
}

export interface ApplicationCheck {
  applicationId: string;
  status: EligibilityStatus;
  results: RuleResult[];
}

/** Any fail → ineligible; else any needs-review → needs-review; else eligible (§14). */
export function deriveStatus(outcomes: Iterable<Outcome>): EligibilityStatus {
  let review = false;
  for (const o of outcomes) {
    if (o === 'fail') return 'ineligible';
    if (o === 'needs-review') review = true;
  }
  return review ? 'needs-review' : 'eligible';
}

/** `第9(1)条` / `Art. 9(1)` for an article number; a standard's name as it is. */
export function articleLabel(article: string): Text {
  if (!/^\d/.test(article)) return text(article, article);
  const parts = article.split(/\s*[,，、]\s*/);
  return text(parts.map((a) => `第${a}条`).join('、'), `Art. ${parts.join(', ')}`);
}


export const uscKey = (s: string): string => s.normalize('NFKC').trim().toUpperCase();

// ---------------------------------------------------------------------------

interface Env {
  policy: Policy;
  round: RoundFacts;
  asOf: string;
  windowStart: string;
  lists: {
    priorFunding: PriorFunding[];
    creditListings: CreditListing[];
    violations: Violation[];
    accidents: Accident[];
  };
  /** Other applications of the round with the same USCC whose project name is the same or similar, in application order. */
  similar: { other: Application; comparison: NameComparison }[];
  /** Computed once per application or name: the rules share them. */
  usc: UsccAnalysis;
  declaredDistrict: District | undefined;
  name: (projectName: string) => PreparedName;
}

interface Finding {
  outcome: Exclude<Outcome, 'pass'>;
  reason: Text;
}

const join = (ts: Text[]): Text => text(ts.map((t) => t.zh).join('；'), ts.map((t) => t.en).join('; '));
const src = (s: SourceRef): Text => text(`${s.file} 第${s.line}行`, `${s.file} line ${s.line}`);

// Within one rule fail wins over needs-review (§14); the reason names the
// findings that decided the outcome.
function result(rule: RuleId, article: string, findings: Finding[], passReason: Text, evidence: Evidence): RuleResult {
  if (findings.length === 0) return { rule, article, outcome: 'pass', reason: passReason, evidence };
  const fails = findings.filter((f) => f.outcome === 'fail');
  const reviews = findings.filter((f) => f.outcome === 'needs-review');
  if (fails.length) return { rule, article, outcome: 'fail', reason: join(fails.map((f) => f.reason)), evidence };
  if (reviews.length) return { rule, article, outcome: 'needs-review', reason: join(reviews.map((f) => f.reason)), evidence };
  return { rule, article, outcome: 'pass', reason: passReason, evidence };
}

const fail = (reason: Text): Finding => ({ outcome: 'fail', reason });
const review = (reason: Text): Finding => ({ outcome: 'needs-review', reason });

function divisionName(code: string): Text {
  return lookupDivision(code) ?? text('未知区划', 'unknown division');
}

// Art. 9(1): registered in Jiangmen; §14 compares the declared district with
// the USCC's division code at district level.
function region(app: Application, env: Env): RuleResult {
  const r = env.policy.region;
  const declared = env.declaredDistrict;
  const division = env.usc.divisionCode;
  const evidence: Evidence = { declared_district: app.district, division_code: division };
  const names = text(r.districts.map((d) => d.zh).join('、'), r.districts.map((d) => d.en).join(', '));
  if (!declared) {
    return result(
      'region',
      r.article,
      [fail(text(`申报的所属区（市）「${app.district}」不在${r.name.zh}行政区域内（${names.zh}）`, `declared district "${app.district}" is not in ${r.name.en} (${names.en})`))],
      text('', ''),
      evidence,
    );
  }
  const d = text(declared.zh, declared.en);
  if (division === null) {
    return result(
      'region',
      r.article,
      [review(text(`申报为${d.zh}，但统一社会信用代码第3-8位「${app.uscc.slice(2, 8)}」不是行政区划代码，请核对营业执照`, `declared ${d.en}, but positions 3-8 of the credit code, "${app.uscc.slice(2, 8)}", are not a division code; check the business licence`))],
      text('', ''),
      evidence,
    );
  }
  // analyzeUscc looked the division up already (usc.district: lookupDivision of divisionCode).
  const dn = env.usc.district ?? divisionName(division);
  if (r.cityCodes.includes(division)) {
    // The city's own registry registers enterprises of every district.
    return result('region', r.article, [], text(`申报为${d.zh}；信用代码区划 ${division}（${dn.zh}）为市级登记机关，与各区（市）均相符`, `declared ${d.en}; credit-code division ${division} (${dn.en}) is the city's own registry, which agrees with every district`), evidence);
  }
  if (division === declared.code || declared.formerCodes.includes(division)) {
    return result('region', r.article, [], text(`申报为${d.zh}，与信用代码区划 ${division}（${dn.zh}）相符`, `declared ${d.en} agrees with credit-code division ${division} (${dn.en})`), evidence);
  }
  const other = r.districts.find((x) => x.code === division || x.formerCodes.includes(division));
  const where = other ? text(`${r.name.zh}的另一区（市）`, `another district of ${r.name.en}`) : text(`${r.name.zh}以外`, `outside ${r.name.en}`);
  return result(
    'region',
    r.article,
    [
      review(
        text(
          `申报为${d.zh}，但信用代码区划 ${division}（${dn.zh}）属${where.zh}；区划代码记录的是注册时的登记机关，请核对营业执照上的住所`,
          `declared ${d.en}, but credit-code division ${division} (${dn.en}) is ${where.en}; the code records the registry at registration, so check the address on the business licence`,
        ),
      ),
    ],
    text('', ''),
    evidence,
  );
}

// §4, GB 32100-2015: a failed check character is put to an officer, never fatal.
function creditCode(env: Env): RuleResult {
  const u = env.usc;
  const evidence: Evidence = { uscc: u.code };
  // Each finding's text (also the import's warning) sends the officer to the business licence.
  const findings = u.errors.map((e) => review(e.text));
  return result('credit-code', 'GB 32100-2015', findings, text(`信用代码 ${u.code} 的校验位和组织机构代码校验位均正确`, `credit code ${u.code}: check character and organisation-code check are correct`), evidence);
}

// Art. 9(1): established at least N full years by the as-of date (§4: 29 Feb → 28 Feb).
function established(app: Application, env: Env): RuleResult {
  const years = env.policy.eligibility.minYearsEstablished;
  if (!isDateInRange(app.establishedOn)) return storedDateResult('established', '9(1)', 'established_on', app.establishedOn);
  const anniversary = addYears(app.establishedOn, years);
  const evidence: Evidence = { established_on: app.establishedOn, as_of: env.asOf, min_years: years };
  // The anniversary computed once, for the finding and the reasons (env.asOf is a date: roundCheck took its window from it).
  const findings = anniversaryReached(anniversary, env.asOf)
    ? []
    : [fail(text(`成立于 ${app.establishedOn}，满 ${years} 年之日为 ${anniversary}，晚于核查基准日 ${env.asOf}`, `established ${app.establishedOn}; ${years} full year(s) are reached on ${anniversary}, after the as-of date ${env.asOf}`))];
  return result('established', '9(1)', findings, text(`成立于 ${app.establishedOn}，${anniversary} 满 ${years} 年，不晚于核查基准日 ${env.asOf}`, `established ${app.establishedOn}; ${years} full year(s) reached on ${anniversary}, on or before the as-of date ${env.asOf}`), evidence);
}

/**
 * A stored date that import would never have accepted (the ledger was edited
 * behind jmfund's back, or is damaged): put to an officer rather than computed with.
 */
function storedDateResult(rule: RuleId, article: string, field: string, value: string): RuleResult {
  const why = text(
    `账本中的 ${field}「${value}」不是 ${DATE_MIN} 至 ${DATE_MAX} 之间的日期（导入时不会接受；账本可能被改动过，请运行 jmfund verify）`,
    `the ledger's ${field} "${value}" is not a date from ${DATE_MIN} to ${DATE_MAX} (import never accepts it; the ledger may have been altered: run jmfund verify)`,
  );
  return result(rule, article, [review(why)], text('', ''), { [field]: value });
}

// Art. 9(1): an independent legal person that is an enterprise.
function legalPerson(app: Application, env: Env): RuleResult {
  const e = env.policy.eligibility;
  const u = env.usc;
  const type = u.code.slice(0, 2);
  const typeName = u.entityType?.text ?? text('未知类型', 'unknown type');
  const name = app.enterpriseName.normalize('NFKC').trim();
  const suffix = e.branchSuffixes.find((s) => name.endsWith(s.normalize('NFKC')));
  const evidence: Evidence = { independent_legal_person: app.independentLegalPerson, entity_type: type, enterprise_name: app.enterpriseName };
  const findings: Finding[] = [];
  if (!app.independentLegalPerson) findings.push(fail(text('申报为非独立法人（是否独立法人：否）', 'declared not an independent legal person (independent_legal_person: no)')));
  if (!e.enterpriseEntityTypes.includes(type)) {
    findings.push(fail(text(`信用代码主体类型 ${type}（${typeName.zh}）不是企业法人（接受：${e.enterpriseEntityTypes.join('、')}）`, `credit-code entity type ${type} (${typeName.en}) is not an enterprise (accepted: ${e.enterpriseEntityTypes.join(', ')})`)));
  }
  if (suffix) {
    findings.push(review(text(`企业名称「${name}」以「${suffix}」结尾，分支机构不是独立法人，请核对营业执照`, `enterprise name "${name}" ends in "${suffix}" (a branch, which is not an independent legal person); check the business licence`)));
  }
  return result('legal-person', '9(1)', findings, text(`申报为独立法人；信用代码主体类型 ${type}（${typeName.zh}）`, `declared an independent legal person; credit-code entity type ${type} (${typeName.en})`), evidence);
}

function relationText(c: NameComparison, threshold: number): Text {
  if (c.relation === 'same') return text('项目名称相同', 'the same project name');
  if (c.how === 'contains') return text('项目名称相似（一方包含另一方）', 'a similar project name (one contains the other)');
  return text(`项目名称相似（Dice 相似度 ${c.dice.toFixed(3)} ≥ ${threshold}）`, `a similar project name (bigram Dice ${c.dice.toFixed(3)} ≥ ${threshold})`);
}

// Art. 9(2): no other fiscal funding for this project; prior funding has no
// time limit and any programme counts (§14).
function noOtherFunding(app: Application, env: Env): RuleResult {
  const dice = env.policy.eligibility.similarity.dice;
  const findings: Finding[] = [];
  const matches: EvidenceValue[] = [];
  if (app.otherFiscalSupport) findings.push(fail(text('申报该项目已获其他财政资金支持（是否已获其他财政资金支持：是）', 'declared that the project has received other fiscal funding (other_fiscal_support: yes)')));
  for (const p of env.lists.priorFunding) {
    const c = comparePrepared(env.name(app.projectName), env.name(p.projectName), dice);
    if (c.relation === 'different') continue;
    matches.push({ project_name: p.projectName, program: p.program, year: p.year, amount_fen: p.amountFen, relation: c.relation });
    const rel = relationText(c, dice);
    const amount = p.amountFen === null ? text('', '') : text(`，金额 ${formatYuan(p.amountFen)} 元`, `, amount ${formatYuan(p.amountFen)} yuan`);
    const year = p.year === null ? text('', '') : text(`${p.year}年`, ` (${p.year})`);
    const row = text(
      `已获资助名单（${src(p.source).zh}）：「${p.projectName}」，${year.zh}${p.program}${amount.zh}，${rel.zh}`,
      `prior-funding row (${src(p.source).en}): "${p.projectName}", ${p.program}${year.en}${amount.en}, has ${rel.en}`,
    );
    findings.push(c.relation === 'same' ? fail(row) : review(row));
  }
  const evidence: Evidence = { other_fiscal_support: app.otherFiscalSupport, uscc: uscKey(app.uscc), project_name: app.projectName, dice, matches };
  return result(
    'no-other-funding',
    '9(2)',
    findings,
    text(`未申报其他财政资金支持；已获资助名单中该信用代码的 ${env.lists.priorFunding.length} 条记录均无相同或相似的项目名称`, `no other fiscal funding declared; none of the ${env.lists.priorFunding.length} prior-funding row(s) for this credit code has the same or a similar project name`),
    evidence,
  );
}

/** Side-list rows whose stored dates import would never have accepted: each put to an officer. */
function badRowDates<T extends { source: SourceRef }>(list: string, rows: readonly T[], dates: (r: T) => string[]): Finding[] {
  const out: Finding[] = [];
  for (const r of rows) {
    for (const d of dates(r)) {
      if (isDateInRange(d)) continue;
      out.push(
        review(
          text(
            `${list} 名单（${src(r.source).zh}）在账本中的日期「${d}」不是 ${DATE_MIN} 至 ${DATE_MAX} 之间的日期（账本可能被改动过，请运行 jmfund verify）`,
            `${list} row (${src(r.source).en}): its stored date "${d}" is not a date from ${DATE_MIN} to ${DATE_MAX} (the ledger may have been altered: run jmfund verify)`,
          ),
        ),
      );
    }
  }
  return out;
}

const windowText = (env: Env): Text => text(`${env.windowStart} 至 ${env.asOf}`, `${env.windowStart} to ${env.asOf}`);

// Art. 9(3): past funded projects compliant in the last three years.
function pastCompliance(app: Application, env: Env): RuleResult {
  const years = env.policy.eligibility.lookBackYears;
  const hits = env.lists.violations.filter((v) => isDateInRange(v.occurredOn) && inWindow(v.occurredOn, env.asOf, years));
  const findings: Finding[] = badRowDates('violations', env.lists.violations, (v) => [v.occurredOn]);
  if (!app.pastProjectsCompliant) findings.push(fail(text('申报近三年财政资金项目执行情况不良（近三年财政资金项目执行良好：否）', 'declared that past funded projects were not carried out well (past_projects_compliant: no)')));
  for (const v of hits) {
    findings.push(fail(text(`违规记录（${src(v.source).zh}）：${v.occurredOn}「${v.description}」，在 ${windowText(env).zh} 内`, `violations row (${src(v.source).en}): ${v.occurredOn} "${v.description}", within ${windowText(env).en}`)));
  }
  const evidence: Evidence = {
    past_projects_compliant: app.pastProjectsCompliant,
    window: [env.windowStart, env.asOf],
    violations: hits.map((v) => ({ occurred_on: v.occurredOn, description: v.description })),
  };
  return result('past-compliance', '9(3)', findings, text(`申报执行良好；${windowText(env).zh} 内无违规记录`, `declared compliant; no violation recorded within ${windowText(env).en}`), evidence);
}

// Art. 9(4): good credit — a listing overlapping the window fails.
function credit(app: Application, env: Env): RuleResult {
  const hits = env.lists.creditListings.filter(
    (l) => compareDates(l.listedOn, env.asOf) <= 0 && (l.removedOn === null || compareDates(l.removedOn, env.windowStart) >= 0),
  );
  const findings: Finding[] = badRowDates('credit', env.lists.creditListings, (l) => (l.removedOn === null ? [l.listedOn] : [l.listedOn, l.removedOn]));
  if (!app.creditGood) findings.push(fail(text('申报近三年信用不良（近三年信用良好：否）', 'declared that credit was not good in the last three years (credit_good: no)')));
  for (const l of hits) {
    const name = CREDIT_LIST_LABELS[l.list];
    const removed = l.removedOn === null ? text('未移出', 'not removed') : text(`${l.removedOn} 移出`, `removed on ${l.removedOn}`);
    findings.push(fail(text(`信用名单（${src(l.source).zh}）：${l.listedOn} 列入${name.zh}，${removed.zh}，与 ${windowText(env).zh} 重叠`, `credit row (${src(l.source).en}): on the ${name.en} from ${l.listedOn}, ${removed.en}, which overlaps ${windowText(env).en}`)));
  }
  const evidence: Evidence = {
    credit_good: app.creditGood,
    window: [env.windowStart, env.asOf],
    listings: hits.map((l) => ({ list: l.list, listed_on: l.listedOn, removed_on: l.removedOn })),
  };
  return result('credit', '9(4)', findings, text(`申报信用良好；${windowText(env).zh} 内未被列入信用名单`, `declared good credit; not on a credit list within ${windowText(env).en}`), evidence);
}

// Art. 9(4): no major safety, environmental or quality accident in the window.
function accident(app: Application, env: Env): RuleResult {
  const years = env.policy.eligibility.lookBackYears;
  const hits = env.lists.accidents.filter((a) => isDateInRange(a.occurredOn) && inWindow(a.occurredOn, env.asOf, years));
  const findings: Finding[] = badRowDates('accidents', env.lists.accidents, (a) => [a.occurredOn]);
  if (app.majorAccident) findings.push(fail(text('申报近三年发生重大安全、环保、质量事故（是）', 'declared a major safety, environmental or quality accident in the last three years (major_accident: yes)')));
  for (const a of hits) {
    const k = ACCIDENT_KIND_LABELS[a.kind];
    findings.push(fail(text(`事故记录（${src(a.source).zh}）：${a.occurredOn} ${k.zh}事故「${a.description}」，在 ${windowText(env).zh} 内`, `accidents row (${src(a.source).en}): ${k.en} accident on ${a.occurredOn}, "${a.description}", within ${windowText(env).en}`)));
  }
  const evidence: Evidence = {
    major_accident: app.majorAccident,
    window: [env.windowStart, env.asOf],
    accidents: hits.map((a) => ({ occurred_on: a.occurredOn, kind: a.kind, description: a.description })),
  };
  return result('accident', '9(4)', findings, text(`未申报重大事故；${windowText(env).zh} 内无事故记录`, `no major accident declared; none recorded within ${windowText(env).en}`), evidence);
}

// Art. 12: a project that cannot be carried out soon may not apply.
function ready(app: Application): RuleResult {
  const findings = app.readyToImplement ? [] : [fail(text('申报不具备实施条件（具备实施条件：否）', 'declared not ready to implement (ready_to_implement: no)'))];
  return result('ready', '12', findings, text('申报具备实施条件', 'declared ready to implement'), { ready_to_implement: app.readyToImplement });
}

// Art. 18: the round must lie inside the policy's validity.
function policyValidity(env: Env): RuleResult {
  const { from, to, article } = env.policy.effective;
  const { opensOn, closesOn } = env.round;
  const findings: Finding[] = [];
  if (compareDates(opensOn, from) < 0) findings.push(fail(text(`批次 ${opensOn} 开始，早于 ${env.policy.id} 生效日 ${from}`, `the round opens ${opensOn}, before ${env.policy.id} took effect on ${from}`)));
  if (compareDates(closesOn, to) > 0) findings.push(fail(text(`批次 ${closesOn} 截止，晚于 ${env.policy.id} 有效期届满日 ${to}`, `the round closes ${closesOn}, after ${env.policy.id} expired on ${to}`)));
  return result(
    'policy-validity',
    article,
    findings,
    text(`批次 ${opensOn} 至 ${closesOn} 在 ${env.policy.id} 有效期 ${from} 至 ${to} 内`, `the round ${opensOn} to ${closesOn} lies within ${env.policy.id}'s validity, ${from} to ${to}`),
    { opens_on: opensOn, closes_on: closesOn, effective_from: from, effective_to: to },
  );
}

// Art. 7, 8: the category's own conditions, driven by the category's policy entry.
function category(app: Application, env: Env): RuleResult {
  const cat: Category | undefined = env.policy.categories.find((c) => c.key === app.category);
  if (!cat) {
    return result('category', '7', [fail(text(`申报类别「${app.category}」不在策略 ${env.policy.id} 中`, `category "${app.category}" is not in policy ${env.policy.id}`))], text('', ''), { category: app.category });
  }
  const findings: Finding[] = [];
  const passes: Text[] = [];
  const evidence: Evidence = { category: cat.key };
  const cn = text(cat.zh, cat.en);

  if (cat.requiresSme) {
    // 工信部联企业〔2011〕300号: industrial SME unless both thresholds are reached (§14).
    const sme = env.policy.eligibility.sme;
    evidence.employees = app.employees;
    evidence.annual_revenue_fen = app.annualRevenueFen;
    evidence.sme = { max_employees: sme.maxEmployees, max_annual_revenue_fen: sme.maxAnnualRevenueFen };
    const missing: Text[] = [];
    if (app.employees === null) missing.push(text('从业人员', 'employees'));
    if (app.annualRevenueFen === null) missing.push(text('营业收入', 'annual revenue'));
    const rev = (f: number) => `${formatYuan(f)}`;
    if (missing.length) {
      findings.push(fail(text(`${cn.zh}须为中小企业（${sme.basis}），缺少${missing.map((m) => m.zh).join('、')}，无法判断`, `${cat.key} requires an SME (${sme.basis}); ${missing.map((m) => m.en).join(' and ')} missing, so it cannot be decided`)));
    } else if (app.employees !== null && app.annualRevenueFen !== null) {
      const bigStaff = app.employees >= sme.maxEmployees;
      const bigRevenue = app.annualRevenueFen >= sme.maxAnnualRevenueFen;
      const facts = text(
        `从业人员 ${app.employees} 人（${bigStaff ? '≥' : '<'} ${sme.maxEmployees}），营业收入 ${rev(app.annualRevenueFen)} 元（${bigRevenue ? '≥' : '<'} ${rev(sme.maxAnnualRevenueFen)}）`,
        `${app.employees} employees (${bigStaff ? '≥' : '<'} ${sme.maxEmployees}), annual revenue ${rev(app.annualRevenueFen)} yuan (${bigRevenue ? '≥' : '<'} ${rev(sme.maxAnnualRevenueFen)})`,
      );
      if (bigStaff && bigRevenue) findings.push(fail(text(`不是中小企业：${facts.zh}（${sme.basis}）`, `not an SME: ${facts.en} (${sme.basis})`)));
      else passes.push(text(`中小企业：${facts.zh}`, `an SME: ${facts.en}`));
    }
  }

  if (cat.requiresCluster) {
    evidence.cluster = app.cluster;
    const known = text(env.policy.clusters.map((c) => c.zh).join('、'), env.policy.clusters.map((c) => c.key).join(', '));
    const found = app.cluster === null ? undefined : (env.policy.clusters.find((c) => c.key === app.cluster) ?? findCluster(env.policy, app.cluster));
    if (app.cluster === null || app.cluster.trim() === '') {
      findings.push(fail(text(`${cn.zh}须填写产业集群，未填写（可选：${known.zh}）`, `${cat.key} needs an industrial cluster; none given (known: ${known.en})`)));
    } else if (!found) {
      findings.push(fail(text(`产业集群「${app.cluster}」不在策略的产业集群中（可选：${known.zh}）`, `cluster "${app.cluster}" is not one of the policy's clusters (known: ${known.en})`)));
    } else {
      passes.push(text(`产业集群：${found.zh}`, `cluster: ${found.en}`));
    }
  }

  const minEvents = cat.minTrainingEvents;
  const minTrainees = cat.minTrainees;
  if (minEvents !== undefined || minTrainees !== undefined) {
    evidence.training_events = app.trainingEvents;
    evidence.trainees = app.trainees;
    evidence.minimum = { training_events: minEvents ?? null, trainees: minTrainees ?? null };
    const missing: Text[] = [];
    const short: Text[] = [];
    const ok: Text[] = [];
    if (minEvents !== undefined) {
      if (app.trainingEvents === null) missing.push(text('培训场次', 'training events'));
      else if (app.trainingEvents < minEvents) short.push(text(`培训场次 ${app.trainingEvents} < ${minEvents}`, `${app.trainingEvents} training events < ${minEvents}`));
      else ok.push(text(`培训场次 ${app.trainingEvents} ≥ ${minEvents}`, `${app.trainingEvents} training events ≥ ${minEvents}`));
    }
    if (minTrainees !== undefined) {
      if (app.trainees === null) missing.push(text('培训人数', 'trainees'));
      else if (app.trainees < minTrainees) short.push(text(`培训人数 ${app.trainees} < ${minTrainees}`, `${app.trainees} trainees < ${minTrainees}`));
      else ok.push(text(`培训人数 ${app.trainees} ≥ ${minTrainees}`, `${app.trainees} trainees ≥ ${minTrainees}`));
    }
    if (missing.length) findings.push(fail(text(`${cn.zh}缺少计划${missing.map((m) => m.zh).join('、')}`, `${cat.key}: planned ${missing.map((m) => m.en).join(' and ')} missing`)));
    if (short.length) findings.push(fail(text(`计划${short.map((s) => s.zh).join('，')}`, `planned ${short.map((s) => s.en).join(', ')}`)));
    if (ok.length) passes.push(text(`计划${ok.map((s) => s.zh).join('，')}`, `planned ${ok.map((s) => s.en).join(', ')}`));
  }

  const passReason = passes.length
    ? text(`${cn.zh}：${join(passes).zh}`, `${cat.key}: ${join(passes).en}`)
    : text(`${cn.zh}除第九条基本条件外无自身条件`, `${cat.key} has no conditions of its own beyond Art. 9`);
  return result('category', cat.article, findings, passReason, evidence);
}

// Art. 10: one application per project; both of a same/similar pair are marked (§14).
function duplicate(app: Application, env: Env): RuleResult {
  const dice = env.policy.eligibility.similarity.dice;
  const findings: Finding[] = [];
  const others: EvidenceValue[] = [];
  for (const { other: o, comparison: c } of env.similar) {
    others.push({ application_id: o.applicationId, project_name: o.projectName, relation: c.relation });
    const rel = relationText(c, dice);
    findings.push(review(text(`本批次申报 ${o.applicationId}「${o.projectName}」信用代码相同，${rel.zh}`, `application ${o.applicationId} in this round, "${o.projectName}", has the same credit code and ${rel.en}`)));
  }
  return result(
    'duplicate',
    '10',
    findings,
    text('本批次无同一信用代码、项目名称相同或相似的其他申报', 'no other application in this round has the same credit code and the same or a similar project name'),
    { uscc: uscKey(app.uscc), project_name: app.projectName, dice, others },
  );
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** The rules of §6 for one application, in the table's order. */
function checkApplication(app: Application, env: Env): RuleResult[] {
  return [
    region(app, env),
    creditCode(env),
    established(app, env),
    legalPerson(app, env),
    noOtherFunding(app, env),
    pastCompliance(app, env),
    credit(app, env),
    accident(app, env),
    ready(app),
    policyValidity(env),
    category(app, env),
    duplicate(app, env),
  ];
}

/** What every group of a round's check shares: the round, the as-of date and its window, districts looked up once. */
export interface RoundCheck {
  round: RoundFacts;
  asOf: string;
  windowStart: string;
  district(name: string): District | undefined;
}

export function roundCheck(round: RoundFacts, asOf: string): RoundCheck {
  const districts = new Map<string, District | undefined>();
  return {
    round,
    asOf,
    // §14: the window starts lookBackYears before the as-of date (29 Feb → 28 Feb).
    windowStart: addYears(asOf, -round.policy.eligibility.lookBackYears),
    district(s) {
      if (!districts.has(s)) districts.set(s, findDistrict(round.policy, s));
      return districts.get(s);
    },
  };
}

/**
 * Checks the applications of a round that share one credit code (uscKey),
 * given in application order, against the side-list rows of that code. A
 * round is checked group by group (the rules only ever compare applications
 * of one credit code), so that a caller can stream it.
 */
export function checkGroup(rc: RoundCheck, group: readonly Application[], lists: SideLists): ApplicationCheck[] {
  const policy = rc.round.policy;
  // Names are prepared once per group: the rules compare them many times, and a round-wide cache would hold 10^6 of them.
  const names = new Map<string, PreparedName>();
  const name = (s: string): PreparedName => {
    let p = names.get(s);
    if (!p) names.set(s, (p = prepareProjectName(s)));
    return p;
  };
  // One application alone has no other to compare with (most groups of a round).
  const similar = group.length > 1 ? similarInGroup(group.map((a) => name(a.projectName)), policy.eligibility.similarity.dice) : [[]];
  return group.map((app, i) => {
    const env: Env = {
      policy,
      round: rc.round,
      asOf: rc.asOf,
      windowStart: rc.windowStart,
      lists,
      similar: similar[i].map((s) => ({ other: group[s.index], comparison: s.comparison })),
      usc: analyzeUscc(app.uscc),
      declaredDistrict: rc.district(app.district),
      name,
    };
    const results = checkApplication(app, env);
    return { applicationId: app.applicationId, status: deriveStatus(results.map((r) => r.outcome)), results };
  });
}

const NO_LISTS: SideLists = { priorFunding: [], creditListings: [], violations: [], accidents: [] };

/**
 * A pass result read back without the side lists and the other applications:
 * what check gives for the application alone. A pass depends on those only
 * through the count of prior-funding rows named in no-other-funding's reason,
 * so a stored check keeps its pass results only where that count is not zero
 * (passIsDerived) and rebuilds the others with this.
 */
export function checkAlone(rc: RoundCheck, app: Application): RuleResult[] {
  return checkGroup(rc, [app], NO_LISTS)[0].results;
}

/** Whether checkAlone gives this pass result exactly (see there). */
export function passIsDerived(r: RuleResult, lists: SideLists): boolean {
  return r.outcome === 'pass' && (r.rule !== 'no-other-funding' || lists.priorFunding.length === 0);
}

/**
 * Checks every application of a round. `asOf` is the round's closing date
 * unless the officer names another; the window is [asOf − lookBackYears, asOf].
 * Results in the order of `applications`. The ledger checks group by group
 * (eligibility.repo); this whole-round form is what the tests' builders use.
 */
export function checkRound(round: RoundFacts, asOf: string, applications: readonly Application[], lists: SideLists): ApplicationCheck[] {
  const rc = roundCheck(round, asOf);
  const byUscc = groupBy(applications, (a) => uscKey(a.uscc));
  const prior = groupBy(lists.priorFunding, (r) => uscKey(r.uscc));
  const listings = groupBy(lists.creditListings, (r) => uscKey(r.uscc));
  const violations = groupBy(lists.violations, (r) => uscKey(r.uscc));
  const accidents = groupBy(lists.accidents, (r) => uscKey(r.uscc));
  const byId = new Map<string, ApplicationCheck>();
  for (const [k, group] of byUscc) {
    const mine: SideLists = { priorFunding: prior.get(k) ?? [], creditListings: listings.get(k) ?? [], violations: violations.get(k) ?? [], accidents: accidents.get(k) ?? [] };
    for (const c of checkGroup(rc, group, mine)) byId.set(c.applicationId, c);
  }
  return applications.map((a) => byId.get(a.applicationId) as ApplicationCheck);
}

/** The names of the evidence's fields (what review and the audit report show). */
const EVIDENCE_LABELS: Readonly<Record<string, Text>> = {
  declared_district: text('所属区（市）', 'declared district'),
  division_code: text('信用代码区划', 'credit-code division'),
  uscc: text('统一社会信用代码', 'credit code'),
  established_on: text('成立日期', 'established on'),
  as_of: text('核查基准日', 'as-of date'),
  min_years: text('成立年限', 'years established required'),
  independent_legal_person: text('是否独立法人', 'independent legal person'),
  entity_type: text('主体类型', 'entity type'),
  enterprise_name: text('企业名称', 'enterprise name'),
  other_fiscal_support: text('是否已获其他财政资金支持', 'other fiscal support'),
  project_name: text('项目名称', 'project name'),
  dice: text('相似度阈值', 'similarity threshold'),
  matches: text('已获资助名单中的相同或相似项目', 'matching prior-funding rows'),
  past_projects_compliant: text('近三年财政资金项目执行良好', 'past projects compliant'),
  window: text('核查期间', 'window'),
  violations: text('违规记录', 'violations rows'),
  credit_good: RULE_LABELS.credit,
  listings: text('信用名单记录', 'credit rows'),
  major_accident: text('重大事故', 'major accident'),
  accidents: text('事故记录', 'accidents rows'),
  ready_to_implement: RULE_LABELS.ready,
  category: text('申报类别', 'category'),
  employees: text('从业人员', 'employees'),
  annual_revenue_fen: text('营业收入', 'annual revenue'),
  cluster: text('产业集群', 'cluster'),
  training_events: text('培训场次', 'training events'),
  trainees: text('培训人数', 'trainees'),
  others: text('本批次相同或相似的申报', 'matching applications in the round'),
};

/** A person's name for a key of the evidence. */
export const evidenceLabel = (key: string): Text => EVIDENCE_LABELS[key] ?? text(key, key);

// Field names inside the evidence's rows (a matched list row, another application).
const EVIDENCE_FIELD_LABELS: Readonly<Record<string, Text>> = {
  application_id: text('申报编号', 'application'),
  project_name: text('项目名称', 'project'),
  relation: text('关系', 'relation'),
  program: text('资助项目', 'programme'),
  year: text('年度', 'year'),
  amount_fen: text('金额', 'amount'),
  list: text('名单', 'list'),
  listed_on: text('列入日期', 'listed on'),
  removed_on: text('移出日期', 'removed on'),
  occurred_on: text('发生日期', 'occurred on'),
  description: text('内容', 'description'),
  kind: text('类型', 'kind'),
  max_employees: text('从业人员上限', 'employees below'),
  max_annual_revenue_fen: text('营业收入上限', 'revenue below'),
  training_events: text('培训场次', 'training events'),
  trainees: text('培训人数', 'trainees'),
};

const RELATION_LABELS: Readonly<Record<string, Text>> = { same: text('相同', 'same'), similar: text('相似', 'similar') };

/**
 * The evidence as labelled lines a person reads (never raw JSON): one line per
 * key, and one indented line per matched row (another application with its
 * credit code, a list row with its date). Both languages, like every message.
 */
export function evidenceLines(e: Evidence): Text[] {
  const both = (f: (lang: 'zh' | 'en') => string): Text => text(f('zh'), f('en'));
  const scalar = (k: string, v: EvidenceValue, lang: 'zh' | 'en'): string => {
    if (v === null) return '—';
    if (typeof v === 'boolean') return v ? (lang === 'zh' ? '是' : 'yes') : lang === 'zh' ? '否' : 'no';
    if (typeof v === 'number' && k.endsWith('_fen')) return lang === 'zh' ? `${formatYuan(v)} 元` : `${formatYuan(v)} yuan`;
    if (typeof v === 'string' && k === 'relation') return (RELATION_LABELS[v] ?? text(v, v))[lang];
    if (typeof v === 'string' && k === 'list') return (Object.hasOwn(CREDIT_LIST_LABELS, v) ? CREDIT_LIST_LABELS[v as SideList.CreditList] : text(v, v))[lang];
    if (typeof v === 'string' && k === 'kind') return (Object.hasOwn(ACCIDENT_KIND_LABELS, v) ? ACCIDENT_KIND_LABELS[v as SideList.AccidentKind] : text(v, v))[lang];
    if (Array.isArray(v)) return v.map((x) => scalar(k, x, lang)).join(lang === 'zh' ? ' 至 ' : ' to ');
    if (typeof v === 'object') return fields(v, lang);
    return String(v);
  };
  const fields = (o: { [key: string]: EvidenceValue }, lang: 'zh' | 'en'): string =>
    Object.entries(o)
      .map(([k, v]) => `${(EVIDENCE_FIELD_LABELS[k] ?? evidenceLabel(k))[lang]}${lang === 'zh' ? '：' : ': '}${scalar(k, v, lang)}`)
      .join(lang === 'zh' ? '；' : '; ');
  const out: Text[] = [];
  for (const [k, v] of Object.entries(e)) {
    const label = evidenceLabel(k);
    const rows = Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x)) ? (v as { [key: string]: EvidenceValue }[]) : null;
    if (!rows) {
      out.push(both((l) => `${label[l]}${l === 'zh' ? '：' : ': '}${scalar(k, v, l)}`));
      continue;
    }
    out.push(both((l) => `${label[l]}${l === 'zh' ? '：' : ': '}${rows.length === 0 ? (l === 'zh' ? '无' : 'none') : l === 'zh' ? `${rows.length} 条` : `${rows.length}`}`));
    for (const r of rows) {
      // Another application of the round: it shares this application's credit code (the rule groups by it).
      const withCode = k === 'others' && typeof e.uscc === 'string' ? { application_id: r.application_id ?? null, uscc: e.uscc, ...r } : r;
      out.push(both((l) => `  · ${fields(withCode, l)}`));
    }
  }
  return out;
}

/** Names the parts of the evidence that differ (for "why did this go back to review"). */
export function evidenceChanges(before: Evidence, after: Evidence): Text {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => canonicalJson(before[k] ?? null) !== canonicalJson(after[k] ?? null),
  );
  const label = evidenceLabel;
  const show = (v: EvidenceValue | undefined) => (v === undefined ? '—' : typeof v === 'string' ? v : canonicalJson(v));
  const simple = (k: string) => {
    const a = before[k];
    const b = after[k];
    return a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object';
  };
  if (keys.length === 0) return text('证据未变', 'evidence unchanged');
  return join(
    keys.map((k) =>
      simple(k)
        ? text(`${label(k).zh}：${show(before[k])} → ${show(after[k])}`, `${label(k).en}: ${show(before[k])} → ${show(after[k])}`)
        : text(`${label(k).zh}已变化`, `${label(k).en} changed`),
    ),
  );
}

/** A decision as resultReason reads it. */
interface DecisionFacts {
  outcome: 'pass' | 'fail';
  reason: string;
  decidedBy: string;
  decidedAt: string;
  evidence: Evidence;
}

/** What resultReason needs of a stored result (ledger's ResultView has these). */
export interface ReasonFacts {
  checkReason: Text;
  readonly evidence: Evidence;
  decision: DecisionFacts | null;
  reopened: DecisionFacts | null;
}

const dateOf = (iso: string): string => iso.slice(0, 10);

/** The reason a person reads: the check's reason, and the officer's decision when there is one. */
export function resultReason(v: ReasonFacts): Text {
  if (v.decision) {
    const d = v.decision;
    const o = OUTCOME_LABELS[d.outcome];
    return text(
      `${d.decidedBy} 于 ${dateOf(d.decidedAt)} 人工决定：${o.zh}（理由：${d.reason}）；核查发现：${v.checkReason.zh}`,
      `${d.decidedBy} decided ${o.en} on ${dateOf(d.decidedAt)} (reason: ${d.reason}); the check found: ${v.checkReason.en}`,
    );
  }
  if (v.reopened) {
    const d = v.reopened;
    return text(
      `${v.checkReason.zh}（${d.decidedBy} 于 ${dateOf(d.decidedAt)} 的决定已失效，因证据已变化：${evidenceChanges(d.evidence, v.evidence).zh}）`,
      `${v.checkReason.en} (the decision by ${d.decidedBy} on ${dateOf(d.decidedAt)} no longer applies because the evidence changed: ${evidenceChanges(d.evidence, v.evidence).en})`,
    );
  }
  return v.checkReason;
}
