// Project-name comparison (SPEC §6): NFKC, no white space or punctuation,
// lower case; equal → same; one containing the other, or character-bigram
// Dice ≥ the policy's threshold → similar.

export type NameRelation = 'same' | 'similar' | 'different';

export interface NameComparison {
  relation: NameRelation;
  /** How the relation was found: equal text, containment, or the Dice coefficient. */
  how: 'equal' | 'contains' | 'dice' | 'none';
  dice: number;
}

const STRIP = /[\p{White_Space}\p{P}]/gu;

export function normalizeProjectName(s: string): string {
  return s.normalize('NFKC').replace(STRIP, '').toLowerCase();
}

// Bigrams over code points, so that a CJK extension character counts as one.
function bigrams(s: string): Map<string, number> {
  const cps = [...s];
  const m = new Map<string, number>();
  for (let i = 0; i + 1 < cps.length; i++) {
    const g = cps[i] + cps[i + 1];
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** A project name normalized once, for comparing it with many others. */
export interface PreparedName {
  normalized: string;
  bigrams: Map<string, number>;
  count: number;
}

export function prepareProjectName(s: string): PreparedName {
  const normalized = normalizeProjectName(s);
  const b = bigrams(normalized);
  let count = 0;
  for (const n of b.values()) count += n;
  return { normalized, bigrams: b, count };
}

function dice(a: PreparedName, b: PreparedName): number {
  let both = 0;
  for (const [g, n] of b.bigrams) both += Math.min(n, a.bigrams.get(g) ?? 0);
  // 2·both/(na+nb) is the correctly rounded quotient, so a pair exactly at a
  // threshold such as 0.8 compares equal to the literal.
  return a.count + b.count === 0 ? 0 : (2 * both) / (a.count + b.count);
}

/** Sørensen–Dice on the multisets of character bigrams of two normalized names; 0 when either has fewer than 2 characters. */
export function diceCoefficient(a: string, b: string): number {
  return dice(prepareProjectName(a), prepareProjectName(b));
}

/** Compares two prepared names; `diceThreshold` comes from policy.eligibility.similarity.dice. */
export function comparePrepared(a: PreparedName, b: PreparedName, diceThreshold: number): NameComparison {
  const x = a.normalized;
  const y = b.normalized;
  // A name that is only punctuation says nothing about the project.
  if (x === '' || y === '') return { relation: 'different', how: 'none', dice: 0 };
  if (x === y) return { relation: 'same', how: 'equal', dice: 1 };
  const d = dice(a, b);
  if (x.includes(y) || y.includes(x)) return { relation: 'similar', how: 'contains', dice: d };
  if (d >= diceThreshold) return { relation: 'similar', how: 'dice', dice: d };
  return { relation: 'different', how: 'none', dice: d };
}

/** Compares two project names as written. */
export function compareProjectNames(a: string, b: string, diceThreshold: number): NameComparison {
  return comparePrepared(prepareProjectName(a), prepareProjectName(b), diceThreshold);
}
