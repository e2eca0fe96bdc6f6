// Language choice: --lang, else JMFUND_LANG, else LANG (zh_CN… → zh), else en;
// and the help in that language.
import type { Command } from 'commander';
import type { Lang } from '../../domain/text.js';
import { HELP_WORDS_ZH, HELP_ZH } from './help-zh.js';

export function detectLang(flag?: string): Lang {
  const v = (flag ?? process.env.JMFUND_LANG ?? process.env.LANG ?? '').toLowerCase();
  return v.startsWith('zh') ? 'zh' : 'en';
}

/** Every description of the program in Chinese, and commander's headings with them. */
export function localizeHelp(program: Command, lang: Lang): void {
  if (lang !== 'zh') return;
  const zh = (s: string): string => HELP_ZH[s] ?? s;
  const walk = (c: Command): void => {
    c.description(zh(c.description()));
    c.helpOption('-h, --help', zh('display help for command'));
    for (const o of c.options) o.description = zh(o.description);
    for (const a of c.registeredArguments) a.description = zh(a.description);
    c.configureOutput({
      writeOut: (s) => process.stdout.write(zhHeadings(s)),
      writeErr: (s) => process.stderr.write(zhHeadings(s)),
      outputError: (s, write) => write(zhCommanderError(s)),
    });
    if (c.commands.length > 0) c.helpCommand('help [command]', zh('display help for command'));
    c.commands.forEach(walk);
  };
  walk(program);
}

// The headings only: [选项], [命令], 可选值 and 默认 are put in by the help's layout (help-layout.ts), before it measures.
const zhHeadings = (s: string): string => s.replace(/^(Usage:|Options:|Commands:|Arguments:|Global Options:)/gm, (h) => HELP_WORDS_ZH[h] ?? h);

const zhChoices = (list: string): string => list.split(', ').join('、');

/** commander's own errors (a mistyped command or option, a missing value), in Chinese; any other text as it is. */
function zhCommanderError(s: string): string {
  const rules: [RegExp, (...m: string[]) => string][] = [
    [/^error: unknown command '(.*)'/, (x) => `错误：未知命令 ${x}`],
    [/^error: unknown option '(.*)'/, (x) => `错误：未知选项 ${x}`],
    [/^error: missing required argument '(.*)'/, (x) => `错误：缺少参数 ${x}`],
    [/^error: option '(.*)' argument missing/, (x) => `错误：选项 ${x} 缺少取值`],
    [/^error: required option '(.*)' not specified/, (x) => `错误：缺少必需的选项 ${x}`],
    [/^error: too many arguments(?: for '(.*)')?\. Expected (\d+) arguments? but got (\d+)\./, (c, n, m) => `错误：${c ? `命令 ${c} 的` : ''}参数过多：应为 ${n} 个，实际为 ${m} 个。`],
    [/^error: option '(.*)' argument '(.*)' is invalid\. Allowed choices are (.*)\./, (o, v, l) => `错误：选项 ${o} 的取值 ${v} 无效。可选值：${zhChoices(l)}。`],
    [/^error: command-argument value '(.*)' is invalid for argument '(.*)'\. Allowed choices are (.*)\./, (v, a, l) => `错误：参数 ${a} 的取值 ${v} 无效。可选值：${zhChoices(l)}。`],
  ];
  let out = s;
  for (const [re, zh] of rules) {
    const m = out.match(re);
    if (m) {
      out = zh(...m.slice(1)) + out.slice(m[0].length);
      break;
    }
  }
  return out.replace(/\n\(Did you mean one of (.*)\?\)/, (_, l: string) => `\n（是否想输入以下之一：${zhChoices(l)}？）`).replace(/\n\(Did you mean (.*)\?\)/, '\n（是否想输入 $1？）');
}
