// The notice list is written whole beside its place before the ledger commits,
// and moved into place after: when the move fails, the complete file is kept
// under a visible name (a hidden .tmp would be taken for a leftover).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stageFile } from '../../src/io/staged-file.js';
import { tempDir } from '../helpers.js';

describe('stageFile', () => {
  it('writes the whole content to a .NAME.PID.RAND.tmp beside the target, and commits by rename', () => {
    const dir = tempDir();
    const target = join(dir, 'notice.csv');
    writeFileSync(target, 'old');
    const s = stageFile(target, '新名单', { force: true });
    const [tmp] = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    expect(tmp).toMatch(new RegExp(`^\\.notice\\.csv\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(s.commitSync()).toEqual({ ok: true });
    expect(readFileSync(target, 'utf8')).toBe('新名单');
    expect(readdirSync(dir)).toEqual(['notice.csv']);
  });

  it('discard leaves the place as it was', () => {
    const dir = tempDir();
    const target = join(dir, 'notice.csv');
    stageFile(target, 'x', { force: false }).discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a commit that cannot take the name (a file appeared, without force; a folder, with force) keeps the complete file under a visible name', () => {
    const dir = tempDir();
    const target = join(dir, 'notice.csv');
    const s = stageFile(target, 'the list', { force: false });
    writeFileSync(target, 'someone else');
    const r = s.commitSync();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason.en).toMatch(/was created by another program meanwhile/);
    expect(r.leftAt).toBe(join(dir, `notice.${process.pid}.csv`));
    expect(readFileSync(r.leftAt as string, 'utf8')).toBe('the list');
    expect(readFileSync(target, 'utf8')).toBe('someone else');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const dir2 = tempDir();
    const t2 = join(dir2, 'list.csv');
    const s2 = stageFile(t2, 'the list', { force: true });
    mkdirSync(t2);
    writeFileSync(join(t2, 'inside'), 'x');
    const r2 = s2.commitSync();
    expect(r2.ok).toBe(false);
    expect(statSync(t2).isDirectory()).toBe(true);
    expect(readdirSync(dir2).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
