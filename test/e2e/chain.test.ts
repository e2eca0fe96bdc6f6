// Issue 16 through the real binary: time runs forward, a policy is what its id
// says, and the ledger's head can be held outside it (anchors).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

const NOW = '2022-06-01T08:00:00.000Z';
let dir: string;
let db: string;
const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { db, env: { JMFUND_NOW: NOW, ...env } });
const eventCount = () => (run(['--json', 'log']).json<{ count: number }>()).count;

beforeAll(() => {
  dir = tempDir();
  db = join(dir, 'ledger.db');
  expect(run(['init']).code).toBe(0);
  expect(run(['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-30', '--budget', 'sme-cloud=700000']).code).toBe(0);
});

describe('time runs forward', () => {
  it('refuses a write whose clock reads before the newest event (exit 3, both instants), and changes nothing', () => {
    const before = eventCount();
    const r = run(['round', 'create', 'R2', '--opens', '2022-03-01', '--closes', '2022-04-30'], { JMFUND_NOW: '2019-01-01' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('2019-01-01T00:00:00.000Z');
    expect(r.stderr).toContain(NOW);
    expect(eventCount()).toBe(before);
    expect(run(['--json', 'round', 'list']).json<unknown[]>()).toHaveLength(1);
    const zh = run(['round', 'create', 'R2', '--opens', '2022-03-01', '--closes', '2022-04-30'], { JMFUND_NOW: '2019-01-01', JMFUND_LANG: 'zh' });
    expect(zh.code).toBe(3);
    expect(zh.stderr).toContain('早于账本最后一个事件');
  });
});

describe('a policy is what its id says', () => {
  const bundled = () => JSON.parse(run(['--json', 'policy', 'show']).stdout) as Record<string, any>;

  it('refuses a policy file that uses the bundled id with other content (exit 2), and validate names it', () => {
    const p = bundled();
    delete p.hash;
    p.scoring.threshold = 10;
    const f = join(dir, 'spoof.json');
    writeFileSync(f, JSON.stringify(p));
    const r = run(['round', 'create', 'R3', '--opens', '2022-03-01', '--closes', '2022-04-30', '--policy', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give your edited policy its own id');
    const v = run(['policy', 'validate', f]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('give your edited policy its own id');
    p.id = 'jiangmen-2021-amended';
    writeFileSync(f, JSON.stringify(p));
    expect(run(['round', 'create', 'R3', '--opens', '2022-03-01', '--closes', '2022-04-30', '--policy', f]).code).toBe(0);
  });

  it('round list shows each policy id with the first 12 hex of its SHA-256', () => {
    const list = run(['round', 'list']).stdout;
    expect(list).toMatch(/R1\t.*\tjiangmen-2021 \(sha256 [0-9a-f]{12}\)\t/);
    expect(list).toMatch(/R3\t.*\tjiangmen-2021-amended \(sha256 [0-9a-f]{12}\)\t/);
  });

  it('policy validate refuses a threshold above the maximum score', () => {
    const p = bundled();
    delete p.hash;
    p.id = 'mine';
    p.scoring.threshold = 120;
    const f = join(dir, 'high.json');
    writeFileSync(f, JSON.stringify(p));
    const v = run(['policy', 'validate', f]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('scoring.threshold');
    expect(readFileSync(f, 'utf8')).toContain('"threshold":120');
  });
});

describe('log --head', () => {
  it('prints the newest event: number, hash and instant', () => {
    const log = run(['--json', 'log']).json<{ events: { seq: number; hash: string; at: string }[] }>().events;
    const last = log[log.length - 1];
    expect(run(['log', '--head']).stdout.trim()).toBe(`${last.seq} ${last.hash} ${last.at}`);
    expect(run(['--json', 'log', '--head']).json()).toEqual({ seq: last.seq, hash: last.hash, at: last.at });
  });
});
