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
    c.configureOutput({ writeOut: (s) => process.stdout.write(zhHeadings(s)), writeErr: (s) => process.stderr.write(zhHeadings(s)) });
    if (c.commands.length > 0) c.helpCommand('help [command]', zh('display help for command'));
    c.commands.forEach(walk);
  };
  walk(program);
}

const zhHeadings = (s: string): string =>
  s
    .replace(/^(Usage:|Options:|Commands:|Arguments:|Global Options:)/gm, (h) => HELP_WORDS_ZH[h] ?? h)
    .replace(/\[options\]/g, '[选项]')
    .replace(/\[command\]/g, '[命令]')
    .replace(/ \(choices: /g, '（可选值：')
    .replace(/ \(default: /g, '（默认：');
