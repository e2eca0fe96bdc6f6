// The test helpers' own guarantee: a child that never ends fails its test
// instead of holding the suite until CI gives up.
import { describe, expect, it } from 'vitest';
import { runChild } from './helpers.js';

describe('runChild', () => {
  it('kills a child still running at the limit and names it', () => {
    const t0 = Date.now();
    expect(() => runChild(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { encoding: 'utf8' }, 500)).toThrow(/still running after 0\.5 s, killed: .*setInterval/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('returns what a child printed beyond Node’s 1 MiB default buffer', () => {
    const r = runChild(process.execPath, ['-e', 'process.stdout.write("x".repeat(3 * 1024 * 1024))'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBe(3 * 1024 * 1024);
  });
});
