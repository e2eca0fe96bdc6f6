import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileHandle } from 'node:fs/promises';
import { AtomicOut, FileExistsError, FileWriteError, writeFileAtomic, writeFileAtomicStream } from '../../src/io/atomic-write.js';
import { createHash } from 'node:crypto';

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

  it('handOver: chunks written at their place on the thread pool, in order, with size and SHA-256, a few at a time', async () => {
    const p = join(dir, 'handed.csv');
    const want = createHash('sha256');
    let bytes = 0;
    let waits = 0;
    await writeFileAtomicStream(p, async (out) => {
      for (let i = 0; i < 400; i++) {
        // Sizes that vary, so that each write's place in the file is its own.
        const buf = Buffer.alloc(64 * 1024 + (i % 7) * 1000, i % 251);
        want.update(buf);
        bytes += buf.length;
        const wait = out.handOver(buf);
        if (wait) {
          waits++;
          await wait;
        }
      }
    });
    const content = await readFile(p);
    expect(content.length).toBe(bytes);
    expect(createHash('sha256').update(content).digest('hex')).toBe(want.digest('hex'));
    // The caller waits once a few writes are under way: what is held stays bounded.
    expect(waits).toBeGreaterThan(300);
  });

  it('handOver with spare(): a buffer comes back only once its write has ended (40 MiB of text through a 1 MiB sink)', async () => {
    const { TextSink } = await import('../../src/io/exporters/sink.js');
    const p = join(dir, 'spares.csv');
    const want = createHash('sha256');
    const buffers = new Set<ArrayBufferLike>();
    await writeFileAtomicStream(p, async (out) => {
      const sink = new TextSink((c) => out.handOver(c), 1 << 20, (size) => {
        const b = out.spare(size);
        buffers.add(b.buffer);
        return b;
      });
      for (let i = 0; i < 400_000; i++) {
        const line = `${i},江门市第${i % 977}号企业,${'x'.repeat(i % 53)}\r\n`;
        want.update(line);
        const wait = sink.write(line);
        if (wait) await wait;
      }
      await sink.flush();
    });
    expect(createHash('sha256').update(await readFile(p)).digest('hex')).toBe(want.digest('hex'));
    // Buffers were used again: a handful for the whole file, not one per MiB.
    expect(buffers.size).toBeLessThan(10);
  });

  it('spare(): never a buffer whose write is still under way; the same buffer once it has ended', async () => {
    const pending: (() => void)[] = [];
    const landed: string[] = [];
    // A file whose writes end when the test says so, and keep what the buffer held at that moment.
    const fh = {
      write: (b: Buffer, off: number, len: number) =>
        new Promise<{ bytesWritten: number }>((resolve) =>
          pending.push(() => {
            landed.push(b.subarray(off, off + len).toString());
            resolve({ bytesWritten: len });
          }),
        ),
    };
    const out = new AtomicOut(fh as unknown as FileHandle);
    const a = out.spare(8);
    a.write('aaaaaaaa');
    expect(out.handOver(a)).toBeUndefined();
    const b = out.spare(8);
    expect(b.buffer).not.toBe(a.buffer);
    b.write('bbbbbbbb');
    out.handOver(b);
    pending.shift()?.();
    await new Promise((r) => setImmediate(r));
    const c = out.spare(8);
    expect(c.buffer).toBe(a.buffer);
    c.write('cccccccc');
    pending.shift()?.();
    out.handOver(c);
    pending.shift()?.();
    await out.settled();
    expect(landed).toEqual(['aaaaaaaa', 'bbbbbbbb', 'cccccccc']);
  });

  it('handOver: a failed write fails the file (named), and leaves neither the file nor a temporary file', async () => {
    const sub = await mkdtemp(join(dir, 'handfail-'));
    const p = join(sub, 'full.csv');
    let calls = 0;
    const err = await writeFileAtomicStream(p, async (out) => {
      // The file's handle closed behind its back: every write fails with EBADF.
      await (out as unknown as { fh: { close(): Promise<void> } }).fh.close();
      for (let i = 0; i < 100; i++) {
        calls++;
        const wait = out.handOver(Buffer.alloc(1000, 1));
        if (wait) await wait;
      }
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileWriteError);
    expect((err as FileWriteError).path).toBe(p);
    expect(calls).toBeLessThan(100);
    expect(await readdir(sub)).toEqual([]);
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
