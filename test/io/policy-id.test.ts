// A policy is what its id says (issue 16): a file that takes a bundled
// policy's id with other content is refused; contradictory values are refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePolicy } from '../../src/domain/policy-schema.js';
import { loadPolicy, POLICY_DIR, readPolicyFile } from '../../src/io/policies.js';
import { validatePolicyFile } from '../../src/ops/policies.js';
import { tempDir } from '../helpers.js';
import { thrown } from '../ops/op-context.js';

const bundled = () => JSON.parse(readFileSync(join(POLICY_DIR, 'jiangmen-2021.json'), 'utf8')) as Record<string, any>;
const write = (p: unknown): string => {
  const f = join(tempDir(), 'policy.json');
  writeFileSync(f, JSON.stringify(p, null, 2));
  return f;
};

describe('policy id', () => {
  it('refuses a file that uses a bundled id with different content (exit 2: give it its own id)', () => {
    const p = bundled();
    p.scoring.threshold = 10;
    const f = write(p);
    const e = thrown(() => loadPolicy(f));
    expect(e.exitCode).toBe(2);
    expect(e.text?.en).toContain('jiangmen-2021');
    expect(e.text?.en).toContain('give your edited policy its own id');
    expect((e as { hint?: { zh: string } }).hint?.zh).toContain('编号');
    const v = validatePolicyFile({ file: f });
    expect(v.valid).toBe(false);
    if (!v.valid) expect(v.issues).toEqual([expect.objectContaining({ path: 'id', message: expect.stringContaining('give your edited policy its own id') })]);
  });

  it('accepts a copy with the same content, or edited content under its own id', () => {
    expect(loadPolicy(write(bundled())).policy.id).toBe('jiangmen-2021');
    expect(loadPolicy(write(bundled())).hash).toBe(loadPolicy('jiangmen-2021').hash);
    const p = bundled();
    p.id = 'jiangmen-2021-amended';
    p.scoring.threshold = 10;
    const r = readPolicyFile(write(p));
    expect(r.ok).toBe(true);
  });

  it.each([
    ['a threshold above the maximum score', (p: any) => (p.scoring.threshold = 101), 'scoring.threshold', 'above the maximum score'],
    ['a ratio of 0', (p: any) => (p.categories[0].ratioPercent = 0), 'categories[0].ratioPercent', 'above 0%'],
    ['a ratio above 1', (p: any) => (p.categories[0].ratioPercent = 150), 'categories[0].ratioPercent', 'at most 100%'],
    ['a cap of 0', (p: any) => (p.categories[0].perProjectCapFen = 0), 'categories[0].perProjectCapFen', 'above 0'],
    ['a negative cap', (p: any) => (p.categories[0].perEnterpriseCapFen = -1), 'categories[0].perEnterpriseCapFen', ''],
    ['no expert', (p: any) => (p.scoring.minExperts = 0), 'scoring.minExperts', 'at least one expert'],
    ['an expiry before the start', (p: any) => (p.effective.to = '2020-01-01'), 'effective.to', 'before the start'],
  ])('refuses %s', (_name, change, path, words) => {
    const p = bundled();
    p.id = 'edited';
    change(p);
    const r = validatePolicy(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toContainEqual({ path, message: expect.stringContaining(words) });
  });
});
