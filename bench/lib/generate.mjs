// Generated input files shared by the benchmarks and the crash/concurrency
// tests, deterministic for a given seed:
//  - writeApplicationsCsv: every row valid and eligible (unique credit codes
//    with correct check characters, a district that agrees with the code,
//    established years before the round, booleans that pass);
//  - writeOfficerCsv: rows like an officer's export (a title line, Chinese
//    headers with units, Chinese names, 万元 amounts, Chinese dates, full-width
//    characters, a few wrong credit-code check characters and later phases of
//    the same project), in UTF-8 or GB18030; `enterprises` packs the rows into
//    few credit codes (the duplicate-heavy case);
//  - writeScoresCsv: expert scores for the applications;
//  - writeCreditListCsv: a credit list (经营异常名录, 严重违法失信) as a market
//    regulator's export reaches the officer.
// Credit codes use the domain's own check characters (dist/domain/uscc.js): build first.
import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const USCC_JS = join(ROOT, 'dist', 'domain', 'uscc.js');
if (!existsSync(USCC_JS)) throw new Error(`bench/lib/generate.mjs needs ${USCC_JS}: run npm run build first`);
const uscc = await import(pathToFileURL(USCC_JS).href);

/** GB 11714 check character of an 8-character organisation-code body. */
export const orgCheck = (body) => uscc.computeOrgCheckChar(body);

/** GB 32100 check character of the first 17 characters. */
export const usccCheck = (first17) => uscc.computeCheckChar(first17);

/** A valid credit code for enterprise number n of a family (0–9), registered in a Jiangmen division; n ≥ 10^6 moves on to the next family. */
export function makeUscc(division, family, n) {
  const body = `M${'ABCDEFGHJK'[(family + Math.floor(n / 1_000_000)) % 10]}${String(n % 1_000_000).padStart(6, '0')}`;
  const first17 = `91${division}${body}${orgCheck(body)}`;
  return first17 + usccCheck(first17);
}

/** mulberry32: a small seeded generator; rnd(k) is an integer in [0, k). */
export function rng(seed) {
  let s = seed | 0;
  return (k) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * k);
  };
}

/** A file written in pieces of about half a MiB of text (a write per line costs more than the lines), each encoded by `encode`. */
function chunkedFile(path, encode = (s) => s) {
  const ws = createWriteStream(path, { highWaterMark: 1 << 20 });
  let buf = '';
  return {
    async add(s) {
      buf += s;
      if (buf.length > 1 << 19) {
        if (!ws.write(encode(buf))) await once(ws, 'drain');
        buf = '';
      }
    },
    async end() {
      ws.end(encode(buf));
      await once(ws, 'finish');
    },
  };
}

export const DIVISIONS = ['440703', '440704', '440705', '440781', '440783', '440784', '440785'];
export const DISTRICTS = ['蓬江区', '江海区', '新会区', '台山市', '开平市', '鹤山市', '恩平市'];
export const CATEGORIES = ['benchmark-enterprise', '中小企业上云上平台', 'cluster-pilot', '人才培养', 'benchmark-platform', 'sme-cloud'];
export const CLUSTERS = ['stainless-steel', '水暖卫浴', 'home-appliance', '摩托车'];
export const NAMES = ['江门市堃珺燊智能制造有限公司', '江门市新会区五金科技有限公司', '台山市"海宴"食品有限公司', '开平市水口卫浴股份有限公司', '鹤山市印联数字科技有限公司'];

export const APPLICATION_HEADER = [
  'application_id', 'enterprise_name', 'uscc', 'district', 'established_on', 'independent_legal_person', 'category', 'cluster', 'project_name',
  'total_investment', 'requested_amount', 'employees', 'annual_revenue', 'other_fiscal_support', 'past_projects_compliant', 'credit_good',
  'major_accident', 'ready_to_implement', 'training_events', 'trainees', 'submitted_on', '备注',
];

/** A CSV cell, quoted when it must be. */
export const q = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * Writes `rows` valid applications, ids `${idPrefix}${n}` (n = 1 … rows, 7
 * digits); `family` (0–9) keeps the credit codes of two files of up to 999,999 rows apart. About 1
 * row in 20 has a quoted comma, doubled quote or line break.
 */
export async function writeApplicationsCsv(path, { rows, idPrefix = 'A-', family = 0, seed = 42 } = {}) {
  // Ids have seven digits; makeUscc moves past 999,999 into the next family's letter, so credit codes stay distinct.
  if (rows > 9_999_999) throw new Error('at most 9,999,999 rows');
  const rnd = rng(seed);
  const out = chunkedFile(path);
  await out.add('\uFEFF' + APPLICATION_HEADER.join(',') + '\r\n');
  const ids = [];
  for (let i = 1; i <= rows; i++) {
    const d = rnd(7);
    const special = rnd(20) === 0;
    const project = special ? ['工业互联网平台, 二期', '设备上云"标杆"项目', '数字化车间\r\n改造项目'][rnd(3)] + i : `工业互联网平台建设项目${i}`;
    const cat = CATEGORIES[rnd(CATEGORIES.length)];
    const id = `${idPrefix}${String(i).padStart(7, '0')}`;
    ids.push(id);
    const cells = [
      id,
      q(NAMES[rnd(NAMES.length)]),
      makeUscc(DIVISIONS[d], family, i),
      DISTRICTS[d],
      rnd(2) ? `20${10 + rnd(10)}-0${1 + rnd(9)}-1${rnd(10)}` : `20${10 + rnd(10)}年${1 + rnd(12)}月${1 + rnd(28)}日`,
      '是',
      cat,
      cat === 'cluster-pilot' ? CLUSTERS[rnd(4)] : '',
      q(project),
      rnd(2) ? `${1_000_000 + rnd(9_000_000)}.${String(rnd(100)).padStart(2, '0')}` : `${100 + rnd(900)}万`,
      rnd(2) ? String(100_000 + rnd(500_000)) : q(`${(100_000 + rnd(500_000)).toLocaleString('en')}.00`),
      String(10 + rnd(500)),
      `${5_000_000 + rnd(90_000_000)}`,
      '否', '是', 'yes', 'no', '是',
      cat === '人才培养' ? String(10 + rnd(20)) : '',
      cat === '人才培养' ? String(500 + rnd(900)) : '',
      `2022/${3 + rnd(2)}/${1 + rnd(28)}`,
      rnd(3) === 0 ? '无' : '',
    ];
    await out.add(cells.join(',') + '\r\n');
  }
  await out.end();
  return ids;
}

/** Writes `experts` scores (60.00–99.99) for each application id; returns the row count. */
export async function writeScoresCsv(path, ids, { experts = 3, seed = 7 } = {}) {
  const rnd = rng(seed);
  const out = chunkedFile(path);
  await out.add('\uFEFF申报编号,专家编号,评分,是否回避,评审意见\r\n');
  let rows = 0;
  for (const id of ids) {
    const base = 6000 + rnd(3500);
    for (let k = 0; k < experts; k++) {
      const centi = Math.min(9999, base + rnd(500));
      await out.add(`${id},E${String(k + 1).padStart(2, '0')},${Math.floor(centi / 100)}.${String(centi % 100).padStart(2, '0')},否,\r\n`);
      rows++;
    }
  }
  await out.end();
  return rows;
}

/**
 * `rows` credit listings as an officer receives them: Chinese header, the
 * lists' Chinese names, dates written 2021-06-01, 2021/6/1 or 2021年6月1日, one
 * in three removed again, UTF-8 with a BOM. Enterprises of family 9 (none of
 * the applications'), one in two listed twice.
 */
export async function writeCreditListCsv(path, { rows, seed = 5 } = {}) {
  const rnd = rng(seed);
  const out = chunkedFile(path);
  const date = (y, m, d, k) => (k === 0 ? `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` : k === 1 ? `${y}/${m}/${d}` : `${y}年${m}月${d}日`);
  await out.add('\uFEFF统一社会信用代码,名录,列入日期,移出日期\r\n');
  for (let i = 0; i < rows; i++) {
    const y = 2014 + rnd(9);
    const listed = date(y, 1 + rnd(12), 1 + rnd(28), rnd(3));
    const removed = rnd(3) === 0 ? date(y + 1 + rnd(2), 1 + rnd(12), 1 + rnd(28), rnd(3)) : '';
    const n = Math.floor(i / 1.5);
    await out.add(`${makeUscc(DIVISIONS[n % DIVISIONS.length], 9, n)},${rnd(4) === 0 ? '严重违法失信' : '经营异常名录'},${listed},${removed}\r\n`);
  }
  await out.end();
  return rows;
}

// ---------------------------------------------------------------------------
// Rows like an officer's

/** The header of an officer's export: Chinese names, money in 万元, a unit on the head count. */
export const OFFICER_HEADER = [
  '申报编号', '企业名称', '统一社会信用代码', '所属区（市）', '申报类别', '产业集群', '项目名称', '项目总投入（万元）', '申请补贴金额（万元）',
  '营业收入（万元）', '从业人员（人）', '成立日期', '是否独立法人', '是否已获其他财政资金支持', '近三年财政资金项目执行良好', '近三年信用良好',
  '近三年发生重大安全、环保、质量事故', '具备实施条件', '培训场次', '培训人数', '申报日期', '备注',
];
const OFFICER_CATEGORIES = ['标杆示范·方向一 工业企业应用标杆', '标杆示范·方向二 特定行业平台标杆', '中小企业上云上平台', '产业集群试点', '人才培养'];
const OFFICER_CLUSTERS = ['不锈钢制品', '水暖卫浴', '家电', '摩托车'];
const TOWNS = ['江门市', '江门市', '江门市新会区', '台山市', '开平市', '鹤山市', '恩平市'];
const SYLLABLES = '堃珺燊鑫华达盛宏泰嘉瑞恒丰源兴隆昌荣富通利新永安德宝金银科创智联晟翔';
const TRADES = ['智能装备', '精密制造', '五金制品', '电机', '阀门', '卫浴', '家电', '食品', '印刷', '纺织', '新材料', '电子科技', '摩托车配件', '不锈钢制品'];
const FORMS = ['有限公司', '有限公司', '有限公司', '股份有限公司', '实业有限公司'];
const PRODUCTS = ['电机', '阀门', '水龙头', '厨具', '餐具', '电饭煲', '空调压缩机', '摩托车车架', '不锈钢管', '铝型材', '包装纸箱', '注塑件', '线路板', '陶瓷洁具', '纺织面料', '五金配件', '食品罐头', '印刷品', '照明灯具', '汽车零部件'];
const TEMPLATES = ['生产线工业互联网改造', '智能工厂工业互联网标杆', '数字化车间建设', '设备上云上平台', '质量数据采集与追溯', '供应链协同平台', '能耗在线监测系统', '仓储物流数字化', 'MES系统升级', '5G+工业互联网应用', '远程运维平台', '产品全生命周期管理平台', '订单协同管理系统', '工业大数据分析平台', '安全生产监测平台', '模具管理系统', '柔性生产线改造', '视觉质检系统', '设备联网与数据采集', '集群协同制造平台'];
const PHASES = ['', '（二期）', '（三期）', '（四期）', '（五期）'];
const REMARKS = ['', '', '', '', '', '无', '重点项目', '已提交纸质材料，共3册', '联系人：李工，电话 0750-3xxxxxx', '项目已备案\n备案号见附件'];

/** Full-width forms of ASCII letters, digits, dots and hyphens (an officer's IME leaves them in ids and amounts). */
const fullWidth = (s) => s.replace(/[0-9A-Za-z.-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

let iconv = null;
function encoder(encoding) {
  if (encoding === 'utf8') return (s) => s;
  iconv ??= createRequire(join(ROOT, 'package.json'))('iconv-lite');
  return (s) => iconv.encode(s, encoding);
}

/**
 * Writes `rows` applications the way an officer's spreadsheet exports them
 * (see the top of this file). Every row imports (a wrong check character is a
 * warning); check puts the wrong codes (credit-code) and the later phases of a
 * project (duplicate) to review. Returns the ids as the ledger stores them.
 *
 * - encoding: 'utf8' (with a BOM, as Excel writes it) or 'gb18030';
 * - enterprises: number of distinct credit codes (default: one per row, less
 *   the repeats); with a small number every enterprise has many applications,
 *   named by product × template, then the next phase;
 * - repeatEvery: without `enterprises`, one row in about this many is the
 *   next phase of the project of the row before, by the same enterprise;
 * - warnEvery: one row in about this many has a wrong check character.
 */
export async function writeOfficerCsv(path, { rows, idPrefix = 'SQ', family = 1, seed = 11, encoding = 'utf8', enterprises = 0, repeatEvery = 40, warnEvery = 250 } = {}) {
  if (rows > 9_999_999) throw new Error('at most 9,999,999 rows');
  const rnd = rng(seed);
  const pick = (xs) => xs[rnd(xs.length)];
  const out = chunkedFile(path, encoder(encoding));
  const blank = ','.repeat(OFFICER_HEADER.length - 1);
  await out.add(`${encoding === 'utf8' ? '\uFEFF' : ''}2022年江门市工业互联网专项资金申报汇总表${blank}\r\n${blank}\r\n${OFFICER_HEADER.join(',')}\r\n`);
  const ids = [];
  const wan = (min, max) => {
    const v = min + rnd(max - min);
    const s = rnd(3) === 0 ? `${v}.${rnd(10)}` : String(v);
    return { s: rnd(30) === 0 ? fullWidth(s) : s, v };
  };
  const combos = PRODUCTS.length * TEMPLATES.length;
  const makeEnterprise = (n) => {
    const d = n % 7;
    const name = `${TOWNS[d]}${SYLLABLES[rnd(SYLLABLES.length)]}${SYLLABLES[rnd(SYLLABLES.length)]}${pick(TRADES)}${pick(FORMS)}`;
    return {
      d,
      code: makeUscc(DIVISIONS[d], family, n),
      name: rnd(15) === 0 ? name.replace(/^(江门市|台山市|开平市|鹤山市|恩平市)/, '$1（江门）') : name,
      projects: 0,
      base: rnd(combos),
    };
  };
  const pool = enterprises > 0 ? Array.from({ length: enterprises }, (_, n) => makeEnterprise(n)) : null;
  let prev = null;
  let nextEnterprise = 0;
  for (let i = 1; i <= rows; i++) {
    let e;
    if (pool) e = pool[(i - 1) % enterprises];
    else if (prev && rnd(repeatEvery) === 0) e = prev;
    else e = makeEnterprise(nextEnterprise++);
    prev = e;
    // Packed: a project the enterprise has not used yet, then the next phase of each; a repeat: the next phase.
    const k = pool ? e.base + e.projects : e.base;
    const phase = pool ? Math.floor(e.projects / combos) : Math.min(e.projects, PHASES.length - 1);
    e.projects++;
    const base = `${PRODUCTS[k % PRODUCTS.length]}${TEMPLATES[Math.floor(k / PRODUCTS.length) % TEMPLATES.length]}项目`;
    const project = `${base}${phase < PHASES.length ? PHASES[phase] : `（第${phase + 1}期）`}`;
    const id = `${idPrefix}${String(i).padStart(7, '0')}`;
    ids.push(id);
    let code = e.code;
    if (rnd(warnEvery) === 0) code = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    const cat = rnd(OFFICER_CATEGORIES.length);
    const investment = wan(50, 2000);
    const y = 2005 + rnd(15);
    const m = 1 + rnd(12);
    const day = 1 + rnd(28);
    const sm = 3 + rnd(2);
    const sd = 1 + rnd(28);
    const cells = [
      rnd(12) === 0 ? fullWidth(id) : id,
      e.name,
      code,
      DISTRICTS[e.d],
      OFFICER_CATEGORIES[cat],
      cat === 3 ? OFFICER_CLUSTERS[rnd(4)] : '',
      project,
      investment.s,
      String(Math.max(1, Math.floor((investment.v * (20 + rnd(30))) / 100))),
      wan(500, 30_000).s,
      String(20 + rnd(780)),
      [`${y}年${m}月${day}日`, `${y}/${m}/${day}`, `${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`][rnd(3)],
      '是', '否', '是', '是', '否', '是',
      cat === 4 ? String(10 + rnd(20)) : '',
      cat === 4 ? String(500 + rnd(900)) : '',
      rnd(2) ? `2022年${sm}月${sd}日` : `2022/${sm}/${sd}`,
      q(pick(REMARKS)),
    ];
    await out.add(cells.join(',') + '\r\n');
  }
  await out.end();
  return ids;
}
