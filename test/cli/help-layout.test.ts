// Help laid out by display width (cli/help-layout.ts): every command's help in
// both languages fits the terminal, its descriptions line up under each other
// whatever the width of a Chinese term, and Chinese wraps between characters,
// never inside a word or before closing punctuation.
import type { Command } from 'commander';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { GROUPS } from '../../src/cli/groups.js';
import { wrapHelpText } from '../../src/cli/help-layout.js';
import { buildProgram } from '../../src/cli/program.js';
import { displayWidth } from '../../src/domain/reports/model.js';

/** The help of every command and subcommand of the program, at `width` columns. */
async function everyHelp(lang: 'zh' | 'en', width: number): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const show = (c: Command, path: string): void => {
    // Written as the command writes it (in Chinese its headings are put in Chinese on the way out).
    let help = '';
    c.configureOutput({ ...c.configureOutput(), getOutHelpWidth: () => width });
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((help += String(s)), true));
    try {
      c.outputHelp();
    } finally {
      write.mockRestore();
    }
    out.set(path, help);
    for (const s of c.commands) show(s, `${path} ${s.name()}`);
  };
  show(await buildProgram(['node', 'jmfund', '--lang', lang, '--help']), 'jmfund');
  for (const g of GROUPS) {
    for (const [name] of g.commands) {
      const program = await buildProgram(['node', 'jmfund', '--lang', lang, name, '--help']);
      show(program.commands.find((c) => c.name() === name)!, name);
    }
  }
  return out;
}

describe('help layout', () => {
  for (const lang of ['zh', 'en'] as const) {
    for (const width of [80, 60]) {
      it(`fits ${width} columns in ${lang}, every command`, async () => {
        const wide: string[] = [];
        for (const [path, help] of await everyHelp(lang, width)) {
          for (const line of help.split('\n')) if (displayWidth(line) > width) wide.push(`${path}: ${line}`);
        }
        expect(wide).toEqual([]);
      });
    }
  }

  it('lines up the descriptions of Chinese terms ([选项], [命令]) under each other', async () => {
    const help = (await everyHelp('zh', 80)).get('applications')!;
    expect(help).toContain(['命令：', '  list [选项]  列出申报', '  show <id>    查看一个申报：全部字段、附加列、来源和历史', '  help [命令]  显示命令帮助'].join('\n'));
    // Every item of every block of every command: its description starts at the block's one column.
    for (const [path, text] of await everyHelp('zh', 80)) {
      for (const block of text.split(/\n(?=\S)/).filter((b) => /^(选项|命令|参数|全局选项)：/.test(b))) {
        const starts = new Set<number>();
        for (const line of block.split('\n').slice(1)) {
          const m = /^( {2}\S(?:.*?\S)?) {2,}(\S.*)?$/.exec(line);
          if (m && !line.startsWith('   ')) starts.add(displayWidth(line) - displayWidth(line.slice(line.length - (m[2]?.length ?? 0))));
        }
        expect(starts.size, `${path}: ${block.split('\n')[0]}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('puts each description under its term when the terms leave no room beside them', async () => {
    const help = (await everyHelp('zh', 60)).get('allocate')!;
    expect(help).toContain('  --dry-run\n      只显示分配方案，不写入任何内容\n');
  });

  it('says choices and defaults in Chinese in the Chinese help, before the lines are wrapped', async () => {
    const help = (await everyHelp('zh', 80)).get('jmfund')!;
    expect(help).toContain('可选值："zh", "en"');
    expect(help).not.toMatch(/choices:|default:/);
  });
});

describe('wrapHelpText', () => {
  it('wraps Chinese between characters, keeps option names and paths whole, and starts no line with closing punctuation', () => {
    const lines = wrapHelpText('同一类警告超过 20 条时只列出前 10 条并汇总，完整清单写入此文件（默认在输入文件旁，文件名.warnings.csv）', 36);
    expect(lines).toEqual(['同一类警告超过 20 条时只列出前 10 条', '并汇总，完整清单写入此文件（默认在输', '入文件旁，文件名.warnings.csv）']);
    expect(wrapHelpText('与 --what-if 同用：该类别预算从“起”到“止”按“步长”逐级试算', 20)).toEqual(['与 --what-if 同用：', '该类别预算从“起”到', '“止”按“步长”逐级试算']);
  });

  it('keeps a number with the characters around it (第9条)', () => {
    expect(wrapHelpText('按申报条件审核批次中的每个申报（第9、12、18条；第7、8、10条）', 48)).toEqual(['按申报条件审核批次中的每个申报（第9、12、18条；', '第7、8、10条）']);
    expect(wrapHelpText('超过第20条的', 9)).toEqual(['超过', '第20条的']);
  });

  it('wraps English at spaces as commander does', () => {
    expect(wrapHelpText('record a payment (拨付); payments never exceed the award', 30)).toEqual(['record a payment (拨付);', 'payments never exceed the', 'award']);
  });

  it('keeps every character in order, within the width unless one word is wider', () => {
    const word = fc.oneof(
      fc.constantFrom('江', '门', '，', '。', '（', '）', '“', '”', '、', '申报'),
      fc.stringMatching(/^[a-z0-9.\-]{1,12}$/),
      fc.constant(' '),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 60 }), fc.integer({ min: 8, max: 60 }), (words, width) => {
        const text = words.join('');
        // Punctuation the text itself puts after a space may start a line there.
        fc.pre(!/ [，。、）”]/.test(text));
        const lines = wrapHelpText(text, width);
        expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
        lines.forEach((l, i) => {
          if (displayWidth(l) > width) expect(l.trim()).not.toContain(' ');
          // Closing punctuation starts a line only where a piece wider than the line had to be cut there.
          if (i > 0 && '，。、）”'.includes(l[0] ?? '')) expect(displayWidth(lines[i - 1] + l[0]), l).toBeGreaterThan(width);
        });
      }),
    );
  });
});
