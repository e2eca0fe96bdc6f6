// Generated input files shared by the benchmarks and the crash/concurrency
// tests: an applications CSV whose every row is valid and eligible (unique
// credit codes with correct check characters, a district that agrees with the
// code, established years before the round, booleans that pass), and an
// expert scores CSV for those applications. Deterministic for a given seed.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const ALPHA = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** GB 11714 check character of an 8-character organisation-code body. */
export function orgCheck(body) {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 8; i++) s += parseInt(body[i], 36) * w[i];
  const c = 11 - (s % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** GB 32100 check character of the first 17 characters. */
export function usccCheck(first17) {
  let s = 0;
  let w = 1;
  for (let i = 0; i < 17; i++) {
    s += ALPHA.indexOf(first17[i]) * w;
    w = (w * 3) % 31;
  }
  return ALPHA[(31 - (s % 31)) % 31];
}

/** A valid credit code for enterprise number n (0 ≤ n < 10^6) of a family (0–9), registered in a Jiangmen division. */
export function makeUscc(division, family, n) {
  const body = `M${'ABCDEFGHJK'[family]}${String(n).padStart(6, '0')}`;
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
 * digits); `family` (0–9) keeps the credit codes of two files apart. About 1
 * row in 20 has a quoted comma, doubled quote or line break.
 */
export async function writeApplicationsCsv(path, { rows, idPrefix = 'A-', family = 0, seed = 42 } = {}) {
  if (rows > 999_999) throw new Error('at most 999,999 rows per family');
  const rnd = rng(seed);
  const ws = createWriteStream(path, { highWaterMark: 1 << 20 });
  let buf = '\uFEFF' + APPLICATION_HEADER.join(',') + '\r\n';
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
    buf += cells.join(',') + '\r\n';
    if (buf.length > 1 << 20) {
      if (!ws.write(buf)) await once(ws, 'drain');
      buf = '';
    }
  }
  ws.end(buf);
  await once(ws, 'finish');
  return ids;
}

/** Writes `experts` scores (60.00–99.99) for each application id; returns the row count. */
export async function writeScoresCsv(path, ids, { experts = 3, seed = 7 } = {}) {
  const rnd = rng(seed);
  const ws = createWriteStream(path, { highWaterMark: 1 << 20 });
  let buf = '\uFEFF申报编号,专家编号,评分,是否回避,评审意见\r\n';
  let rows = 0;
  for (const id of ids) {
    const base = 6000 + rnd(3500);
    for (let k = 0; k < experts; k++) {
      const centi = Math.min(9999, base + rnd(500));
      buf += `${id},E${String(k + 1).padStart(2, '0')},${Math.floor(centi / 100)}.${String(centi % 100).padStart(2, '0')},否,\r\n`;
      rows++;
    }
    if (buf.length > 1 << 20) {
      if (!ws.write(buf)) await once(ws, 'drain');
      buf = '';
    }
  }
  ws.end(buf);
  await once(ws, 'finish');
  return rows;
}
