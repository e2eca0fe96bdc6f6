import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileExistsError, FileWriteError, writeFileAtomic, writeFileAtomicStream } from '../../src/io/atomic-write.js';
import { createHash } from 'node:crypto';
import { tempDir } from '../helpers.js';

let dir: string;
beforeAll(() => {
  dir = tempDir('jmfund-write-');
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

describe('writeFileAtomicStream', () => {
  it('streams into the file and reports its size and SHA-256', async () => {
    const p = join(dir, 'streamed.csv');
    const w = await writeFileAtomicStream(p, async (out) => {
      for (let i = 0; i < 1000; i++) await out.chunk(`行${i}\r\n`);
    });
    const content = await readFile(p);
    expect(w.bytes).toBe(content.length);
    expect(w.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(content.toString('utf8').split('\r\n')).toHaveLength(1001);
  });

  it('chunkNow: each chunk is on disk when it returns (the buffer may be reused), in order, with size and SHA-256, and the event loop turns', async () => {
    const p = join(dir, 'now.csv');
    const buf = Buffer.alloc(64 * 1024);
    const want = createHash('sha256');
    let bytes = 0;
    let turns = 0;
    const tick = setInterval(() => turns++, 0);
    try {
      await writeFileAtomicStream(p, async (out) => {
        for (let i = 0; i < 400; i++) {
          buf.fill(i % 251);
          want.update(buf);
          bytes += buf.length;
          const wait = out.chunkNow(buf);
          if (wait) await wait;
        }
      });
    } finally {
      clearInterval(tick);
    }
    const content = await readFile(p);
    expect(content.length).toBe(bytes);
    expect(createHash('sha256').update(content).digest('hex')).toBe(want.digest('hex'));
    for (let i = 0; i < 400; i += 57) expect(content[i * 64 * 1024 + 100]).toBe(i % 251);
    // 25 MiB: the timer ran between the writes, not only after them.
    expect(turns).toBeGreaterThan(1);
  });

  it('leaves neither the file nor a temporary file when the producer fails half way, and passes its error on', async () => {
    const sub = await mkdtemp(join(dir, 'fail-'));
    const p = join(sub, 'half.json');
    const boom = new Error('query failed');
    const err = await writeFileAtomicStream(p, async (out) => {
      for (let i = 0; i < 5000; i++) await out.chunk(`{"row": ${i}},\n`);
      throw boom;
    }).catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect(await readdir(sub)).toEqual([]);
  });

  it('keeps the old file when a forced rewrite fails half way', async () => {
    const sub = await mkdtemp(join(dir, 'keep-'));
    const p = join(sub, 'report.md');
    await writeFile(p, 'old report');
    await expect(
      writeFileAtomicStream(
        p,
        async (out) => {
          await out.chunk('new report, first half');
          throw new Error('stop');
        },
        { force: true },
      ),
    ).rejects.toThrow('stop');
    expect(await readFile(p, 'utf8')).toBe('old report');
    expect(await readdir(sub)).toEqual(['report.md']);
  });

  it('refuses an existing file before producing anything', async () => {
    const p = join(dir, 'exists.csv');
    await writeFile(p, 'old');
    let produced = false;
    const err = await writeFileAtomicStream(p, async () => {
      produced = true;
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileExistsError);
    expect(produced).toBe(false);
  });
});

describe('writeFileAtomicStream interrupted', () => {
  it('removes the temporary file when the process is killed half way, says so, and exits 128 + the signal', async () => {
    if (process.platform === 'win32') return;
    const sub = await mkdtemp(join(dir, 'killed-'));
    const script = `
      const { writeFileAtomicStream } = await import(${JSON.stringify(resolve('dist/io/atomic-write.js'))});
      await writeFileAtomicStream(${JSON.stringify(join(sub, 'audit.csv'))}, async (out) => {
        await out.chunk('申报编号\\r\\n'.repeat(10000));
        process.stdout.write('writing\\n');
        await new Promise((r) => setTimeout(r, 60000));
      });
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((ok) => child.stdout.once('data', () => ok()));
    expect((await readdir(sub)).filter((n) => n.endsWith('.tmp'))).toHaveLength(1);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null, string | null];
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted \(SIGTERM\); removed .*\.audit\.csv\.\d+\.[0-9a-f]{12}\.tmp/);
    expect(await readdir(sub)).toEqual([]);
  }, 30_000);
});
