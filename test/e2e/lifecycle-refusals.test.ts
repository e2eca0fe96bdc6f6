// A refused command exits 3, names the current state and what would allow the
// move, and leaves the ledger file byte for byte as it was. Also: category
// other through award set and notice, and the Chinese messages.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lifecycleLedger } from '../../fixtures/lifecycle/seed.js';
import { runCli } from '../helpers.js';

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('refused lifecycle commands', () => {
  it('exit 3, say why and what to do, and change nothing', () => {
    const { db, path, dir } = lifecycleLedger();
    db.close();
    const run = (args: string[], lang = 'en') => runCli(args, { db: path, env: { JMFUND_NOW: '2022-06-10', JMFUND_LANG: lang } });
    const before = digest(path);
    const refusals: [string[], RegExp][] = [
      [['publicize', '--round', 'R1', '--from', '2022-06-01', '--out', join(dir, 'n.csv')], /no proposed award.*scored 6/s],
      [['publicize', '--round', 'R1', '--from', '2022-06-01', '--days', '6'], /shorter than the minimum of 7 days \(Art\. 11\)/],
      [['finalize', '--round', 'R1'], /nothing in-notice/],
      [['accept', 'A1', '--date', '2022-06-01', '--result', 'pass', '--actual-investment', '1000'], /A1 is scored; accept \(pass\) is allowed only from filed/],
      [['disburse', 'A1', '--amount', '1', '--date', '2022-06-01'], /A1 is scored; disburse is allowed only from accepted, disbursed/],
      [['clawback', 'A1', '--amount', '1', '--reason', 'x'], /A1 is scored; clawback is allowed only from filed/],
      [['clawback', 'recover', 'A1', '--amount', '1', '--date', '2022-06-01'], /A1 is scored; recover is allowed only from clawback-due/],
      [['spot-check', '--round', 'R1', '--sample', '1', '--seed', 's'], /no filed award/],
      [['spot-check', 'record', 'A1', '--finding', 'ok', '--note', 'x'], /not drawn/],
      [['award', 'set', 'A1', '--amount', '1000', '--basis', '江府办〔2022〕12号'], /competitive allocation \(Art\. 8\)/],
    ];
    for (const [args, message] of refusals) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout, args.join(' ')).toBe('');
    }
    const usage: string[][] = [
      ['objection', 'resolve', '99', '--upheld', '--note', 'x'],
      ['objection', 'resolve', '1', '--upheld', '--dismissed', '--note', 'x'],
      ['objection', 'add', 'NOPE', '--received', '2022-06-01', '--from', 'x', '--text', 'y'],
      ['disburse', 'A1', '--amount', '1.001', '--date', '2022-06-01'],
      ['spot-check', '--round', 'R1', '--sample', '0%', '--seed', 's'],
      ['accept', 'A1', '--date', '2022-06-11', '--result', 'pass', '--actual-investment', '1'],
      ['accept', 'A1', '--date', '2022-06-01', '--result', 'maybe', '--actual-investment', '1'],
    ];
    for (const args of usage) expect(run(args).code, args.join(' ')).toBe(2);
    expect(digest(path)).toBe(before);
    expect(existsSync(join(dir, 'n.csv'))).toBe(false);

    const zh = run(['accept', 'A1', '--date', '2022-06-01', '--result', 'pass', '--actual-investment', '1000'], 'zh');
    expect(zh.code).toBe(3);
    expect(zh.stderr).toContain('当前状态为 已评分（scored）');
    expect(zh.stderr).toContain('已备案（filed）');
  });

  it('puts a category-other award set by an officer on the notice with the others, headers in Chinese', () => {
    const { path, dir } = lifecycleLedger();
    const run = (args: string[]) => runCli([...args, '--yes'], { db: path, env: { JMFUND_NOW: '2022-06-01', JMFUND_LANG: 'zh' } });
    expect(run(['award', 'set', 'O1', '--amount', '500000', '--basis', '江府办〔2022〕12号', '--json']).json()).toMatchObject({ state: 'proposed', basis: '江府办〔2022〕12号' });
    const out = join(dir, '公示名单.csv');
    const r = run(['publicize', '--round', 'R1', '--from', '2022-06-01', '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(r.json<{ applications: { application_id: string }[] }>().applications.map((a) => a.application_id)).toEqual(['O1']);
    const csv = readFileSync(out, 'utf8');
    expect(csv).toMatch(/^\uFEFF拟支持项目公示名单/);
    expect(csv).toContain('序号,所属区（市）,企业名称,统一社会信用代码,项目名称,支持类别,拟补助金额（元）');
    expect(csv).toContain('市委、市政府确定的其他事项');
    // Once on notice, the amount can no longer be set.
    const again = run(['award', 'set', 'O1', '--amount', '1000', '--basis', '江府办〔2022〕13号']);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('公示中（in-notice）');
  });
});
