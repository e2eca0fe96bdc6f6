// jmfund verify, backup and log on the fixture round, as an auditor runs
// them; then the ledger is changed with plain SQL behind jmfund's back and
// verify names every change.
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { copyFileSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReportLedger, fixtureEnv, ROUND, type FixtureLedger } from '../../fixtures/report/build-ledger.js';
import { runCli } from '../helpers.js';

interface VerifyJson {
  ok: boolean;
  events: number;
  last_hash: string;
  checks: { id: string; status: string }[];
  problems: { check: string; where: string; ref: { table?: string; key?: Record<string, unknown>; seq?: number }; message: string }[];
}

interface LogJson {
  count: number;
  events: { seq: number; at: string; officer: string; command: string; round_id: string | null; app_ids: string[]; details: Record<string, unknown>; hash: string }[];
}

let L: FixtureLedger;
beforeAll(() => {
  L = buildReportLedger('final');
}, 300_000);

const on = (db: string) => (args: string[]) => runCli(args, { env: fixtureEnv(db) });

describe('verify', () => {
  it('passes a ledger jmfund wrote, running every check', () => {
    const r = L.run(['--json', 'verify']);
    expect(r.code).toBe(0);
    const v = r.json<VerifyJson>();
    expect(v.ok).toBe(true);
    expect(v.problems).toEqual([]);
    expect(v.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(v.last_hash).toMatch(/^[0-9a-f]{64}$/);
    const human = L.run(['verify']);
    expect(human.stdout).toContain(`ledger verified: ${v.checks.length} checks, no problem; ${v.events} events, last event hash ${v.last_hash}`);
  });

  it('names an award, an event edited and an event deleted behind its back; exit 1', () => {
    const path = join(L.dir, 'tampered.db');
    copyFileSync(L.db, path);
    const db = new Database(path);
    const seqOf = (command: string, app?: string) =>
      (app
        ? db.prepare('SELECT e.seq FROM events e JOIN event_apps a ON a.seq = e.seq WHERE e.command = ? AND a.application_id = ? ORDER BY e.seq LIMIT 1').pluck().get(command, app)
        : db.prepare('SELECT seq FROM events WHERE command = ? ORDER BY seq LIMIT 1').pluck().get(command)) as number;
    const importSeq = seqOf('import');
    const paidSeq = seqOf('disburse', 'R009');
    // An award lowered within every limit, after filing.
    db.prepare("UPDATE allocation_lines SET award_fen = 40000000 WHERE application_id = 'R003' AND version = (SELECT max(version) FROM allocations)").run();
    // An event's details edited.
    db.prepare(`UPDATE events SET details = replace(details, '"new":13', '"new":12') WHERE seq = ?`).run(importSeq);
    // An event deleted in the middle of the log.
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM events WHERE seq = ?').run(paidSeq);
    db.close();

    const r = on(path)(['--json', 'verify']);
    expect(r.code).toBe(1);
    const v = r.json<VerifyJson>();
    expect(v.ok).toBe(false);
    const found = (check: string, pred: (p: VerifyJson['problems'][number]) => boolean) => v.problems.filter((p) => p.check === check && pred(p));
    // The award: the allocate event's total no longer matches, and it differs from the filed award.
    expect(found('allocation.log', (p) => p.ref.key?.category === 'benchmark-platform')).toHaveLength(1);
    expect(found('lifecycle.filed-unchanged', (p) => p.ref.key?.application_id === 'R003')[0].message).toBe(
      'R003: the award in the current allocation (version 2), 400,000.00 yuan, differs from the filed award of 500,000.00 yuan (filed awards are immutable)',
    );
    // The edited event.
    expect(found('chain.hash', (p) => p.ref.seq === importSeq)[0].message).toBe(`event #${importSeq} was changed after it was written (hash mismatch)`);
    // The deleted event: a gap, and the index rows that pointed at it.
    expect(found('chain.hash', (p) => p.ref.seq === paidSeq + 1).map((p) => p.message)).toContain(`events are missing before event #${paidSeq + 1}: events ${paidSeq}..${paidSeq} are missing`);
    expect(found('sqlite.foreign-keys', (p) => p.ref.table === 'event_apps').length).toBeGreaterThan(0);

    const human = on(path)(['verify']);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('allocation_lines[round_id=2022-R1, version=2, application_id=R003]');
    expect(human.stdout).toContain(`event #${importSeq}`);
    expect(human.stdout).toMatch(/ledger verification found \d+ problem\(s\)/);
    const zh = on(path)(['--lang', 'zh', 'verify']);
    expect(zh.stdout).toContain(`事件 #${importSeq} 写入后被修改（哈希不符）`);
    expect(zh.stdout).toContain('账本校验发现');

    // The audit report carries the same result.
    const audit = on(path)(['report', 'audit', '--round', ROUND, '--format', 'json']).json<{ meta: { key: string; value: unknown }[] }>();
    expect(audit.meta.find((m) => m.key === 'verify')?.value).toBe(`${v.problems.length} problem(s)`);
  });

  it('names events deleted at the end of the log', () => {
    const path = join(L.dir, 'truncated.db');
    copyFileSync(L.db, path);
    const db = new Database(path);
    db.pragma('foreign_keys = OFF');
    const last = db.prepare('SELECT max(seq) FROM events').pluck().get() as number;
    db.prepare('DELETE FROM events WHERE seq >= ?').run(last - 1);
    db.close();
    const v = on(path)(['--json', 'verify']).json<VerifyJson>();
    expect(v.problems.some((p) => p.check === 'chain.hash' && p.ref.table === 'ledger_meta' && p.ref.seq === last)).toBe(true);
  });

  it('does not change the file it checks', () => {
    const before = readFileSync(L.db);
    L.run(['verify']);
    expect(readFileSync(L.db).equals(before)).toBe(true);
  });
});

describe('backup', () => {
  it('writes a verified copy with mode 0600 and refuses to overwrite without --force', () => {
    const file = join(L.dir, 'backup.db');
    const r = L.run(['--json', 'backup', file]);
    expect(r.code, r.stderr).toBe(0);
    const b = r.json<{ backup: string; ok: boolean; events: number; last_hash: string; sha256: string }>();
    expect(b).toMatchObject({ backup: file, ok: true, verify_command: `jmfund verify --db ${file}` });
    expect(r.json<{ checks: { id: string; status: string }[] }>().checks.map((c) => c.id)).toEqual(['backup.pages', 'sqlite.schema', 'chain.hash', 'backup.head', 'sqlite.quick-check']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const original = L.run(['--json', 'verify']).json<VerifyJson>();
    const copy = on(file)(['--json', 'verify']).json<VerifyJson>();
    expect(copy.ok).toBe(true);
    expect(copy.last_hash).toBe(original.last_hash);
    expect(b.last_hash).toBe(original.last_hash);

    writeFileSync(file, 'not a ledger');
    const again = L.run(['backup', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    expect(readFileSync(file, 'utf8')).toBe('not a ledger');
    expect(L.run(['backup', file, '--force']).code).toBe(0);
    expect(on(file)(['verify']).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('copies a ledger with problems faithfully and says so (exit 1)', () => {
    const path = join(L.dir, 'edited.db');
    copyFileSync(L.db, path);
    const db = new Database(path);
    db.prepare("UPDATE events SET officer = 'mallory' WHERE seq = 1").run();
    db.close();
    const file = join(L.dir, 'edited-backup.db');
    const r = on(path)(['backup', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('event #1 was changed after it was written');
    expect(r.stdout).toContain(`run jmfund verify --db ${file}`);
    const zh = runCli(['backup', join(L.dir, 'edited-backup-zh.db')], { env: { ...fixtureEnv(path), JMFUND_LANG: 'zh' } });
    expect(zh.code).toBe(1);
    expect(zh.stdout).toContain('业务规则与行封印与账本相同，未在此检查：运行 jmfund verify --db');
    expect(statSync(file).size).toBeGreaterThan(0);
  });

  it('makes a folder that does not exist (0700): the officer named it (issue 17); refuses a file where a folder should be', () => {
    const r = L.run(['backup', join(L.dir, 'no', 'such', 'b.db')]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(L.dir, 'no', 'such')).mode & 0o777).toBe(0o700);
    writeFileSync(join(L.dir, 'plain-file'), 'x');
    const f = L.run(['backup', join(L.dir, 'plain-file', 'b.db')]);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/cannot create the folder|is not a folder/);
  });
});

describe('log', () => {
  it('lists every event with who, when, what and the details', () => {
    const v = L.run(['--json', 'verify']).json<VerifyJson>();
    const all = L.run(['--json', 'log']).json<LogJson>();
    expect(all.count).toBe(v.events);
    expect(all.events.map((e) => e.seq)).toEqual(Array.from({ length: v.events }, (_, i) => i + 1));
    expect(all.events[all.events.length - 1].hash).toBe(v.last_hash);
    expect(all.events[0]).toMatchObject({ command: 'init', officer: '王科员', at: '2022-09-30T08:00:00.000Z' });
  });

  it('filters by application, command (a group too), officer, round and date', () => {
    const cmds = (args: string[]) => L.run(['--json', 'log', ...args]).json<LogJson>().events.map((e) => e.command);
    const r009 = cmds(['--app', 'R009']);
    expect(r009).toEqual(expect.arrayContaining(['import', 'check', 'allocate', 'publicize', 'finalize', 'accept', 'disburse', 'spot-check', 'spot-check record', 'clawback recover']));
    expect(cmds(['--command', 'objection'])).toEqual(['objection add', 'objection add', 'objection resolve', 'objection add', 'objection resolve']);
    expect(cmds(['--command', 'allocate'])).toEqual(['allocate', 'allocate']);
    expect(cmds(['--officer', 'nobody'])).toEqual([]);
    expect(cmds(['--officer', '王科员']).length).toBeGreaterThanOrEqual(30);
    expect(cmds(['--round', ROUND]).length).toBe(cmds([]).length - 1); // all but init
    // 08:00 UTC is 16:00 in China on 2022-09-30.
    expect(cmds(['--since', '2022-10-01'])).toEqual([]);
    expect(cmds(['--since', '2022-09-30', '--until', '2022-09-30']).length).toBe(cmds([]).length);
    expect(cmds(['--until', '2022-09-29'])).toEqual([]);
    const last3 = L.run(['--json', 'log', '--limit', '3']).json<LogJson>().events.map((e) => e.seq);
    expect(last3).toHaveLength(3);
    expect(last3[0]).toBeLessThan(last3[2]);
  });

  it('shows the details in the chosen language, a table when read by a person', () => {
    const en = L.run(['log', '--command', 'finalize']);
    expect(en.code).toBe(0);
    expect(en.stdout).toContain('finalize (file)');
    // Money in yuan, times in China Standard Time: never fen or UTC.
    expect(en.stdout).toMatch(/awards=\[R001 ¥1,000,000\.00, /);
    expect(en.stdout).toContain('at (China time)');
    expect(en.stdout).not.toMatch(/_fen|\d{4}-\d\d-\d\dT/);
    const zh = L.run(['--lang', 'zh', 'log', '--command', '备案']);
    expect(zh.stdout).toMatch(/\t备案\t/);
    expect(zh.stdout).toContain('补助=[R001 1,000,000.00 元, ');
    expect(zh.stdout).toContain('操作人');
    expect(zh.stdout).toContain('时间（北京时间）');
    const utc = L.run(['--tz', 'UTC', 'log', '--command', 'finalize']);
    expect(utc.stdout).toContain('at (UTC)');
    expect(L.run(['--tz', 'Mars/Olympus', 'log']).code).toBe(2);
  });

  it('refuses bad filters', () => {
    expect(L.run(['log', '--since', 'yesterday']).code).toBe(2);
    expect(L.run(['log', '--limit', '0']).code).toBe(2);
    expect(L.run(['log', '--round', 'NOPE']).code).toBe(2);
  });
});

describe('log details', () => {
  it('picks the chosen language of a bilingual text and cuts long lists', async () => {
    const { detailsText } = await import('../../src/cli/commands/log.js');
    const d = { reason: { zh: '分公司', en: 'a branch' }, ids: Array.from({ length: 12 }, (_, i) => `A${i}`), nested: { ok: true, none: null } };
    expect(detailsText(d, 'zh')).toBe('理由=分公司; ids=[A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, … (+2)]; nested={ok=true, none=—}');
    expect(detailsText(d, 'en')).toContain('reason=a branch;');
  });

  it('shows amounts in yuan, instants in the officer\'s zone and states by their label; never fen or UTC', async () => {
    const { detailsText } = await import('../../src/cli/commands/log.js');
    const { formatInstant } = await import('../../src/domain/dates.js');
    const d = { amount_fen: 60000000, before: 'filed', after: 'disbursed', at: '2022-08-15T06:02:00.000Z' };
    const instant = (s: string) => formatInstant(s, 'Asia/Shanghai');
    expect(detailsText(d, { lang: 'zh', instant })).toBe('金额=600,000.00 元; 原状态=已备案; 新状态=已拨付; at=2022-08-15 14:02');
    expect(detailsText(d, { lang: 'en', instant })).toBe('amount=¥600,000.00; before=filed; after=disbursed; at=2022-08-15 14:02');
  });
});
