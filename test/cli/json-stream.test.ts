// The streamed --json must be exactly JSON.stringify's text, whatever the nesting and indentation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lazyArray, writeJson } from '../../src/cli/json-stream.js';

/** A value in which some arrays are lazy; its plain twin is what JSON.stringify sees. */
const tree = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
  arr: fc.tuple(fc.array(tie('node'), { maxLength: 4 }), fc.boolean()),
  obj: fc.dictionary(fc.string({ maxLength: 5 }), tie('node'), { maxKeys: 4 }),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('arr'), tie('obj')),
}));

function build(t: unknown): { lazy: unknown; plain: unknown } {
  if (Array.isArray(t) && t.length === 2 && Array.isArray(t[0]) && typeof t[1] === 'boolean') {
    const kids = (t[0] as unknown[]).map(build);
    const plain = kids.map((k) => k.plain);
    return { plain, lazy: t[1] ? lazyArray(() => kids.map((k) => k.lazy)) : kids.map((k) => k.lazy) };
  }
  if (t !== null && typeof t === 'object') {
    const entries = Object.entries(t as Record<string, unknown>).map(([k, v]) => [k, build(v)] as const);
    return { plain: Object.fromEntries(entries.map(([k, v]) => [k, v.plain])), lazy: Object.fromEntries(entries.map(([k, v]) => [k, v.lazy])) };
  }
  return { lazy: t, plain: t };
}

describe('writeJson', () => {
  it('writes what JSON.stringify writes, compact and indented', () => {
    fc.assert(
      fc.property(tree.node, fc.constantFrom(undefined, 2), (t, indent) => {
        const { lazy, plain } = build(t);
        let s = '';
        writeJson({ round: 'R1', applications: lazy }, indent, (x) => (s += x));
        expect(s).toBe(JSON.stringify({ round: 'R1', applications: plain }, null, indent));
      }),
      { numRuns: 500 },
    );
  });

  it('makes the elements of a large lazy array as it writes them, in chunks', () => {
    let made = 0;
    const writes: string[] = [];
    const items = lazyArray(function* () {
      for (let i = 0; i < 50_000; i++) {
        made++;
        yield { application_id: `A${i}`, results: [{ rule: 'region', outcome: 'pass' }] };
      }
    });
    writeJson({ applications: items }, undefined, (x) => {
      writes.push(x);
      // The first chunk is written long before the last element is made.
      if (writes.length === 1) expect(made).toBeLessThan(5_000);
    });
    expect(writes.length).toBeGreaterThan(10);
    expect(JSON.parse(writes.join('')).applications).toHaveLength(50_000);
  });
});
