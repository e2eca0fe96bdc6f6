// Every message a person reads exists in both languages; the domain returns
// both so that stored reasons (check results, allocation reasons) can be shown
// in either language later.
export interface Text {
  zh: string;
  en: string;
}

export type Lang = 'zh' | 'en';

export const text = (zh: string, en: string): Text => ({ zh, en });

export type Result<T, E = Text> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
