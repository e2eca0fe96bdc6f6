// Language choice: --lang, else JMFUND_LANG, else LANG (zh_CN… → zh), else en.
import type { Lang, Text } from '../../domain/text.js';

export function detectLang(flag?: string): Lang {
  const v = (flag ?? process.env.JMFUND_LANG ?? process.env.LANG ?? '').toLowerCase();
  return v.startsWith('zh') ? 'zh' : 'en';
}

export function tr(lang: Lang, t: Text): string {
  return t[lang];
}
