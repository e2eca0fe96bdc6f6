import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  APPLICATION_COLUMNS,
  diffContent,
  headerName,
  matchHeader,
  normalizeText,
  parseAmount,
  parseApplicationRow,
  readApplicationRow,
  cleanApplicationRow,
  parseBoolean,
  parseCount,
  parseUsccCell,
  resolveMapping,
  rowErrorText,
  applicationContent,
  totalsRowWord,
  noteRowText,
  headerWithUnits,
  stackedHeader,
} from '../../src/domain/import-row.js';
import { parseSideListRow, SIDE_LIST_COLUMNS } from '../../src/domain/side-lists.js';
import { computeCheckChar, computeOrgCheckChar } from '../../src/domain/uscc.js';
import { formatYuan, parseMoney, yuanPlain } from '../../src/domain/money.js';
import { loadPolicy } from '../../src/io/policies.js';
import { APPLICATION_HEADER, hostileString, validCell } from '../fuzz/arbitraries.js';

const { policy } = loadPolicy();

const usccFor = (division: string, n: number): string => {
  const body = `MA${String(n).padStart(6, '0')}`;
  const first17 = `91${division}${body}${computeOrgCheckChar(body)}`;
  return first17 + computeCheckChar(first17);
};
const GOOD_USCC = usccFor('440703', 123456);

const HEADER = APPLICATION_COLUMNS.map((c) => c.key);
const base: Record<string, string> = {
  application_id: 'X-1',
  enterprise_name: '江门市堃珺燊科技有限公司',
  uscc: GOOD_USCC,
  district: '蓬江区',
  established_on: '2015-06-18',
  independent_legal_person: '是',
  category: 'sme-cloud',
  cluster: '',
  project_name: '设备上云',
  total_investment: '500000',
  requested_amount: '400,000.00',
  employees: '120',
  annual_revenue: '3000万',
  other_fiscal_support: '否',
  past_projects_compliant: 'yes',
  credit_good: 'Y',
  major_accident: 'false',
  ready_to_implement: '1',
  training_events: '',
  trainees: '',
  submitted_on: '2022年3月15日',
};
const row = (over: Record<string, string> = {}, header = HEADER): string[] => header.map((h) => ({ ...base, ...over })[h] ?? '');
const map = matchHeader(HEADER, APPLICATION_COLUMNS).map;
const parse = (over: Record<string, string> = {}) => parseApplicationRow(row(over), map, policy, 'R1');

describe('header names', () => {
  it('accepts the Chinese label with or without its unit, in either bracket width', () => {
    for (const h of ['项目总投入（元）', '项目总投入(元)', '项目总投入', ' 项目总投入 （元） ', '*项目总投入']) {
      expect(headerName(h).key, h).toBe('项目总投入');
    }
    expect(headerName('项目总投入（万元）')).toEqual({ key: '项目总投入', unit: 'wan' });
    expect(headerName('项目总投入（元）').unit).toBe('yuan');
    // 所属区（市）: the bracket is part of the name, not a unit.
    expect(headerName('所属区（市）').key).toBe(headerName('所属区(市)').key);
  });

  it('finds every column in any order, keeps the unknown ones as extras', () => {
    const zh = ['备注', '申报日期', ...APPLICATION_COLUMNS.filter((c) => c.key !== 'submitted_on').map((c) => c.zh), '联系人'];
    const m = matchHeader(zh, APPLICATION_COLUMNS);
    expect(m.missing).toEqual([]);
    expect(m.map.index.get('submitted_on')).toBe(1);
    expect(m.map.extras.map((e) => e.header)).toEqual(['备注', '联系人']);
  });

  it('accepts canonical English names in any case and spacing', () => {
    const m = matchHeader(['Enterprise Name', 'USCC', 'total-investment', 'Requested_Amount'], APPLICATION_COLUMNS);
    expect([...m.map.index.keys()]).toEqual(['enterprise_name', 'uscc', 'total_investment', 'requested_amount']);
  });

  it('names the missing required columns and the duplicated ones', () => {
    const m = matchHeader(HEADER.filter((h) => h !== 'project_name' && h !== 'uscc'), APPLICATION_COLUMNS);
    expect(m.missing.map((d) => d.key)).toEqual(['uscc', 'project_name']);
    const d = matchHeader([...HEADER, '企业名称'], APPLICATION_COLUMNS);
    expect(d.duplicates.map((p) => [p.def.key, p.positions])).toEqual([['enterprise_name', [2, 22]]]);
  });

  it('a title row is not a header', () => {
    expect(matchHeader(['2022年江门市工业互联网专项资金申报汇总表', '', ''], APPLICATION_COLUMNS).recognized).toBe(0);
  });

  it('ignores the error column of a rejects file', () => {
    const m = matchHeader([...HEADER, 'error'], APPLICATION_COLUMNS);
    expect(m.map.extras).toEqual([]);
    expect(m.map.ignored).toEqual([HEADER.length]);
  });

  it('maps other names with --mapping, and refuses unknown targets', () => {
    const r = resolveMapping({ 'Company': 'enterprise_name', 'Area': '所属区（市）' }, APPLICATION_COLUMNS);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const m = matchHeader(['Company', 'Area'], APPLICATION_COLUMNS, r.value);
    expect([...m.map.index.keys()]).toEqual(['enterprise_name', 'district']);
    const bad = resolveMapping({ 'X': 'nonsense' }, APPLICATION_COLUMNS);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.en).toContain('"X" → "nonsense"');
    expect(resolveMapping(['a'], APPLICATION_COLUMNS).ok).toBe(false);
  });
});

describe('cell values', () => {
  it('normalises with NFKC and trims', () => {
    expect(normalizeText('　１２３ＡＢＣ　')).toBe('123ABC');
    expect(normalizeText('  plain ')).toBe('plain');
    // A cell neutralised by a CSV exporter reads as what follows the quote.
    expect(normalizeText("'-5")).toBe('-5');
    expect(normalizeText("'abc")).toBe("'abc");
  });

  it('skips NFKC only for characters it leaves alone', () => {
    const ranges = [[0, 0x7f], [0xb7, 0xb7], [0x3001, 0x3003], [0x3008, 0x3011], [0x3400, 0x4dbf], [0x4e00, 0x9fff]];
    for (const [from, to] of ranges) {
      for (let c = from; c <= to; c++) {
        const ch = String.fromCodePoint(c);
        if (ch.normalize('NFKC') !== ch) throw new Error(`U+${c.toString(16)} changes under NFKC`);
      }
    }
    expect(normalizeText('蓬江区、「项目」')).toBe('蓬江区、「项目」');
    expect(normalizeText('ｅ\u0301 ㈱')).toBe('é (株)');
  });

  it('reads every boolean form', () => {
    for (const t of ['是', 'yes', 'YES', 'y', 'Y', 'true', 'True', '1']) expect(parseBoolean(t), t).toEqual({ ok: true, value: true });
    for (const f of ['否', 'no', 'N', 'n', 'false', 'FALSE', '0']) expect(parseBoolean(f), f).toEqual({ ok: true, value: false });
    const r = parseBoolean('maybe');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.en).toContain('accepted: 是/否, yes/no, y/n, true/false, 1/0');
  });

  it('reads counts as non-negative whole numbers', () => {
    expect(parseCount('120')).toEqual({ ok: true, value: 120 });
    expect(parseCount('1,200')).toEqual({ ok: true, value: 1200 });
    expect(parseCount('12.0')).toEqual({ ok: true, value: 12 });
    for (const bad of ['-3', '1.5', 'abc', '12人']) expect(parseCount(bad).ok, bad).toBe(false);
    const r = parseCount('-3');
    if (!r.ok) expect(r.error.en).toContain('negative');
  });

  it('reads a bare number under a 万元 header as 万', () => {
    expect(parseAmount('12.5', 'wan')).toEqual({ ok: true, value: 12_500_000 });
    expect(parseAmount('12.5万', 'wan')).toEqual({ ok: true, value: 12_500_000 });
    expect(parseAmount('1,250', 'wan')).toEqual({ ok: true, value: 1_250_000_000 });
    expect(parseAmount('12.5', 'yuan')).toEqual({ ok: true, value: 1250 });
    expect(parseAmount('¥12.5', 'wan')).toEqual({ ok: true, value: 1250 });
  });

  it('reads plain 万 cells as parseMoney does, written with 万 or 万元 or bare under a 万元 header (property)', () => {
    const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
    fc.assert(
      fc.property(digits(1, 9), fc.option(digits(0, 8)), fc.constantFrom('', '万', '万元', '元'), fc.constantFrom<'wan' | 'yuan' | null>('wan', 'yuan', null), (int, frac, suffix, unit): void => {
        const s = `${int}${frac === null ? '' : `.${frac}`}${suffix}`;
        const reference = parseMoney(unit === 'wan' && /^[\d,]+(?:\.\d+)?$/.test(s) ? `${s}万` : s);
        expect(parseAmount(s, unit), `${s} ${unit}`).toEqual(reference);
      }),
      { numRuns: 3000 },
    );
    expect(parseAmount('628.7', 'wan')).toEqual({ ok: true, value: 628_700_000 });
    expect(parseAmount('0.000001万元', null)).toEqual({ ok: true, value: 1 });
  });

  it('refuses a cell above the money limit in every form, and takes the limit itself', () => {
    for (const bad of ['1000000000000.01', '1234567890123', '9999999999999.99', '100000000.01', '1,000,000,000,001']) {
      const r = parseAmount(bad, bad === '100000000.01' ? 'wan' : null);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error.en).toContain('exceeds the limit of 1,000,000,000,000.00 yuan');
    }
    expect(parseAmount('1000000000000', null)).toEqual({ ok: true, value: 100_000_000_000_000 });
    expect(parseAmount('100000000', 'wan')).toEqual({ ok: true, value: 100_000_000_000_000 });
  });

  it('money forms round-trip (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_000_000_000_000 }), (fen): void => {
        expect(parseAmount(yuanPlain(fen), null)).toEqual({ ok: true, value: fen });
        expect(parseAmount(formatYuan(fen), null)).toEqual({ ok: true, value: fen });
        expect(parseAmount(`¥${formatYuan(fen)}`, 'wan')).toEqual({ ok: true, value: fen });
        const wan = `${Math.trunc(fen / 1_000_000)}.${String(fen % 1_000_000).padStart(6, '0')}`;
        expect(parseAmount(wan, 'wan')).toEqual({ ok: true, value: fen });
        expect(parseAmount(`${wan}万元`, null)).toEqual({ ok: true, value: fen });
      }),
    );
  });

  it('normalising is idempotent (property)', () => {
    // (A doubled exporter quote, ''=…, loses one quote per pass: not idempotent by design.)
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }).filter((s) => !s.trimStart().startsWith("'")), (s) => {
        expect(normalizeText(normalizeText(s))).toBe(normalizeText(s));
      }),
    );
  });

  it('a USCC of the wrong length or alphabet is an error, a failed check a warning naming the expected character', () => {
    expect(parseUsccCell(GOOD_USCC)).toEqual({ ok: true, value: { code: GOOD_USCC, warning: null } });
    expect(parseUsccCell(GOOD_USCC.toLowerCase())).toEqual({ ok: true, value: { code: GOOD_USCC, warning: null } });
    expect(parseUsccCell(GOOD_USCC.slice(0, 17)).ok).toBe(false);
    for (const letter of ['I', 'O', 'S', 'V', 'Z']) {
      const r = parseUsccCell(GOOD_USCC.slice(0, 10) + letter + GOOD_USCC.slice(11));
      expect(r.ok, letter).toBe(false);
      if (!r.ok) expect(r.error.en).toContain(`"${letter}" at position 11`);
    }
    const wrong = GOOD_USCC.slice(0, 17) + (GOOD_USCC[17] === 'A' ? 'B' : 'A');
    const w = parseUsccCell(wrong);
    expect(w.ok).toBe(true);
    if (w.ok) expect(w.value.warning?.en).toContain(`check character should be ${GOOD_USCC[17]}`);
  });
});

describe('an application row', () => {
  it('reads a good row into typed values', () => {
    const r = parse();
    expect(r.errors).toEqual([]);
    expect(r.value).toMatchObject({
      applicationId: 'X-1',
      roundId: 'R1',
      uscc: GOOD_USCC,
      district: '蓬江区',
      independentLegalPerson: true,
      category: 'sme-cloud',
      cluster: null,
      totalInvestmentFen: 50_000_000,
      requestedAmountFen: 40_000_000,
      annualRevenueFen: 3_000_000_000,
      employees: 120,
      otherFiscalSupport: false,
      creditGood: true,
      majorAccident: false,
      readyToImplement: true,
      trainingEvents: null,
      submittedOn: '2022-03-15',
      extra: {},
    });
  });

  it('reads names of districts, categories and clusters in their other forms', () => {
    expect(parse({ district: '蓬江' }).value?.district).toBe('蓬江区');
    expect(parse({ district: '440705' }).value?.district).toBe('新会区');
    expect(parse({ district: '江门市台山市' }).value?.district).toBe('台山市');
    expect(parse({ category: '产业集群试点', cluster: '不锈钢制品' }).value).toMatchObject({ category: 'cluster-pilot', cluster: 'stainless-steel' });
    expect(parse({ category: '标杆示范·方向一 工业企业应用标杆' }).value?.category).toBe('benchmark-enterprise');
  });

  it('keeps what is not the policy’s as written: it fails at check, not here', () => {
    expect(parse({ district: '佛山市顺德区' }).value?.district).toBe('佛山市顺德区');
    expect(parse({ category: 'cluster-pilot', cluster: ' 陶瓷 ' }).value?.cluster).toBe('陶瓷');
    // cluster-pilot without a cluster, sme-cloud without employees or revenue.
    expect(parse({ category: 'cluster-pilot', cluster: '' }).errors).toEqual([]);
    expect(parse({ employees: '', annual_revenue: '' }).errors).toEqual([]);
  });

  it('lists every error of a row, each with its column and value', () => {
    const r = parse({ total_investment: '12,34', established_on: '2022-02-30', category: 'smart-city', credit_good: 'perhaps', project_name: '  ', uscc: '123' });
    expect(r.value).toBeNull();
    expect(r.errors.map((e) => [e.column, e.value])).toEqual([
      ['uscc', '123'],
      ['established_on', '2022-02-30'],
      ['category', 'smart-city'],
      ['project_name', '  '],
      ['total_investment', '12,34'],
      ['credit_good', 'perhaps'],
    ]);
    const t = rowErrorText('applications.csv', 7, r.errors[4]);
    expect(t.en).toBe(
      'applications.csv:7: column total_investment (项目总投入): amount "12,34" is not a recognised amount; accepted forms: 1234567.89, 1,234,567.89, ¥1,234,567, 1234567元, 123.45万, 123.45万元 (not negative; at most 2 decimals in yuan, at most 6 decimals in 万 = 10,000 yuan)',
    );
    expect(t.zh).toMatch(/^applications\.csv:7：列 total_investment（项目总投入）：金额「12,34」/);
  });

  it('refuses negative amounts and counts', () => {
    expect(parse({ requested_amount: '-5000' }).errors[0].text.en).toContain('negative');
    expect(parse({ employees: '-1' }).errors[0].column).toBe('employees');
  });

  it('reports a row with too many fields', () => {
    const r = parseApplicationRow([...row(), 'surplus'], map, policy, 'R1');
    expect(r.errors[0].text.en).toContain('22 fields but the header has 21 columns');
    // Empty trailing cells (Excel's trailing commas) are not a problem.
    expect(parseApplicationRow([...row(), '', ' '], map, policy, 'R1').errors).toEqual([]);
  });

  it('keeps extra columns by their header', () => {
    const h = [...HEADER, '备注', '联系人'];
    const m = matchHeader(h, APPLICATION_COLUMNS).map;
    const r = parseApplicationRow([...row(), ' 重点 ', '张三'], m, policy, 'R1');
    expect(r.value?.extra).toEqual({ 备注: '重点', 联系人: '张三' });
  });

  it('keeps no row number (序号): it is no value of the application; one an earlier release kept is no change', () => {
    const h = ['序号', ...HEADER, '备注'];
    const m = matchHeader(h, APPLICATION_COLUMNS).map;
    expect(parseApplicationRow(['7', ...row(), '重点'], m, policy, 'R1').value?.extra).toEqual({ 备注: '重点' });
    expect(matchHeader(['序 号', ...HEADER], APPLICATION_COLUMNS).map.extras).toEqual([]);
    const a = parse().value;
    if (!a) throw new Error('unparsed');
    expect(diffContent(applicationContent({ ...a, extra: { 序号: '3', 备注: 'x' } }), applicationContent({ ...a, extra: { 备注: 'x' } }))).toEqual([]);
  });

  it('names the fields that differ', () => {
    const a = parse().value;
    const b = parse({ requested_amount: '390000', cluster: 'x' }).value;
    if (!a || !b) throw new Error('unparsed');
    const d = diffContent(applicationContent(a), applicationContent({ ...b, extra: { 备注: 'n' } }));
    expect(d).toEqual([
      { field: 'cluster', old: null, new: 'x' },
      { field: 'requested_amount_fen', old: 40_000_000, new: 39_000_000 },
      { field: 'extra.备注', old: null, new: 'n' },
    ]);
  });
});

describe('side-list rows', () => {
  const side = (kind: 'prior-funding' | 'credit' | 'violations' | 'accidents', header: string[], cells: string[]) =>
    parseSideListRow(kind, cells, matchHeader(header, SIDE_LIST_COLUMNS[kind]).map);

  it('reads each kind with Chinese headers and values', () => {
    expect(side('prior-funding', ['统一社会信用代码', '项目名称', '资金项目', '金额（万元）', '年度'], [GOOD_USCC, '项目', '技改', '12', '2020年']).value).toEqual({
      kind: 'prior-funding',
      row: { uscc: GOOD_USCC, projectName: '项目', program: '技改', amountFen: 12_000_000, year: 2020 },
    });
    expect(side('credit', ['统一社会信用代码', '名录', '列入日期', '移出日期'], [GOOD_USCC, '经营异常名录', '2021/6/1', '']).value).toEqual({
      kind: 'credit',
      row: { uscc: GOOD_USCC, list: 'abnormal-operations', listedOn: '2021-06-01', removedOn: null },
    });
    expect(side('violations', ['uscc', 'date', 'description'], [GOOD_USCC, '2020年11月5日', '逾期']).value?.row).toEqual({ uscc: GOOD_USCC, occurredOn: '2020-11-05', description: '逾期' });
    expect(side('accidents', ['统一社会信用代码', '日期', '类型', '情况'], [GOOD_USCC, '2021-08-10', '环保', '超标']).value?.row).toEqual({
      uscc: GOOD_USCC,
      occurredOn: '2021-08-10',
      kind: 'environmental',
      description: '超标',
    });
  });

  it('refuses unknown lists and kinds, and a removal before the listing', () => {
    expect(side('credit', ['uscc', 'list', 'listed_on'], [GOOD_USCC, 'blacklist', '2021-01-01']).errors[0].text.en).toContain('accepted: abnormal-operations');
    expect(side('accidents', ['uscc', 'date', 'kind'], [GOOD_USCC, '2021-01-01', 'fire']).errors[0].text.en).toContain('safety (安全)');
    expect(side('credit', ['uscc', 'list', 'listed_on', 'removed_on'], [GOOD_USCC, 'serious-dishonesty', '2021-01-01', '2020-01-01']).errors[0].column).toBe('removed_on');
  });
});

describe('the clean-row shortcut', () => {
  const header = matchHeader([...APPLICATION_HEADER, '其他说明'], APPLICATION_COLUMNS);
  // Cells the shortcut must either read exactly as the careful way does, or leave to it.
  const nearly = (key: string, n: number): fc.Arbitrary<string> =>
    validCell(key, n).chain((v) =>
      fc.oneof(
        { weight: 60, arbitrary: fc.constant(v) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            ` ${v}`,
            `${v}\u3000`,
            v.toLowerCase(),
            v.toUpperCase(),
            v.replace(/\d/, (d) => String.fromCharCode(0xff10 + Number(d))),
            `'${v}`,
            '',
            v.slice(1),
            `${v}x`,
          ),
        },
        { weight: 1, arbitrary: hostileString(12) },
      ),
    );
  const cell = nearly;
  const row = fc
    .tuple(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: -2, max: 2 }))
    .chain(([n, extra]) =>
      fc.tuple(...[...APPLICATION_HEADER, '其他说明'].map((h) => cell(h, n)), fc.array(fc.constantFrom('', ' ', 'x'), { maxLength: Math.max(0, extra) })).map((cells) => {
        const base = cells.slice(0, -1) as string[];
        const more = cells[cells.length - 1] as string[];
        return extra < 0 ? base.slice(0, base.length + extra) : [...base, ...more];
      }),
    );

  it('reads a row exactly as the careful way does, or gives up', () => {
    let taken = 0;
    let left = 0;
    fc.assert(
      fc.property(row, (cells) => {
        const careful = readApplicationRow(cells, header.map, policy, 'R1');
        const clean = cleanApplicationRow(cells, header.map, policy, 'R1');
        if (clean === null) {
          left++;
          expect(parseApplicationRow(cells, header.map, policy, 'R1')).toEqual(careful);
          return;
        }
        taken++;
        expect(careful.errors).toEqual([]);
        expect(careful.warnings).toEqual([]);
        expect(clean).toEqual(careful.value);
      }),
      { numRuns: 3000 },
    );
    // Both ways were exercised.
    expect(taken).toBeGreaterThan(100);
    expect(left).toBeGreaterThan(100);
  });
});

describe('a totals row (合计行) of a summary sheet', () => {
  const blank = Object.fromEntries(HEADER.map((h) => [h, ''])) as Record<string, string>;
  const totals = (over: Record<string, string>) => row({ ...blank, ...over });

  it('is left out with a warning, whichever cell reads the word and whatever sums the others hold', () => {
    for (const [over, word] of [
      [{ application_id: '合计' }, '合计'],
      [{ enterprise_name: '合  计', total_investment: '9600万', requested_amount: '2,000.00' }, '合  计'],
      [{ district: '总计：', requested_amount: '123' }, '总计:'], // NFKC: the full-width colon
      [{ enterprise_name: 'Total' }, 'Total'],
      [{ application_id: '小计', enterprise_name: '小计' }, '小计'],
    ] as [Record<string, string>, string][]) {
      expect(totalsRowWord(totals(over), map), JSON.stringify(over)).toBe(word);
      const p = parseApplicationRow(totals(over), map, policy, 'R1');
      expect(p.value).toBeNull();
      expect(p.errors).toEqual([]);
      expect(p.notApplication?.text.zh).toBe(`「${word}」行是汇总表的合计行，不是申报，未导入`);
    }
  });

  it('a row that names an enterprise, a credit code or a project is an application, whatever else it reads', () => {
    expect(totalsRowWord(row({ application_id: '合计' }), map)).toBeNull();
    for (const key of ['enterprise_name', 'uscc', 'project_name']) expect(totalsRowWord(totals({ application_id: '合计', [key]: 'x' }), map), key).toBeNull();
    // A word inside a longer text is no totals word.
    expect(totalsRowWord(totals({ district: '合计项目' }), map)).toBeNull();
    const empty = parseApplicationRow(totals({}), map, policy, 'R1');
    expect(empty.notApplication).toBeUndefined();
    expect(empty.errors.length).toBeGreaterThan(0);
  });
});

describe('a note under the table or a group heading within it', () => {
  const only = (i: number, v: string) => HEADER.map((_, k) => (k === i ? v : ''));
  it('a row of one cell that starts as a note or a heading does is left out with a warning', () => {
    for (const [i, v] of [
      [0, '注：申请补贴金额以元为单位。'],
      [1, '填表人：王五    联系电话：0750-1234567'],
      [3, '单位（盖章）'],
      [0, '一、工业企业应用标杆'],
      [1, '（二）中小企业上云上平台'],
    ] as [number, string][]) {
      expect(noteRowText(only(i, v)), v).toBe(v);
      const p = parseApplicationRow(only(i, v), map, policy, 'R1');
      expect(p.value).toBeNull();
      expect(p.errors).toEqual([]);
      expect(p.notApplication?.text.en).toContain('holds one text only (a note or a group heading)');
    }
  });

  it('two cells, or one that starts otherwise, is a row with errors as before', () => {
    expect(noteRowText([...only(0, '注：见附件'), '1'])).toBeNull();
    expect(noteRowText(only(1, '江门市某某有限公司'))).toBeNull();
    const p = parseApplicationRow(only(1, '江门市某某有限公司'), map, policy, 'R1');
    expect(p.notApplication).toBeUndefined();
    expect(p.errors.length).toBeGreaterThan(0);
  });
});

describe('a header of two rows', () => {
  it('a row of units under the labels gives each label its unit; a label with its own keeps it', () => {
    expect(headerWithUnits(['企业名称', '项目总投入', '申请补贴金额（元）', '从业人员'], ['', '（万元）', '（万元）', '人'])).toEqual(['企业名称', '项目总投入(万元)', '申请补贴金额（元）', '从业人员(人)']);
    expect(headerName(headerWithUnits(['项目总投入'], ['(万元)'])![0])).toEqual({ key: '项目总投入', unit: 'wan' });
    // Any other text in the row: it is a row, not units.
    expect(headerWithUnits(['企业名称', '项目总投入'], ['江门市某某有限公司', '（万元）'])).toBeNull();
    expect(headerWithUnits(['企业名称', '项目总投入'], ['', ''])).toBeNull();
  });

  it('group labels above and names below: the lower label of each column, else its upper one', () => {
    expect(stackedHeader(['申报编号', '企业名称', '项目投资情况', ''], ['', '', '项目总投入（万元）', '其中设备投入'])).toEqual(['申报编号', '企业名称', '项目总投入（万元）', '其中设备投入']);
  });
});
