// Issue 16 through the real binary: time runs forward, a policy is what its id
// says, and the ledger's head can be held outside it (anchors).
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventHash, GENESIS_HASH, type EventRow } from '../../src/ledger/events.js';
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

describe('anchors', () => {
  it('anchor --out appends SEQ HASH INSTANT to a private file; verify --anchors and --anchor check them', () => {
    const file = join(dir, 'kept', 'anchors.txt');
    mkdirSync(join(dir, 'kept'));
    const a = run(['--json', 'anchor', '--out', file], { JMFUND_NOW: '2022-06-02T00:00:00.000Z' }).json<{ seq: number; hash: string; at: string; out: string }>();
    expect(a.at).toBe('2022-06-02T00:00:00.000Z');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`${a.seq} ${a.hash} ${a.at}\n`);
    expect(run(['round', 'create', 'R4', '--opens', '2022-03-01', '--closes', '2022-04-30']).code).toBe(0);
    run(['anchor', '--out', file]);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    const v = run(['--json', 'verify', '--anchors', file]);
    expect(v.code).toBe(0);
    expect(v.json<{ anchors: number }>().anchors).toBe(2);
    expect(run(['verify', '--anchor', `${a.seq}:${a.hash}`]).stdout).toContain('1 anchor(s) checked');
  });

  it('refuses a malformed anchor (exit 2) naming the value, and an anchors file line by line', () => {
    const r = run(['verify', '--anchor', '12:abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--anchor 12:abc');
    const bad = join(dir, 'bad-anchors.txt');
    writeFileSync(bad, `1 ${'a'.repeat(64)}\nnot an anchor\n`);
    const f = run(['verify', '--anchors', bad]);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain(`${bad}:2`);
    expect(f.stderr).toContain('not an anchor');
    expect(run(['anchor', '--out', db]).code).toBe(2);
  });

  it('catches a chain re-sealed with the project\'s own hashing code, which plain verify cannot', () => {
    const copy = join(dir, 'resealed.db');
    copyFileSync(db, copy);
    const head = runCli(['--json', 'log', '--head'], { db: copy, env: { JMFUND_NOW: NOW } }).json<{ seq: number; hash: string }>();
    const first = runCli(['--json', 'log'], { db: copy, env: { JMFUND_NOW: NOW } }).json<{ events: { seq: number; hash: string }[] }>().events[1];
    // The adversary: change what event 2 recorded, then re-seal every event after it with events.ts's formula.
    const raw = new Database(copy);
    const rows = raw.prepare('SELECT * FROM events ORDER BY seq').all() as EventRow[];
    rows[1].officer = 'someone-else';
    let prev = GENESIS_HASH;
    for (const e of rows) {
      const { hash: _old, ...rest } = e;
      const hash = eventHash({ ...rest, prev_hash: prev });
      raw.prepare('UPDATE events SET officer = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(e.officer, prev, hash, e.seq);
      prev = hash;
    }
    raw.prepare("UPDATE ledger_meta SET value = ? WHERE key = 'head'").run(JSON.stringify({ seq: rows.length, hash: prev }));
    raw.close();
    const on = (args: string[]) => runCli(args, { db: copy, env: { JMFUND_NOW: NOW } });
    const caught = on(['--json', 'verify', '--anchor', `${head.seq}:${head.hash}`, '--anchor', `${first.seq}:${first.hash}`]);
    expect(caught.code).toBe(1);
    const problems = caught.json<{ problems: { check: string; ref: { seq?: number }; message: string }[] }>().problems.filter((p) => p.check === 'chain.anchors');
    expect(problems.map((p) => p.ref.seq)).toEqual([head.seq, first.seq]);
    expect(problems[0].message).toContain('re-sealed');
    expect(on(['verify', '--anchor', `${rows.length + 5}:${head.hash}`]).stdout).toContain('no longer in the ledger');
  });
});
