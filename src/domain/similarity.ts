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

/** Another name of a group that is the same as or similar to this one. */
export interface SimilarName {
  /** Its position in the group. */
  index: number;
  comparison: NameComparison;
}

function push(m: Map<number, number[]>, key: number, value: number): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}

/** Below this many names every pair is compared: the index costs more than it saves. */
const INDEX_FROM = 48;

/**
 * For each name of a group, the other names that comparePrepared finds the
 * same or similar, in group order: exactly what comparing every pair gives,
 * but a large group (thousands of applications of one enterprise) is not
 * compared pair by pair. Candidates come from an index of character bigrams
 * (each repeat of a bigram is its own token, so that shared tokens count as
 * Dice does), rarest first:
 *  - Dice ≥ t needs ≥ t·n/(2−t) shared tokens for a name of n, so the pair
 *    shares one of the first n − ⌈t·n/(2−t)⌉ + 1 tokens of each (prefix filter);
 *  - a name inside another shares every token, its rarest one among them;
 *  - a one-character name has no bigram and is compared with every name.
 * Every candidate is then compared with comparePrepared itself.
 */
export function similarInGroup(names: readonly PreparedName[], diceThreshold: number, opts: { index?: boolean } = {}): SimilarName[][] {
  const m = names.length;
  const out: SimilarName[][] = Array.from({ length: m }, () => []);
  const add = (i: number, j: number) => {
    const c = comparePrepared(names[i], names[j], diceThreshold);
    if (c.relation === 'different') return;
    out[i].push({ index: j, comparison: c });
    out[j].push({ index: i, comparison: c });
  };
  const useIndex = opts.index ?? m >= INDEX_FROM;
  if (!useIndex || !(diceThreshold > 0 && diceThreshold <= 1)) {
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) add(i, j);
    return out;
  }

  // Tokens: (bigram, k-th occurrence) → id; how many names hold each.
  const ids = new Map<string, number>();
  const freq: number[] = [];
  const tokens: number[][] = names.map((n) => {
    const list: number[] = [];
    for (const [g, count] of n.bigrams) {
      for (let k = 1; k <= count; k++) {
        const key = k === 1 ? g : `${g}\u0000${k}`;
        let id = ids.get(key);
        if (id === undefined) {
          id = freq.length;
          ids.set(key, id);
          freq.push(0);
        }
        freq[id]++;
        list.push(id);
      }
    }
    return list;
  });
  for (const list of tokens) list.sort((a, b) => freq[a] - freq[b] || a - b);

  const t = diceThreshold;
  // The 1e-9 keeps a product that lands just above an integer from shortening the prefix.
  const prefixLength = (n: number) => Math.min(n, Math.max(1, n - Math.ceil((t * n) / (2 - t) - 1e-9) + 1));
  const prefix = new Map<number, number[]>(); // token → names with it in their prefix
  const rarestOf = new Map<number, number[]>(); // token → names whose rarest token it is
  const short: number[] = []; // one character: no bigram
  for (let i = 0; i < m; i++) {
    const list = tokens[i];
    if (list.length === 0) {
      if (names[i].normalized !== '') short.push(i);
      continue;
    }
    for (let k = 0, p = prefixLength(list.length); k < p; k++) push(prefix, list[k], i);
    push(rarestOf, list[0], i);
  }
  const holders = new Map<number, number[]>(); // a rarest token → names holding it anywhere
  for (const tok of rarestOf.keys()) holders.set(tok, []);
  for (let i = 0; i < m; i++) for (const tok of tokens[i]) holders.get(tok)?.push(i);

  // Candidates of i, a symmetric relation: a shared prefix token; i's rarest token in j;
  // j's rarest token in i; either of one character. Each pair is compared from its smaller index.
  const seen = new Int32Array(m).fill(-1);
  const consider = (i: number, j: number) => {
    if (j <= i || seen[j] === i) return;
    seen[j] = i;
    add(i, j);
  };
  for (let i = 0; i < m; i++) {
    const list = tokens[i];
    if (list.length === 0) {
      if (names[i].normalized !== '') for (let j = i + 1; j < m; j++) consider(i, j);
      continue;
    }
    for (let k = 0, p = prefixLength(list.length); k < p; k++) for (const j of prefix.get(list[k]) ?? []) consider(i, j);
    for (const j of holders.get(list[0]) ?? []) consider(i, j);
    for (const tok of list) for (const j of rarestOf.get(tok) ?? []) consider(i, j);
    for (const j of short) consider(i, j);
  }
  for (const list of out) list.sort((x, y) => x.index - y.index);
  return out;
}
