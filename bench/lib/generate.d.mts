// Types of generate.mjs, for the tests that import it.
export function orgCheck(body: string): string;
export function usccCheck(first17: string): string;
export function makeUscc(division: string, family: number, n: number): string;
export function rng(seed: number): (k: number) => number;
export const DIVISIONS: string[];
export const DISTRICTS: string[];
export const APPLICATION_HEADER: string[];
export function writeApplicationsCsv(path: string, opts?: { rows: number; idPrefix?: string; family?: number; seed?: number }): Promise<string[]>;
export function writeCreditListCsv(path: string, opts?: { rows: number; seed?: number }): Promise<number>;
export function writeScoresCsv(path: string, ids: string[], opts?: { experts?: number; seed?: number }): Promise<number>;
export const OFFICER_HEADER: string[];
export function writeOfficerCsv(
  path: string,
  opts?: { rows: number; idPrefix?: string; family?: number; seed?: number; encoding?: 'utf8' | 'gb18030'; enterprises?: number; repeatEvery?: number; warnEvery?: number },
): Promise<string[]>;
