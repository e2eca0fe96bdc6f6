// Piped tables are TSV written in chunks: the text must be exactly the rows,
// whatever the chunk boundaries.
import { describe, expect, it } from 'vitest';
import { makePrinter } from '../../src/cli/render.js';
import { makeContext } from '../../src/cli/context.js';

describe('piped table (TSV)', () => {
  it('writes every row exactly once, in order, in a few large writes rather than one per row', () => {
    const writes: string[] = [];
    const ctx = makeContext({ lang: 'en' });
    const out = makePrinter(ctx, (s) => writes.push(s));
    const rows = Array.from({ length: 20_000 }, (_, i) => [i, `企业${i}`, i % 7 === 0 ? 'tab\there\nnewline' : null, 1.5 * i]);
    out.table(['n', 'enterprise', 'note', 'x'], rows);
    const expected = ['n\tenterprise\tnote\tx', ...rows.map((r) => [r[0], r[1], r[2] === null ? '' : 'tab here newline', r[3]].join('\t'))].join('\n') + '\n';
    expect(writes.join('')).toBe(expected);
    expect(writes.length).toBeGreaterThan(1);
    expect(writes.length).toBeLessThan(rows.length / 100);
  });
});
