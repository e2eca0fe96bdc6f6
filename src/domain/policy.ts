// The fund's rules as data (SPEC §3). Numbers live in the policy file; code
// only reads them, so a round keeps the exact rules it was created under.

import { StoredValueError } from './errors.js';
import type { PolicySchemaOutput } from './policy-schema.js';

export const SCORE_METHODS = ['mean', 'trimmed-mean', 'median', 'z-score'] as const;
export const ALLOCATION_METHODS = ['ranked', 'pro-rata'] as const;
export const SHORTFALL_RULES = ['skip', 'partial', 'stop'] as const;
export const TIE_BREAK_KEYS = [
  'score-desc',
  'submitted-on-asc',
  'application-id-asc',
  'requested-asc',
  'total-investment-desc',
] as const;

export type Policy = PolicySchemaOutput;
export type Category = Policy['categories'][number];
export type District = Policy['region']['districts'][number];
export type Cluster = Policy['clusters'][number];
export type ScoreMethod = (typeof SCORE_METHODS)[number];
export type AllocationMethod = (typeof ALLOCATION_METHODS)[number];
export type ShortfallRule = (typeof SHORTFALL_RULES)[number];
export type TieBreakKey = (typeof TIE_BREAK_KEYS)[number];

export interface PolicyIssue {
  path: string;
  message: string;
}

/** `jiangmen-2021 (sha256 3f2a9c0d1b2e)`: a policy is named by its id and the first 12 hex of its SHA-256. */
export const policyIdWithHash = (id: string, hash: string): string => `${id} (sha256 ${hash.slice(0, 12)})`;

/** JSON.stringify's own text of a value is canonicalJson's: a string, a number, a boolean or null. */
const plain = (x: unknown): boolean => x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';

/**
 * An array of plain values, or of arrays of them (an event's awards: 10^6
 * [id, fen] pairs), that JSON.stringify writes as canonicalJson would, in
 * one native pass instead of a string per element.
 */
function plainArray(v: readonly unknown[], depth = 0): boolean {
  // Indexed, not every(): a hole (undefined) is no plain value.
  for (let i = 0; i < v.length; i++) if (!plain(v[i]) && !(depth === 0 && Array.isArray(v[i]) && plainArray(v[i] as unknown[], 1))) return false;
  return true;
}

/** Stable JSON (sorted keys) so that the same policy always hashes the same. */
export function canonicalJson(v: unknown): string {
  // A bigint (a sum of money past 2^53 fen) is the exact integer it is.
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return plainArray(v) ? JSON.stringify(v) : `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

const normalizeName = (s: string): string => s.normalize('NFKC').replace(/[\s·•・.、\-_（）()]/g, '').toLowerCase();

export function findCategory(policy: Policy, input: string): Category | undefined {
  const n = normalizeName(input);
  return policy.categories.find(
    (c) => normalizeName(c.key) === n || normalizeName(c.zh) === n || normalizeName(c.en) === n || c.aliases.some((a) => normalizeName(a) === n),
  );
}

export function categoryOf(policy: Policy, key: string): Category {
  const c = policy.categories.find((x) => x.key === key);
  if (!c) throw new StoredValueError(`category ${key} is not in policy ${policy.id}`);
  return c;
}

export function findCluster(policy: Policy, input: string): Cluster | undefined {
  const n = normalizeName(input);
  return policy.clusters.find((c) => normalizeName(c.key) === n || normalizeName(c.zh) === n || normalizeName(c.en) === n);
}

/** By Chinese name with or without 区/市, English name, or division code (current or former). */
export function findDistrict(policy: Policy, input: string): District | undefined {
  const raw = input.normalize('NFKC').trim();
  if (/^\d{6}$/.test(raw)) return policy.region.districts.find((d) => d.code === raw || d.formerCodes.includes(raw));
  const n = normalizeName(raw).replace(/^(广东省)?(江门市)?/, '');
  const stem = (s: string) => s.replace(/[区市]$/, '');
  return policy.region.districts.find(
    (d) => normalizeName(d.zh) === n || stem(normalizeName(d.zh)) === stem(n) || normalizeName(d.en) === n || stem(normalizeName(d.zh)) === n,
  );
}

