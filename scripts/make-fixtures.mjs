// Writes the import fixtures (fixtures/import/) and the demo set (fixtures/demo/).
//
//   npm run build && node scripts/make-fixtures.mjs
//
// The same applications come out as a clean UTF-8 CSV, a GB18030 CSV the way
// Chinese Excel/WPS users send it (title row, Chinese headers in several
// spellings, 万元, thousands separators, Chinese dates, full-width digits) and
// an .xlsx with typed cells: all three must import to identical ledgers.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const IMPORT = join(ROOT, 'fixtures', 'import');
const BAD = join(IMPORT, 'bad');
const DEMO = join(ROOT, 'fixtures', 'demo');
for (const d of [IMPORT, BAD, DEMO]) mkdirSync(d, { recursive: true });

// ---------------------------------------------------------------------------
// USCC (GB 32100-2015) and organisation code (GB 11714)

// The domain's own check characters (dist/domain/uscc.js): build first.
const USCC_JS = join(ROOT, 'dist', 'domain', 'uscc.js');
if (!existsSync(USCC_JS)) throw new Error(`scripts/make-fixtures.mjs needs ${USCC_JS}: run npm run build first`);
const { computeOrgCheckChar: orgCheck, computeCheckChar: usccCheck } = await import(pathToFileURL(USCC_JS).href);
/** A valid code: entity type (91 company), division, then MA + 6 digits as the org body. */
const uscc = (division, n, type = '91') => {
  const body = `MA${String(n).padStart(6, '0')}`;
  const first17 = type + division + body + orgCheck(body);
  return first17 + usccCheck(first17);
};
/** The same code with a wrong last character. */
const badCheck = (code) => code.slice(0, 17) + (code[17] === 'A' ? 'B' : 'A');

// ---------------------------------------------------------------------------
// Writing

const csvCell = (v) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (rows, eol = '\n') => rows.map((r) => r.map(csvCell).join(',')).join(eol) + eol;
const write = (path, data) => {
  writeFileSync(path, data);
  console.log(`wrote ${path.slice(ROOT.length + 1)}`);
};

// Money helpers: amounts are kept in fen here and written in the forms of §4.
const yuan = (fen) => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const grouped = (fen) => `${String(Math.trunc(fen / 100)).replace(/\B(?=(\d{3})+$)/g, ',')}.${String(fen % 100).padStart(2, '0')}`;
const wan = (fen) => {
  const int = Math.trunc(fen / 1_000_000);
  const frac = String(fen % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : String(int);
};
const Y = (n) => n * 100; // yuan → fen
const FULL = (s) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
const zhDate = (iso) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};
const slashDate = (iso) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}/${m}/${d}`;
};

// ---------------------------------------------------------------------------
// The twenty applications of fixtures/import (round R1, 2022-03-01 … 2022-04-30)

const D = { 蓬江区: '440703', 江海区: '440704', 新会区: '440705', 台山市: '440781', 开平市: '440783', 鹤山市: '440784', 恩平市: '440785' };

const A = (o) => ({
  ilp: true,
  otherFiscal: false,
  pastOk: true,
  creditGood: true,
  accident: false,
  ready: true,
  cluster: null,
  employees: null,
  revenue: null,
  events: null,
  trainees: null,
  note: '',
  ...o,
});

const APPS = [
  A({ id: 'A001', name: '江门市堃达智能装备有限公司', district: '蓬江区', code: uscc(D.蓬江区, 100001), est: '2015-06-18', cat: 'benchmark-enterprise', project: '智能工厂工业互联网标杆项目', total: Y(4_800_000), req: Y(1_000_000), sub: '2022-03-15', note: '重点项目' }),
  A({ id: 'A002', name: '江门市珺汇精密制造有限公司', district: '江海区', code: uscc(D.江海区, 100002), est: '2012-09-03', cat: 'benchmark-enterprise', project: '精密加工数字化车间', total: 215_000_050, req: Y(900_000), sub: '2022-03-16' }),
  A({ id: 'A003', name: '台山市燊华电机有限公司', district: '台山市', code: uscc(D.台山市, 100003), est: '2010-01-20', cat: 'benchmark-enterprise', project: '电机生产线5G+工业互联网改造', total: Y(1_600_000), req: Y(800_000), sub: '2022-03-18', note: '含5G专网' }),
  A({ id: 'A004', name: '江门市工联云平台科技有限公司', district: '蓬江区', code: uscc(D.蓬江区, 100004), est: '2018-04-10', cat: 'benchmark-platform', project: '五金行业工业互联网平台', total: Y(3_000_000), req: Y(1_000_000), sub: '2022-03-20' }),
  A({ id: 'A005', name: '鹤山市印联数字科技有限公司', district: '鹤山市', code: uscc(D.鹤山市, 100005), est: '2016-11-11', cat: 'benchmark-platform', project: '印刷包装行业协同平台', total: Y(1_200_000), req: Y(600_000), sub: '2022-03-21' }),
  A({ id: 'A006', name: '开平市卫浴云科技有限公司', district: '开平市', code: uscc(D.开平市, 100006), est: '2019-07-01', cat: 'benchmark-platform', project: '卫浴行业供应链平台', total: Y(980_000), req: Y(490_000), sub: '2022-03-22' }),
  // Registered under the former 新会市 code (440782): still Jiangmen.
  A({ id: 'A007', name: '江门市新会区陈皮食品有限公司', district: '新会区', code: uscc('440782', 100007), est: '2001-03-05', cat: 'sme-cloud', project: '生产管理系统上云', total: Y(350_000), req: Y(280_000), employees: 85, revenue: Y(26_000_000), sub: '2022-03-23' }),
  A({ id: 'A008', name: '恩平市麦克风电子有限公司', district: '恩平市', code: uscc(D.恩平市, 100008), est: '2014-05-20', cat: 'sme-cloud', project: '设备联网与云MES', total: Y(420_000), req: Y(300_000), employees: 230, revenue: Y(88_000_000), sub: '2022-03-24' }),
  A({ id: 'A009', name: '江门市蓬江区五金制品有限公司', district: '蓬江区', code: uscc(D.蓬江区, 100009), est: '2011-08-08', cat: 'sme-cloud', project: 'ERP上云', total: Y(200_000), req: Y(160_000), employees: 45, revenue: Y(12_000_000), sub: '2022-03-25', note: '已签约云服务商' }),
  A({ id: 'A010', name: '台山市海宴水产有限公司', district: '台山市', code: uscc(D.台山市, 100010), est: '2017-02-14', cat: 'sme-cloud', project: '冷链数据上云', total: Y(260_000), req: Y(200_000), employees: 60, revenue: 3_050_000_000, sub: '2022-03-28' }),
  A({ id: 'A011', name: '鹤山市纺织科技有限公司', district: '鹤山市', code: uscc(D.鹤山市, 100011), est: '2013-10-10', cat: 'sme-cloud', project: '纺织车间设备上云', total: Y(500_000), req: Y(400_000), employees: 1200, revenue: Y(520_000_000), sub: '2022-03-29' }),
  A({ id: 'A012', name: '江门市新会区不锈钢制品有限公司', district: '新会区', code: uscc(D.新会区, 100012), est: '2009-12-01', cat: 'cluster-pilot', cluster: 'stainless-steel', project: '不锈钢厨具产业集群数字化', total: Y(900_000), req: Y(500_000), sub: '2022-04-01' }),
  A({ id: 'A013', name: '开平市水口卫浴股份有限公司', district: '开平市', code: uscc(D.开平市, 100013), est: '2005-06-06', cat: 'cluster-pilot', cluster: 'plumbing-sanitary', project: '水暖卫浴集群工业互联网试点', total: Y(700_000), req: Y(500_000), sub: '2022-04-02' }),
  A({ id: 'A014', name: '江门市江海区家电有限公司', district: '江海区', code: uscc(D.江海区, 100014), est: '2012-03-30', cat: 'cluster-pilot', cluster: 'home-appliance', project: '小家电集群协同制造', total: Y(600_000), req: Y(480_000), sub: '2022-04-06' }),
  A({ id: 'A015', name: '江门市大长江摩托车配件有限公司', district: '蓬江区', code: uscc(D.蓬江区, 100015), est: '2008-08-18', cat: 'cluster-pilot', cluster: 'motorcycle', project: '摩托车零部件集群试点', total: Y(625_000), req: Y(500_000), sub: '2022-04-07' }),
  // A cluster-pilot application without a cluster: imported, fails the category rule at check.
  A({ id: 'A016', name: '江门市珺燊五金塑料有限公司', district: '江海区', code: uscc(D.江海区, 100016), est: '2016-06-16', cat: 'cluster-pilot', project: '五金塑料集群改造', total: Y(300_000), req: Y(240_000), sub: '2022-04-08', note: '集群待定' }),
  A({ id: 'A017', name: '江门市工匠职业培训有限公司', district: '蓬江区', code: uscc(D.蓬江区, 100017), est: '2014-09-01', cat: 'talent-training', project: '工业互联网人才实训基地', total: Y(1_500_000), req: Y(1_000_000), events: 12, trainees: 650, sub: '2022-04-11' }),
  A({ id: 'A018', name: '恩平市工业互联网学院有限公司', district: '恩平市', code: uscc(D.恩平市, 100018), est: '2015-03-12', cat: 'talent-training', project: '中小企业数字化人才培训', total: Y(800_000), req: Y(600_000), events: 10, trainees: 520, sub: '2022-04-12' }),
  A({ id: 'A019', name: '江门市城市数字化运营有限公司', district: '新会区', code: uscc(D.新会区, 100019), est: '2020-01-15', cat: 'other', project: '市政府交办工业互联网示范项目', total: Y(2_000_000), req: Y(1_500_000), sub: '2022-04-13', note: '江府办函〔2022〕12号' }),
  A({ id: 'A020', name: '台山市燊荣食品有限公司', district: '台山市', code: uscc(D.台山市, 100020), est: '2021-12-01', cat: 'sme-cloud', project: '食品溯源上云', total: Y(150_000), req: Y(120_000), employees: 30, revenue: Y(8_000_000), sub: '2022-04-15' }),
];

const EN_HEADER = [
  'application_id', 'enterprise_name', 'uscc', 'district', 'established_on', 'independent_legal_person', 'category', 'cluster', 'project_name',
  'total_investment', 'requested_amount', 'employees', 'annual_revenue', 'other_fiscal_support', 'past_projects_compliant', 'credit_good',
  'major_accident', 'ready_to_implement', 'training_events', 'trainees', 'submitted_on', '备注',
];
const yn = (b) => (b ? 'yes' : 'no');
const enRow = (a) => [
  a.id, a.name, a.code, a.district, a.est, yn(a.ilp), a.cat, a.cluster ?? '', a.project, yuan(a.total), yuan(a.req), a.employees ?? '',
  a.revenue === null ? '' : yuan(a.revenue), yn(a.otherFiscal), yn(a.pastOk), yn(a.creditGood), yn(a.accident), yn(a.ready), a.events ?? '',
  a.trainees ?? '', a.sub, a.note,
];
write(join(IMPORT, 'applications.csv'), csv([EN_HEADER, ...APPS.map(enRow)]));

// The GB18030 twin: Chinese names of categories, clusters and districts in
// several spellings, columns in another order.
const CAT_ZH = {
  'benchmark-enterprise': ['标杆示范·方向一 工业企业应用标杆', '工业企业应用标杆'],
  'benchmark-platform': ['标杆示范·方向二 特定行业平台标杆', '方向二'],
  'sme-cloud': ['中小企业上云上平台', '上云上平台'],
  'cluster-pilot': ['产业集群试点', '集群试点'],
  'talent-training': ['人才培养', '工业互联网人才培养'],
  other: ['市委、市政府确定的其他事项', '其他事项'],
};
const CLUSTER_ZH = { 'stainless-steel': '不锈钢制品', 'plumbing-sanitary': '水暖卫浴', 'home-appliance': '家电', motorcycle: '摩托车' };
const DISTRICT_SPELLING = { 蓬江区: '蓬江', 江海区: '江门市江海区', 新会区: '440705', 台山市: '台山', 开平市: '开平市', 鹤山市: '鹤山', 恩平市: '广东省江门市恩平市' };
const ZH_HEADER = [
  '申报编号', '企业名称', '统一社会信用代码', '所属区（市）', '申报类别', '产业集群', '项目名称', '项目总投入（万元）', '申请补贴金额(元)', '营业收入',
  '从业人员（人）', '成立日期', '是否独立法人', '是否已获其他财政资金支持', '近三年财政资金项目执行良好', '近三年信用良好',
  '近三年发生重大安全、环保、质量事故', '具备实施条件', '培训场次', '培训人数', '申报日期', '备注',
];
const sf = (b) => (b ? '是' : '否');
const zhRow = (a, i) => [
  a.id,
  a.name,
  a.code,
  i % 2 === 0 ? DISTRICT_SPELLING[a.district] : a.district,
  CAT_ZH[a.cat][i % 2],
  a.cluster ? CLUSTER_ZH[a.cluster] : '',
  a.project,
  // 万元 under a （万元） header; one written with its unit, one in full-width digits.
  i === 3 ? `${wan(a.total)}万` : i === 5 ? FULL(wan(a.total)) : wan(a.total),
  i === 7 ? FULL(grouped(a.req)).replace(/,/g, '，').replace('.', '．') : i % 3 === 0 ? `¥${grouped(a.req)}` : grouped(a.req),
  a.revenue === null ? '' : i % 2 === 0 ? `${wan(a.revenue)}万元` : grouped(a.revenue),
  a.employees === null ? '' : i % 2 === 0 ? FULL(String(a.employees)) : String(a.employees),
  i % 2 === 0 ? zhDate(a.est) : slashDate(a.est),
  sf(a.ilp),
  sf(a.otherFiscal),
  sf(a.pastOk),
  sf(a.creditGood),
  sf(a.accident),
  sf(a.ready),
  a.events ?? '',
  a.trainees ?? '',
  i === 4 ? FULL(zhDate(a.sub)) : i % 2 === 0 ? slashDate(a.sub) : zhDate(a.sub),
  a.note,
];
const zhRows = [
  ['2022年江门市工业互联网专项资金申报汇总表', ...Array(ZH_HEADER.length - 1).fill('')],
  Array(ZH_HEADER.length).fill(''),
  ZH_HEADER,
  ...APPS.map(zhRow),
];
write(join(IMPORT, 'applications-gb18030.csv'), iconv.encode(csv(zhRows, '\r\n'), 'gb18030'));

// The .xlsx twin: typed numbers and dates, a merged title row.
async function writeXlsx(path, header, rows, title) {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'jmfund fixtures';
  wb.created = new Date(Date.UTC(2022, 2, 1));
  wb.modified = new Date(Date.UTC(2022, 2, 1));
  const ws = wb.addWorksheet('申报汇总');
  if (title) {
    ws.addRow([title]);
    ws.mergeCells(1, 1, 1, header.length);
  }
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  ws.eachRow((row) =>
    row.eachCell((cell) => {
      if (cell.value instanceof Date) cell.numFmt = 'yyyy-mm-dd';
    }),
  );
  wb.addWorksheet('说明').addRow(['本表由申报系统导出']);
  await wb.xlsx.writeFile(path);
  console.log(`wrote ${path.slice(ROOT.length + 1)}`);
}
const dateCell = (iso) => {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
};
const XLSX_HEADER = [
  '申报编号', '企业名称', '统一社会信用代码', '所属区（市）', '成立日期', '是否独立法人', '申报类别', '产业集群', '项目名称', '项目总投入（元）',
  '申请补贴金额（元）', '从业人员', '营业收入（元）', '是否已获其他财政资金支持', '近三年财政资金项目执行良好', '近三年信用良好',
  '近三年发生重大安全、环保、质量事故', '具备实施条件', '培训场次', '培训人数', '申报日期', '备注',
];
const xRow = (a) => [
  a.id, a.name, a.code, a.district, dateCell(a.est), sf(a.ilp), CAT_ZH[a.cat][0], a.cluster ? CLUSTER_ZH[a.cluster] : null, a.project,
  a.total / 100, a.req / 100, a.employees, a.revenue === null ? null : a.revenue / 100, sf(a.otherFiscal), sf(a.pastOk), sf(a.creditGood),
  sf(a.accident), sf(a.ready), a.events, a.trainees, dateCell(a.sub), a.note === '' ? null : a.note,
];
await writeXlsx(join(IMPORT, 'applications.xlsx'), XLSX_HEADER, APPS.map(xRow), '2022年江门市工业互联网专项资金申报汇总表');

// Without an application_id column: ids are generated ROUND-NNNN.
write(join(IMPORT, 'no-ids.csv'), csv([EN_HEADER.slice(1), ...APPS.slice(0, 3).map((a) => enRow(a).slice(1))]));

// The same applications as applications.csv, one with a changed amount and note: a conflict, or an --update.
const changed = APPS.slice(0, 3).map((a) => (a.id === 'A002' ? { ...a, req: Y(850_000), note: '金额已核减' } : a));
write(join(IMPORT, 'changed.csv'), csv([EN_HEADER, ...changed.map(enRow)]));

// Other header names, read with --mapping.
write(
  join(IMPORT, 'custom-headers.csv'),
  csv([['No.', 'Company', 'Credit code', 'Area', ...EN_HEADER.slice(4)], ...APPS.slice(0, 2).map(enRow)]),
);
write(join(IMPORT, 'custom-headers.mapping.json'), `${JSON.stringify({ 'No.': 'application_id', Company: 'enterprise_name', 'Credit code': 'uscc', Area: '所属区（市）' }, null, 2)}\n`);

// Side lists: Chinese headers in two, English in two.
const [a1, a2, a3, , , , a7, a8] = APPS;
write(
  join(IMPORT, 'prior-funding.csv'),
  '\uFEFF' +
    csv([
      ['统一社会信用代码', '项目名称', '资金项目', '金额（元）', '年度'],
      [a3.code, a3.project, '广东省工业互联网专项', '300,000.00', '2020'],
      [a8.code, '设备联网改造', '江门市技改专项', '12万', '2019年'],
    ]),
);
write(
  join(IMPORT, 'credit.csv'),
  csv([
    ['uscc', 'list', 'listed_on', 'removed_on'],
    [a2.code, 'abnormal-operations', '2017-03-01', '2018-06-30'],
    [a7.code, '严重违法失信', '2021/6/1', ''],
  ]),
);
write(
  join(IMPORT, 'violations.csv'),
  csv([
    ['uscc', 'date', 'description'],
    [a1.code, '2020-11-05', '专项资金项目未按期验收'],
  ]),
);
write(
  join(IMPORT, 'accidents.csv'),
  '\uFEFF' +
    csv([
      ['统一社会信用代码', '日期', '类型', '说明'],
      [a8.code, '2021年8月10日', '环保', '废水超标排放'],
      [a1.code, '2018-05-01', 'safety', '叉车伤人事故'],
    ]),
);

// ---------------------------------------------------------------------------
// One broken file per kind of error (fixtures/import/bad). Each has one bad
// row among good ones, so that the message names the right line.

const bad = (name, mutate, rows = APPS.slice(0, 3)) => {
  const body = [[...EN_HEADER], ...rows.map(enRow)];
  mutate(body);
  write(join(BAD, name), csv(body));
};
const C = Object.fromEntries(EN_HEADER.map((h, i) => [h, i]));
bad('uscc-length.csv', (b) => (b[2][C.uscc] = b[2][C.uscc].slice(0, 17)));
bad('uscc-alphabet.csv', (b) => (b[3][C.uscc] = `${b[3][C.uscc].slice(0, 10)}O${b[3][C.uscc].slice(11)}`));
bad('negative-amount.csv', (b) => (b[2][C.requested_amount] = '-5000.00'));
bad('amount-not-number.csv', (b) => (b[3][C.total_investment] = '12,34'));
bad('impossible-date.csv', (b) => (b[2][C.established_on] = '2022-02-30'));
bad('unknown-category.csv', (b) => (b[1][C.category] = 'smart-city'));
bad('duplicate-id.csv', (b) => (b[3][C.application_id] = b[1][C.application_id]));
bad('missing-column.csv', (b) => b.forEach((r) => r.splice(C.project_name, 1)));
bad('uscc-check.csv', (b) => (b[2][C.uscc] = badCheck(b[2][C.uscc])));
// Several errors in several rows: all are listed.
bad('many-errors.csv', (b) => {
  b[1][C.total_investment] = 'abc';
  b[1][C.submitted_on] = '2022-13-01';
  b[2][C.uscc] = `${b[2][C.uscc].slice(0, 5)}I${b[2][C.uscc].slice(6)}`;
  b[3][C.other_fiscal_support] = 'maybe';
});
// A quoted note over three lines pushes the line numbers of the rows below it.
bad('multiline-note.csv', (b) => {
  b[1][C['备注']] = '第一行\n第二行\n第三行';
  b[3][C.requested_amount] = 'twelve';
});
write(join(BAD, 'too-many-fields.csv'), csv([EN_HEADER, ...APPS.slice(0, 3).map(enRow)]).replace(/(A002,[^\n]*)\n/, '$1,surplus\n'));
write(join(BAD, 'unclosed-quote.csv'), csv([EN_HEADER, ...APPS.slice(0, 3).map(enRow)]).replace('江门市珺汇精密制造有限公司', '"江门市珺汇精密制造有限公司'));
write(join(BAD, 'empty.csv'), '');
write(join(BAD, 'header-only.csv'), csv([EN_HEADER]));
// A PNG header and some bytes: binary, refused before any row is read.
write(join(BAD, 'binary.csv'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]));
// UTF-16LE with a BOM (Excel's "Unicode Text" save): decoded and imported.
write(join(IMPORT, 'applications-utf16.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(csv([EN_HEADER, ...APPS.slice(0, 3).map(enRow)], '\r\n'), 'utf16le')]));

// ---------------------------------------------------------------------------
// The demo set: round 2022-R1 (opens 2022-03-01, closes 2022-04-30).
//
// Designed against SPEC §6 and §8 with the demo's budgets
// (benchmark-enterprise 2,000,000; benchmark-platform 1,000,000; sme-cloud
// 1,500,000; cluster-pilot 6,000,000; talent-training 1,000,000 by default):
//   eligible: D001-D004, D006-D007, D010-D012, D019-D030, D031, D032
//   ineligible: D005 prior funding for the same project; D009 serious-dishonesty
//     listing; D013 not an SME; D014 established < 1 year; D016 accident in the
//     window; D017 violation in the window; D018 district outside Jiangmen;
//     D033 cluster-pilot without a cluster
//   needs-review: D008 USCC check character; D015 branch office (分公司)
// Allocation (ranked, skip), with scores in id order within each category:
//   benchmark-enterprise: D001 1,000,000 + D002 900,000 funded, D003 800,000
//     did-not-fit, D004 100,000 funded (a cheaper one still fits);
//   benchmark-platform: D006 600,000 funded, D007 490,000 did-not-fit;
//   sme-cloud: D010 280,000, D011 400,000; D012 (same enterprise as D011)
//     capped by the 600,000 per-enterprise cap at 200,000;
//   cluster-pilot: D019-D029 are eleven stainless-steel applications of
//     500,000: ten fill the 5,000,000 cluster pool, D029 did-not-fit (cluster
//     pool); D030 plumbing-sanitary 500,000 funded from the rest of the budget;
//   talent-training: D031 1,000,000; other: D032 set by an officer.

const dz = (o) => A({ ...o });
const Fs = '440606'; // 佛山市顺德区: outside Jiangmen
const DEMO_APPS = [
  dz({ id: 'D001', name: '江门市堃达智能装备有限公司', district: '蓬江区', code: uscc(D.蓬江区, 200001), est: '2015-06-18', cat: 'benchmark-enterprise', project: '智能工厂工业互联网标杆项目', total: Y(2_400_000), req: Y(1_000_000), sub: '2022-03-08' }),
  dz({ id: 'D002', name: '江门市珺汇精密制造有限公司', district: '江海区', code: uscc(D.江海区, 200002), est: '2012-09-03', cat: 'benchmark-enterprise', project: '精密加工数字化车间', total: Y(2_000_000), req: Y(900_000), sub: '2022-03-09' }),
  dz({ id: 'D003', name: '台山市燊华电机有限公司', district: '台山市', code: uscc(D.台山市, 200003), est: '2010-01-20', cat: 'benchmark-enterprise', project: '电机生产线5G+工业互联网改造', total: Y(1_800_000), req: Y(800_000), sub: '2022-03-10' }),
  dz({ id: 'D004', name: '开平市精工阀门有限公司', district: '开平市', code: uscc(D.开平市, 200004), est: '2013-04-02', cat: 'benchmark-enterprise', project: '阀门铸造质量数据采集', total: Y(300_000), req: Y(100_000), sub: '2022-03-11' }),
  dz({ id: 'D005', name: '鹤山市宏达五金有限公司', district: '鹤山市', code: uscc(D.鹤山市, 200005), est: '2011-02-28', cat: 'benchmark-enterprise', project: '五金智能仓储改造', total: Y(1_000_000), req: Y(500_000), sub: '2022-03-12' }),
  dz({ id: 'D006', name: '江门市工联云平台科技有限公司', district: '蓬江区', code: uscc(D.蓬江区, 200006), est: '2018-04-10', cat: 'benchmark-platform', project: '五金行业工业互联网平台', total: Y(1_200_000), req: Y(600_000), sub: '2022-03-14' }),
  dz({ id: 'D007', name: '开平市卫浴云科技有限公司', district: '开平市', code: uscc(D.开平市, 200007), est: '2019-07-01', cat: 'benchmark-platform', project: '卫浴行业供应链平台', total: Y(980_000), req: Y(490_000), sub: '2022-03-15' }),
  dz({ id: 'D008', name: '鹤山市印联数字科技有限公司', district: '鹤山市', code: badCheck(uscc(D.鹤山市, 200008)), est: '2016-11-11', cat: 'benchmark-platform', project: '印刷包装行业协同平台', total: Y(1_000_000), req: Y(450_000), sub: '2022-03-16' }),
  dz({ id: 'D009', name: '恩平市云通信息技术有限公司', district: '恩平市', code: uscc(D.恩平市, 200009), est: '2015-08-08', cat: 'benchmark-platform', project: '电声行业工业互联网平台', total: Y(1_400_000), req: Y(700_000), sub: '2022-03-17' }),
  dz({ id: 'D010', name: '江门市新会区陈皮食品有限公司', district: '新会区', code: uscc('440782', 200010), est: '2001-03-05', cat: 'sme-cloud', project: '生产管理系统上云', total: Y(350_000), req: Y(280_000), employees: 85, revenue: Y(26_000_000), sub: '2022-03-18' }),
  dz({ id: 'D011', name: '恩平市麦克风电子有限公司', district: '恩平市', code: uscc(D.恩平市, 200011), est: '2014-05-20', cat: 'sme-cloud', project: '设备联网与云MES', total: Y(500_000), req: Y(400_000), employees: 230, revenue: Y(88_000_000), sub: '2022-03-19' }),
  dz({ id: 'D012', name: '恩平市麦克风电子有限公司', district: '恩平市', code: uscc(D.恩平市, 200011), est: '2014-05-20', cat: 'sme-cloud', project: '财务共享中心上云', total: Y(450_000), req: Y(350_000), employees: 230, revenue: Y(88_000_000), sub: '2022-03-20' }),
  dz({ id: 'D013', name: '鹤山市纺织科技有限公司', district: '鹤山市', code: uscc(D.鹤山市, 200013), est: '2013-10-10', cat: 'sme-cloud', project: '纺织车间设备上云', total: Y(500_000), req: Y(400_000), employees: 1500, revenue: Y(650_000_000), sub: '2022-03-21' }),
  dz({ id: 'D014', name: '台山市燊荣食品有限公司', district: '台山市', code: uscc(D.台山市, 200014), est: '2021-10-15', cat: 'sme-cloud', project: '食品溯源上云', total: Y(150_000), req: Y(120_000), employees: 30, revenue: Y(8_000_000), sub: '2022-03-22' }),
  dz({ id: 'D015', name: '江门市云帆科技有限公司鹤山分公司', district: '鹤山市', code: uscc(D.鹤山市, 200015), est: '2016-03-03', cat: 'sme-cloud', project: '门店管理系统上云', total: Y(200_000), req: Y(160_000), employees: 40, revenue: Y(9_000_000), sub: '2022-03-23' }),
  dz({ id: 'D016', name: '江门市江海区化工涂料有限公司', district: '江海区', code: uscc(D.江海区, 200016), est: '2009-07-07', cat: 'sme-cloud', project: '涂料生产安全监测上云', total: Y(300_000), req: Y(240_000), employees: 120, revenue: Y(60_000_000), sub: '2022-03-24' }),
  dz({ id: 'D017', name: '台山市海宴水产有限公司', district: '台山市', code: uscc(D.台山市, 200017), est: '2017-02-14', cat: 'sme-cloud', project: '冷链数据上云', total: Y(260_000), req: Y(200_000), employees: 60, revenue: Y(30_500_000), sub: '2022-03-25' }),
  dz({ id: 'D018', name: '佛山市顺德区智造电器有限公司', district: '佛山市顺德区', code: uscc(Fs, 200018), est: '2012-12-12', cat: 'sme-cloud', project: '电器装配线上云', total: Y(400_000), req: Y(300_000), employees: 300, revenue: Y(150_000_000), sub: '2022-03-26' }),
  ...Array.from({ length: 11 }, (_, i) =>
    dz({
      id: `D0${19 + i}`,
      name: `江门市新会区${['金利', '宏业', '顺昌', '华锐', '永兴', '嘉诚', '联丰', '鸿运', '富达', '恒昌', '德胜'][i]}不锈钢制品有限公司`,
      district: i % 3 === 0 ? '新会区' : i % 3 === 1 ? '蓬江区' : '江海区',
      code: uscc(i % 3 === 0 ? D.新会区 : i % 3 === 1 ? D.蓬江区 : D.江海区, 200019 + i),
      est: `20${String(5 + i).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
      cat: 'cluster-pilot',
      cluster: 'stainless-steel',
      project: `不锈钢${['厨具', '餐具', '卫浴配件', '管材', '板材', '刀具', '容器', '五金', '炊具', '精密件', '装饰材'][i]}数字化车间`,
      total: Y(700_000 + i * 10_000),
      req: Y(500_000),
      sub: `2022-04-${String(1 + i).padStart(2, '0')}`,
    }),
  ),
  dz({ id: 'D030', name: '开平市水口卫浴股份有限公司', district: '开平市', code: uscc(D.开平市, 200030), est: '2005-06-06', cat: 'cluster-pilot', cluster: 'plumbing-sanitary', project: '水暖卫浴集群工业互联网试点', total: Y(700_000), req: Y(500_000), sub: '2022-04-12' }),
  dz({ id: 'D031', name: '江门市工匠职业培训有限公司', district: '蓬江区', code: uscc(D.蓬江区, 200031), est: '2014-09-01', cat: 'talent-training', project: '工业互联网人才实训基地', total: Y(1_500_000), req: Y(1_000_000), events: 12, trainees: 650, sub: '2022-04-13' }),
  dz({ id: 'D032', name: '江门市城市数字化运营有限公司', district: '新会区', code: uscc(D.新会区, 200032), est: '2020-01-15', cat: 'other', project: '市政府交办工业互联网示范项目', total: Y(2_000_000), req: Y(1_500_000), sub: '2022-04-14', note: '江府办函〔2022〕12号' }),
  dz({ id: 'D033', name: '江门市珺燊五金塑料有限公司', district: '江海区', code: uscc(D.江海区, 200033), est: '2016-06-16', cat: 'cluster-pilot', project: '五金塑料集群改造', total: Y(300_000), req: Y(240_000), sub: '2022-04-15', note: '集群待定' }),
];
const byId = Object.fromEntries(DEMO_APPS.map((a) => [a.id, a]));
write(join(DEMO, 'applications.csv'), '\uFEFF' + csv([ZH_HEADER.map((h) => (h === '项目总投入（万元）' ? '项目总投入（元）' : h)), ...DEMO_APPS.map((a) => {
  const r = zhRow(a, 1);
  r[7] = grouped(a.total);
  return r;
})], '\r\n'));
write(
  join(DEMO, 'prior-funding.csv'),
  '\uFEFF' +
    csv(
      [
        ['统一社会信用代码', '项目名称', '资金项目', '金额（元）', '年度'],
        [byId.D005.code, byId.D005.project, '广东省工业互联网专项', '200,000.00', '2021'],
        [byId.D001.code, '智能工厂一期', '江门市技术改造专项', '50万', '2018'],
      ],
      '\r\n',
    ),
);
write(
  join(DEMO, 'credit.csv'),
  '\uFEFF' +
    csv(
      [
        ['统一社会信用代码', '名录', '列入日期', '移出日期'],
        [byId.D009.code, '严重违法失信', '2021-06-01', ''],
        // Removed before the window opened (2019-04-30): no longer counts.
        [byId.D010.code, '经营异常名录', '2016-05-10', '2018-06-30'],
      ],
      '\r\n',
    ),
);
write(
  join(DEMO, 'violations.csv'),
  '\uFEFF' +
    csv(
      [
        ['统一社会信用代码', '日期', '说明'],
        [byId.D017.code, '2020-11-05', '财政资金项目未按期验收'],
        // Outside the three-year window.
        [byId.D002.code, '2017-03-01', '资料报送逾期'],
      ],
      '\r\n',
    ),
);
write(
  join(DEMO, 'accidents.csv'),
  '\uFEFF' +
    csv(
      [
        ['统一社会信用代码', '日期', '类型', '说明'],
        [byId.D016.code, '2021-08-10', '环保', '废水超标排放'],
        // Outside the three-year window.
        [byId.D001.code, '2018-05-01', '安全', '叉车伤人事故'],
      ],
      '\r\n',
    ),
);
