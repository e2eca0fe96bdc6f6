// Generators of hostile input for the fuzz tests: strings officers never meant
// to type, cells that look almost right, CSV text with broken structure.
import fc from 'fast-check';
import { APPLICATION_HEADER, DISTRICTS, DIVISIONS, makeUscc } from '../../bench/lib/generate.mjs';

/** Names that must survive import, `applications show` and every report unchanged. */
export const HOSTILE_NAMES: readonly string[] = [
  "'); DROP TABLE applications;--",
  '=HYPERLINK("http://x")',
  '+1',
  '-2',
  '@SUM(A1)',
  '江门\t制表符有限公司',
  '😀 江门𠮷野家科技有限公司',
  '<script>alert("x")</script> & <b>粗体</b> | 竖线 *星号* `代码`',
  `${'江门市超长名称'.repeat(700)}${'x'.repeat(100)}`, // 5,000 characters
];

/** Odd pieces that trip parsers: quotes, separators, units, signs, controls, wide forms, astral characters. */
const PIECES = [
  '"', '""', ',', '\n', '\r\n', '\r', '\t', ' ', '\u3000', '\u00a0', '\ufeff', '\u200b', "'", '=', '+', '-', '@', '¥', '￥', '万', '元', '万元',
  '年', '月', '日', '/', '.', ':', 'T', 'e', 'E', 'Infinity', 'NaN', '0x1F', '1e308', '-0', '９', '１２３', '，', '．', '😀', '𠮷', '\u0000', '\u0007',
  '\ud800', '\udc00', 'İ', 'ß', 'ﬁ', '是', '否', 'yes', 'no', 'null', 'undefined', '2022-02-29', '2021/5/16', '2021年5月16日', '60', '2958466',
  '1,234,567.89', '123.45万', '9'.repeat(30), '0.001', '1,23', 'ＡＢＣ', 'O', 'I', 'Z',
];

/** Strings made of odd pieces and random characters (full Unicode range, lone surrogates included). */
export const hostileString = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength, unit: 'binary' }),
    fc.string({ maxLength, unit: 'grapheme' }),
    fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })), { maxLength: 8 }).map((a) => a.join('')),
    fc.constantFrom(...HOSTILE_NAMES),
  );

/** Near-miss money: digits, separators, units and signs in any order. */
export const moneyLike = (): fc.Arbitrary<string> =>
  fc
    .array(fc.constantFrom('0', '1', '5', '9', '12', '345', ',', '.', '¥', '￥', '万', '元', ' ', '-', '−', '+', '９', '，', '．', 'e', '\u3000'), { maxLength: 14 })
    .map((a) => a.join(''));

/** Near-miss dates. */
export const dateLike = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .tuple(fc.integer({ min: -1, max: 10_000 }), fc.integer({ min: -1, max: 14 }), fc.integer({ min: -1, max: 33 }), fc.constantFrom('-', '/', '.', '年', ' ', ''))
      .map(([y, m, d, sep]) => (sep === '年' ? `${y}年${m}月${d}日` : `${y}${sep}${m}${sep}${d}`)),
    fc.integer({ min: -10, max: 3_000_000 }).map(String),
    fc.array(fc.constantFrom('2', '0', '1', '9', '-', '/', '.', '年', '月', '日', ' ', 'T', ':', '２'), { maxLength: 14 }).map((a) => a.join('')),
  );

/** A valid cell for each column (by key), so that rows are mostly right and the odd cell stands out. */
export const validCell = (key: string, n: number): fc.Arbitrary<string> => {
  switch (key) {
    case 'application_id':
      return fc.constant(`F-${n}`);
    case 'enterprise_name':
      return fc.constantFrom('江门市某某科技有限公司', '台山市"海宴"食品有限公司', 'Jiangmen Widgets Co., Ltd.');
    case 'uscc':
      return fc.integer({ min: 0, max: 6 }).map((d) => makeUscc(DIVISIONS[d], 5, n));
    case 'district':
      return fc.constantFrom(...DISTRICTS);
    case 'established_on':
      return fc.constantFrom('2015-06-18', '2012/9/3', '2010年1月20日', '40000');
    case 'independent_legal_person':
    case 'other_fiscal_support':
    case 'past_projects_compliant':
    case 'credit_good':
    case 'major_accident':
    case 'ready_to_implement':
      return fc.constantFrom('是', '否', 'yes', 'no', 'Y', '0');
    case 'category':
      return fc.constantFrom('sme-cloud', '工业企业应用标杆', 'cluster-pilot', 'talent-training', 'benchmark-platform');
    case 'cluster':
      return fc.constantFrom('', 'stainless-steel', '水暖卫浴', '不存在的集群');
    case 'project_name':
      return fc.constant(`模糊测试项目${n}`);
    case 'total_investment':
    case 'requested_amount':
    case 'annual_revenue':
      return fc.constantFrom('1234567.89', '1,234,567.89', '¥1,234,567', '123.45万', '123.45万元', '500000');
    case 'employees':
    case 'training_events':
    case 'trainees':
      return fc.constantFrom('', '12', '600', '1,200');
    case 'submitted_on':
      return fc.constantFrom('2022-03-10', '2022/4/1', '2022年3月8日');
    default:
      return fc.constantFrom('', '无', '备注');
  }
};

export { APPLICATION_HEADER };

/** A CSV field written with a random quoting choice (sometimes wrongly). */
export const field = (value: string): fc.Arbitrary<string> =>
  fc.constantFrom('auto', 'always', 'never', 'broken').map((how) => {
    const needs = /[",\r\n]/.test(value);
    if (how === 'never' || (how === 'auto' && !needs)) return value;
    if (how === 'broken') return `"${value}`; // an opening quote never closed
    return `"${value.replace(/"/g, '""')}"`;
  });
