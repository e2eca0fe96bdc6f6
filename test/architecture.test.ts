// The house's floors (ARCHITECTURE.md): domain → ledger → io → ops → cli.
// A file may import from its own floor and the floors below, never above.
// Read from the source text, so a new upward import fails here before review.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');
const FLOORS = ['domain', 'ledger', 'io', 'ops', 'cli'] as const;
type Floor = (typeof FLOORS)[number];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const floorOf = (file: string): Floor | null => {
  const top = relative(SRC, file).split(/[\\/]/)[0];
  return (FLOORS as readonly string[]).includes(top) ? (top as Floor) : null;
};

/** Every relative module a file names: static imports, re-exports and dynamic import(). */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+['"](\.[^'"]+)['"]/g, /\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g, /^\s*import\s+['"](\.[^'"]+)['"]/gm];
  for (const re of patterns) for (const m of source.matchAll(re)) found.push(m[1]);
  return found;
}

const edges = filesUnder(SRC).flatMap((file) =>
  importsOf(readFileSync(file, 'utf8')).map((spec) => ({ file, target: resolve(dirname(file), spec.replace(/\.js$/, '.ts')) })),
);

describe('the import graph', () => {
  it('has edges to check (the reader sees the imports)', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(importsOf("import { a } from './a.js';\nexport { b } from '../b.js';\nconst c = () => import('./c.js');")).toEqual(['./a.js', '../b.js', './c.js']);
  });

  it('has no import that runs up a floor', () => {
    const upward = edges
      .filter(({ file, target }) => {
        const from = floorOf(file);
        const to = floorOf(target);
        return from !== null && to !== null && FLOORS.indexOf(to) > FLOORS.indexOf(from);
      })
      .map(({ file, target }) => `${relative(SRC, file)} → ${relative(SRC, target)}`);
    expect(upward).toEqual([]);
  });

  it('keeps process, the terminal and commander out of domain, ledger, io and ops', () => {
    const offenders = filesUnder(SRC)
      .filter((f) => ['domain', 'ops'].includes(floorOf(f) ?? ''))
      .filter((f) => /from ['"](commander|chalk|cli-table3|@inquirer\/[^'"]+)['"]|\bprocess\.(stdout|stderr|exit|exitCode|argv)\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('has no SQL under src/cli', () => {
    const sql = /\b(SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|\.prepare\(|\.exec\()/;
    const offenders = filesUnder(join(SRC, 'cli')).filter((f) => sql.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('keeps every command file at about 300 lines or fewer', () => {
    const long = filesUnder(join(SRC, 'cli', 'commands'))
      .map((f) => [relative(SRC, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 320);
    expect(long).toEqual([]);
  });
});

describe('the label table', () => {
  // Each code's Chinese word is written once, in domain/labels.ts; every other
  // file reads it from there. import-row.ts is exempt: its Chinese words are
  // the column headers an officer's file may carry, input rather than labels.
  it('holds the only copy of each Chinese label', () => {
    const labels = readFileSync(join(SRC, 'domain', 'labels.ts'), 'utf8');
    const words = [...labels.matchAll(/text\('([^']+)',\s*'/g)].map((m) => m[1]);
    expect(words.length).toBeGreaterThan(100);
    const others = filesUnder(SRC)
      .filter((f) => !f.endsWith(join('domain', 'labels.ts')) && !f.endsWith(join('domain', 'import-row.ts')))
      .map((f) => [relative(SRC, f), readFileSync(f, 'utf8')] as const);
    const copies = words.flatMap((w) => others.filter(([, src]) => src.includes(`'${w}'`) || src.includes(`\`${w}\``)).map(([f]) => `${w} in ${f}`));
    expect(copies).toEqual([]);
  });
});
