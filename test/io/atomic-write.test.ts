import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileExistsError, FileWriteError, writeFileAtomic } from '../../src/io/atomic-write.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jmfund-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes a new file and leaves no temporary file behind', async () => {
    const p = join(dir, 'report.csv');
    await writeFileAtomic(p, '申报编号\r\n');
    expect(await readFile(p, 'utf8')).toBe('申报编号\r\n');
    expect(await readdir(dir)).toEqual(['report.csv']);
  });

  it('refuses to overwrite without force, and keeps the old content', async () => {
    const p = join(dir, 'keep.csv');
    await writeFile(p, 'old');
    const err = await writeFileAtomic(p, 'new').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileExistsError);
    expect(err).toBeInstanceOf(FileWriteError);
    const e = err as FileExistsError;
    expect(e.code).toBe('exists');
    expect(e.text).toEqual({ zh: `${p} 已存在；如要覆盖，请加 --force`, en: `${p} exists; use --force to overwrite` });
    expect(await readFile(p, 'utf8')).toBe('old');
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('overwrites with force', async () => {
    const p = join(dir, 'force.csv');
    await writeFile(p, 'old');
    await writeFileAtomic(p, Buffer.from('new'), { force: true });
    expect(await readFile(p, 'utf8')).toBe('new');
  });

  it('applies the mode to a new file', async () => {
    if (process.platform === 'win32') return;
    const p = join(dir, 'private.json');
    await writeFileAtomic(p, '{}', { mode: 0o600 });
    expect((await stat(p)).mode & 0o777).toBe(0o600);
  });

  it('explains a missing directory', async () => {
    const p = join(dir, 'no', 'such', 'dir.csv');
    const err = (await writeFileAtomic(p, 'x').catch((e: unknown) => e)) as FileWriteError;
    expect(err).toBeInstanceOf(FileWriteError);
    expect(err.code).toBe('io');
    expect(err.text.en).toContain('does not exist');
  });
});
