// Help laid out by display width, in both languages: a CJK character takes two
// columns (commander counts one), and Chinese, which has no spaces, wraps
// between its characters (commander wraps only at spaces). In Chinese the
// words commander adds to a term or a description ([options], choices,
// default) are Chinese before the columns are measured, so that they line up.
import { Help, type Command, type HelpConfiguration, type Option, type Argument } from 'commander';
import { stripVTControlCharacters } from 'node:util';
import type { Lang } from '../domain/text.js';
import { charWidth, displayWidth } from '../domain/reports/model.js';

/** Punctuation that never starts a line, and punctuation that never ends one (行首/行尾禁则). */
const NO_LINE_START = new Set([...'，。、；：？！）」』】〉》”’…', ...',.;:!?)']);
const NO_LINE_END = new Set([...'（「『【〈《“‘', '(']);

interface Piece {
  text: string;
  width: number;
  /** The spaces before it (dropped where the line breaks there). */
  gap: string;
}

/**
 * The pieces a line may break between: a run of narrow characters (a word,
 * an option name, a path), or one CJK character, each with the punctuation
 * and the digits that may not be parted from it.
 */
function pieces(line: string): Piece[] {
  const out: Piece[] = [];
  let gap = '';
  let before: 'narrow' | 'digit' | 'hanzi' | 'other' = 'other';
  let glue = false;
  for (const ch of line) {
    if (ch === ' ') {
      gap += ch;
      before = 'other';
      glue = false;
      continue;
    }
    const w = charWidth(ch.codePointAt(0) ?? 0);
    const kind = w === 1 ? (ch >= '0' && ch <= '9' ? 'digit' : 'narrow') : w === 2 && !NO_LINE_START.has(ch) && !NO_LINE_END.has(ch) ? 'hanzi' : 'other';
    const last = out[out.length - 1];
    // A word goes on; a number stays with the character before and after it (第9条, 20条).
    const word = w === 1 && (before === 'narrow' || before === 'digit');
    const number = (kind === 'digit' && before === 'hanzi') || (kind === 'hanzi' && before === 'digit');
    if (last && gap === '' && (glue || w === 0 || NO_LINE_START.has(ch) || word || number)) {
      last.text += ch;
      last.width += w;
    } else {
      out.push({ text: ch, width: w, gap });
    }
    gap = '';
    before = kind;
    glue = NO_LINE_END.has(ch);
  }
  return out;
}

/**
 * `text` wrapped to `width` display columns: at spaces, and between CJK
 * characters, never inside a word or before closing punctuation. A word
 * wider than the width alone is cut where it must be.
 */
export function wrapHelpText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    let line = '';
    let used = 0;
    let broke = false;
    const put = (s: string, w: number): void => {
      line += s;
      used += w;
    };
    const breakLine = (): void => {
      out.push(line);
      line = '';
      used = 0;
      broke = true;
    };
    for (const p of pieces(para)) {
      if (line !== '' && used + p.gap.length + p.width > width) breakLine();
      // Spaces at a break are dropped; those that start the paragraph (an indent) are kept.
      if (!(broke && line === '')) put(p.gap, p.gap.length);
      if (used + p.width <= width || p.width <= width) {
        put(p.text, p.width);
        continue;
      }
      for (const ch of p.text) {
        const w = charWidth(ch.codePointAt(0) ?? 0);
        if (used + w > width && line.trim() !== '') breakLine();
        put(ch, w);
      }
    }
    out.push(line);
  }
  return out;
}

/** The narrowest description column that is still wrapped. */
const MIN_DESCRIPTION_WIDTH = 24;

/** commander's indent before a term and the spaces between a term and its description. */
const ITEM_MARGINS = 4;
/** Where a description goes under its term. */
const UNDER_INDENT = ' '.repeat(6);

const ZH_WORDS: [RegExp, string][] = [
  [/\[options\]/g, '[选项]'],
  [/\[command\]/g, '[命令]'],
];
const zhWords = (s: string): string => ZH_WORDS.reduce((t, [re, zh]) => t.replace(re, zh), s);

/** commander's "(choices: …, default: …)" after a description, in Chinese. */
function zhExtra(described: string, plain: string | undefined): string {
  if (!plain || !described.startsWith(plain)) return described;
  const extra = described.slice(plain.length).trim();
  const m = extra.match(/^\((.*)\)$/);
  if (!m) return described;
  const parts = m[1].replace(/\bchoices: /, '可选值：').replace(/\bdefault: /, '默认：').replace(/\bpreset: /, '预设：').replace(/\benv: /, '环境变量：');
  return `${plain}（${parts.replace(/, (?=可选值|默认|预设|环境变量)/g, '；')}）`;
}

/** The help configuration of every command in `lang`. */
function helpLayout(lang: Lang): HelpConfiguration {
  const base = Help.prototype;
  const layout: HelpConfiguration = {
    // commander leaves a description unwrapped when fewer than 40 columns are left beside the terms (allocate's are long).
    minWidthToWrap: MIN_DESCRIPTION_WIDTH,
    displayWidth: (s: string) => displayWidth(stripVTControlCharacters(s)),
    boxWrap(this: Help, s: string, width: number) {
      return width < this.minWidthToWrap ? s : wrapHelpText(s, width).join('\n');
    },
    // Terms too wide to leave a description column beside them (allocate's, on a narrow terminal): each description
    // goes under its term, indented, rather than running off the screen.
    formatItem(this: Help, term: string, termWidth: number, description: string, helper: Help) {
      const width = this.helpWidth ?? 80;
      if (!description || width - termWidth - ITEM_MARGINS >= MIN_DESCRIPTION_WIDTH) return base.formatItem.call(this, term, termWidth, description, helper);
      return [`  ${term}`, ...wrapHelpText(description, width - UNDER_INDENT.length).map((l) => UNDER_INDENT + l)].join('\n');
    },
  };
  if (lang === 'zh') {
    layout.subcommandTerm = function (this: Help, cmd: Command) {
      return zhWords(base.subcommandTerm.call(this, cmd));
    };
    layout.commandUsage = function (this: Help, cmd: Command) {
      return zhWords(base.commandUsage.call(this, cmd));
    };
    layout.optionDescription = function (this: Help, o: Option) {
      return zhExtra(base.optionDescription.call(this, o), o.description);
    };
    layout.argumentDescription = function (this: Help, a: Argument) {
      return zhExtra(base.argumentDescription.call(this, a), a.description);
    };
  }
  return layout;
}

/** Lays out the help of `program` and every command under it in `lang`. */
export function layOutHelp(program: Command, lang: Lang): void {
  const layout = helpLayout(lang);
  const walk = (c: Command): void => {
    c.configureHelp(layout);
    c.commands.forEach(walk);
  };
  walk(program);
}
