// Tables on a terminal fit its width, CJK counted as two columns; long text
// wraps inside its cell without losing a character; when nothing fits, one
// record per block. Colour only when asked for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/cli/context.js';
import { fitWidths, makePrinter, wrapText } from '../../src/cli/render.js';
import { displayWidth } from '../../src/domain/reports/model.js';
import { text } from '../../src/domain/text.js';

// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

function render(lang: 'zh' | 'en', columns: number, color = false): string {
  const writes: string[] = [];
  const out = makePrinter(makeContext({ lang }), (s) => writes.push(s), { tty: true, columns, color });
  out.table(
    [{ zh: '申报编号', en: 'application' }, { zh: '企业名称', en: 'enterprise' }, { zh: '项目名称', en: 'project' }, { zh: '状态', en: 'state' }, { zh: '金额（元）', en: 'award (yuan)' }],
    [
      ['JM2022-0001', '江门市堃达智能装备有限公司', '智能工厂工业互联网标杆项目（一期、二期）与 MES 系统集成', lang === 'zh' ? '符合条件' : 'eligible', '1,000,000.00'],
      ['JM2022-0002', 'Jiangmen Precision Manufacturing Company Limited', 'A digital workshop for precision machining, with data collection', lang === 'zh' ? '不符合条件' : 'ineligible', '880,000.00'],
    ],
    { align: ['left', 'left', 'left', 'left', 'right'] },
  );
  return writes.join('');
}

describe('tables on a terminal', () => {
  for (const lang of ['zh', 'en'] as const) {
    for (const columns of [80, 100, 200]) {
      it(`fit ${columns} columns in ${lang}`, () => {
        const text = render(lang, columns);
        const widest = Math.max(...text.split('\n').map(displayWidth));
        expect(widest).toBeLessThanOrEqual(columns);
        // Nothing lost: every character of the long project name is still there.
        expect(plain(text).replace(/[│\s]/g, '')).toContain('智能工厂工业互联网标杆项目（一期、二期）与MES系统集成'.slice(0, 4));
        const joined = text
          .split('\n')
          .map((l) => l.split('│')[3] ?? '')
          .join('')
          .replace(/\s/g, '');
        expect(joined).toContain('智能工厂工业互联网标杆项目（一期、二期）与MES系统集成');
      });
    }
  }

  it('falls back to one record per block when even narrow columns cannot fit, and says how wide a window shows the table', () => {
    const text = render('en', 40);
    expect(Math.max(...text.split('\n').map(displayWidth))).toBeLessThanOrEqual(40);
    expect(text).not.toContain('│');
    expect(text).toMatch(/^application\s+JM2022-0001$/m);
    // application 11 + enterprise 8 + project 8 + state 10 + award 12, and 16 columns of frame.
    expect(text.split('\n').slice(0, 4).join(' ')).toBe('(the terminal is 40 columns wide and this table needs at least 65: one record per block below; a wider window shows the table)');
    expect(render('zh', 40).split('\n')[0]).toMatch(/^（终端宽 40 列，此表至少需要 \d+ 列：/);
    // A window that wide shows the table.
    expect(render('en', 65).startsWith('┌')).toBe(true);
    expect(render('en', 64).startsWith('┌')).toBe(false);
  });

  it('wraps a right-aligned column that holds text (a score with its exact value) rather than falling back to blocks', () => {
    const writes: string[] = [];
    const out = makePrinter(makeContext({ lang: 'zh' }), (s) => writes.push(s), { tty: true, columns: 80, color: false });
    const headers = [text('申报编号', 'application'), text('得分', 'score'), text('状态', 'status'), text('有效评分', 'experts'), text('回避', 'recused'), text('偏离评分（集体审议）', 'outliers (collective review)')];
    out.table(headers, [['SQ0042944', '99.54', '已评分', 3, 0, ''], ['SQ0025268', '99.48 (= 5969/60 = 99.483333333333…)', '已评分', 3, 0, '']], { align: ['left', 'right', 'left', 'right', 'right', 'left'] });
    const lines = writes.join('').trimEnd().split('\n');
    expect(lines[0].startsWith('┌')).toBe(true);
    expect(Math.max(...lines.map(displayWidth))).toBeLessThanOrEqual(80);
    // Every character of the exact score kept, over the lines of its cell.
    const score = lines.map((l) => l.split('│')[2] ?? '').join('').replace(/\s/g, '');
    expect(score).toContain('99.48(=5969/60=99.483333333333…)');
  });

  it('a table without rows is a line saying so on a terminal, not an empty frame; piped, its header line alone', () => {
    const headers = [text('状态', 'state'), text('申报数', 'applications')];
    const shown = (lang: 'zh' | 'en', tty: boolean, empty?: { zh: string; en: string }) => {
      const writes: string[] = [];
      makePrinter(makeContext({ lang }), (s) => writes.push(s), { tty, columns: tty ? 80 : Infinity, color: false }).table(headers, [], { empty });
      return writes.join('');
    };
    expect(shown('zh', true)).toBe('（无）\n');
    expect(shown('en', true)).toBe('(none)\n');
    expect(shown('zh', true, text('（本批次尚无申报）', '(no applications in this round yet)'))).toBe('（本批次尚无申报）\n');
    expect(shown('zh', false)).toBe('状态\t申报数\n');
  });

  it('paragraphs on a terminal narrower than asked: the first cells on a line, the rest (each part) a line each, after a line saying so', () => {
    const headers = [text('序号', 'seq'), text('命令', 'command'), text('详情', 'details')];
    const rows = [[7, '分配', ['预算=6,000,000,000.00 元', '方法=按排名']]];
    const shown = (tty: boolean, columns: number) => {
      const writes: string[] = [];
      makePrinter(makeContext({ lang: 'zh' }), (s) => writes.push(s), { tty, columns, color: false }).table(headers, rows, { paragraphs: { below: 100, head: 2 } });
      return writes.join('');
    };
    expect(shown(true, 80)).toBe('（终端宽 80 列：每项一段，首行为 序号 · 命令，其下每行一项：详情；宽 100\n列以上显示为表格）\n\n7 · 分配\n  预算=6,000,000,000.00 元\n  方法=按排名\n');
    // Wide enough, a table whose cell joins the parts; piped, the same in TSV.
    expect(shown(true, 100)).toContain('│ 预算=6,000,000,000.00 元; 方法=按排名 │');
    expect(shown(false, Infinity)).toBe('序号\t命令\t详情\n7\t分配\t预算=6,000,000,000.00 元; 方法=按排名\n');
  });

  it('labelled paragraphs: the other columns as name：value pairs in one wrapped text (amounts need their column’s name)', () => {
    const headers = [text('排名', 'rank'), text('申报编号', 'application'), text('得分', 'score'), text('补贴（元）', 'award (yuan)'), text('约束', 'binding')];
    const writes: string[] = [];
    makePrinter(makeContext({ lang: 'zh' }), (s) => writes.push(s), { tty: true, columns: 80, color: false }).table(headers, [[1, 'D001', '88.90', '1,000,000.00', '']], { paragraphs: { below: 120, head: 2, labelled: true } });
    expect(writes.join('')).toBe('（终端宽 80 列：每项一段，首行为 排名 · 申报编号，其下为其余各列；宽 120\n列以上显示为表格）\n\n1 · D001\n  得分：88.90 · 补贴（元）：1,000,000.00\n');
  });

  it('colours a state only when colour is on', () => {
    expect(render('en', 200, false)).not.toMatch(/\u001b\[/);
    const coloured = render('en', 200, true);
    expect(coloured).toContain('\u001b[32m');
    expect(coloured).toContain('\u001b[31m');
  });
});

describe('wrapText', () => {
  it('breaks a Chinese line after its punctuation, not between a word and its number, starts no line with 。, ends none with （ and keeps 第10条 whole', () => {
    const summary = '/tmp/o100/applications-gb18030.csv → 批次 B：100000 行：新增 100000，已存在 0，更新 0，出错 0。';
    expect(wrapText(summary, 80)).toEqual(['/tmp/o100/applications-gb18030.csv → 批次 B：100000 行：新增 100000，已存在 0，', '更新 0，出错 0。']);
    expect(wrapText(summary, 76)).toEqual(['/tmp/o100/applications-gb18030.csv → 批次 B：100000 行：新增 100000，', '已存在 0，更新 0，出错 0。']);
    // No break near enough: between two characters, the one before a 。 going down with it.
    expect(wrapText('一二三四五六七八九。', 18)).toEqual(['一二三四五六七八', '九。']);
    expect(wrapText('项目名称相似（一方包含另一方）', 14)).toEqual(['项目名称相似', '（一方包含另一', '方）']);
    expect(wrapText('偏离评分（集体审议）', 17)).toEqual(['偏离评分', '（集体审议）']);
    // A hash goes down whole when it fits a line of its own (an auditor copies it).
    const hash = 'e'.repeat(64);
    expect(wrapText(`已写入 /tmp/审计报告.html（19985636 字节，SHA-256 ${hash}）`, 80)).toEqual(['已写入 /tmp/审计报告.html（19985636 字节，SHA-256', `${hash}）`]);
    // Nor is a path broken between two of its Chinese characters.
    expect(wrapText("业务规则与行封印与账本相同，未在此检查：运行 jmfund verify --db '/tmp/ot/备份.db'", 80)).toEqual(['业务规则与行封印与账本相同，未在此检查：运行 jmfund verify --db', "'/tmp/ot/备份.db'"]);
    // A number stays with the characters it belongs to.
    expect(wrapText('一个项目一次申报（第10条）', 13)).toEqual(['一个项目一次', '申报', '（第10条）']);
    expect(wrapText('申请金额 30万元，超过上限 20万元。', 10)).toEqual(['申请金额', '30万元，', '超过上限', '20万元。']);
    // English as before: at the last space.
    expect(wrapText('rows: 100000 new, 0 already there', 20)).toEqual(['rows: 100000 new, 0', 'already there']);
  });

  it('never makes a line wider than asked and keeps every character', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '中', '文', '，', 'Ｘ'), maxLength: 60 }), fc.integer({ min: 2, max: 30 }), (s, w) => {
        const lines = wrapText(s, w);
        for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(w);
        expect(lines.join('').replace(/ /g, '')).toBe(s.replace(/ /g, ''));
      }),
    );
  });
});

describe('fitWidths', () => {
  it('narrows only wrappable columns, widest first, and gives up below the minimum', () => {
    expect(fitWidths([10, 40, 12], [false, true, false], 60)).toEqual([10, 40 - (10 + 40 + 12 + 10 - 60), 12]);
    expect(fitWidths([30, 30], [false, false], 40)).toBeNull();
  });
});
