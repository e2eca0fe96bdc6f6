// Small renderings the lifecycle commands share.
import { stateLabel } from '../domain/labels.js';
import { formatYuan } from '../domain/money.js';
import type { Context } from './context.js';

/** A state as a person reads it: 已验收（accepted） in Chinese, the code in English. */
export const stateText = (ctx: Pick<Context, 'lang'>, s: string): string => (ctx.lang === 'zh' ? `${stateLabel(s).zh}（${s}）` : s);

/** Yuan, or a dash where there is no amount. */
export const yuanOrDash = (fen: number | null | undefined): string => (fen === null || fen === undefined ? '—' : formatYuan(fen));
