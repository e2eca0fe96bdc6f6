// The report exporters write as they read: a section's rows are pulled one
// at a time and are out (in the sink) before many more are read, in every
// format; xlsx of a large section fits in a heap far smaller than the
// workbook would take in memory; and a report that fails half way leaves no
// file and no temporary file.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeReportFile } from '../../src/io/exporters/index.js';
import type { CellValue, Report } from '../../src/domain/reports/model.js';
import { text } from '../../src/domain/text.js';
import { writeCsv } from '../../src/io/exporters/report-csv.js';
import { runChild, tempDir } from '../helpers.js';
import { writeHtml } from '../../src/io/exporters/html.js';
import { writeJson } from '../../src/io/exporters/json.js';
import { writeMarkdown } from '../../src/io/exporters/md.js';
import { TextSink } from '../../src/io/exporters/sink.js';

let dir: string;
beforeAll(() => {
  dir = tempDir('jmfund-stream-');
});

const ROWS = 20_000;
const marker = (i: number) => `APP-${String(i).padStart(6, '0')}`;

/** A report with one large section whose rows are made on demand; `onRow` sees each row as it is pulled. */
function largeReport(rows: number, onRow: (i: number) => void = () => undefined): Report {
  return {
    kind: 'audit',
    title: text('审计报告', 'Audit report'),
    roundId: 'R',
    generatedAt: '2022-09-30T08:00:00.000Z',
    meta: [{ key: 'applications', label: text('申报数', 'Applications'), value: rows, type: 'number' }],
    sections: [
      {
        id: 'applications',
        title: text('申报', 'Applications'),
        columns: [
          { key: 'application_id', header: text('申报编号', 'Application'), type: 'text' },
          { key: 'enterprise', header: text('企业名称', 'Enterprise'), type: 'text' },
          { key: 'requested', header: text('申请金额（元）', 'Requested (yuan)'), type: 'money' },
          { key: 'submitted_on', header: text('申报日期', 'Submitted'), type: 'date' },
        ],
        rows: {
          *[Symbol.iterator]() {
            for (let i = 0; i < rows; i++) {
              onRow(i);
              yield [marker(i), `江门市第${i}号智能装备有限公司`, 100_000_00 + i, '2022-04-01'] as CellValue[];
            }
          },
        },
      },
    ],
    charts: [],
  };
}

describe('text exporters write row by row', () => {
  const exporters = { csv: writeCsv, json: writeJson, html: writeHtml, md: writeMarkdown };
  for (const [format, write] of Object.entries(exporters)) {
    it(`${format}: a row is in the sink before ${ROWS / 10} more are read`, async () => {
      let emitted = '';
      let lastOut = -1;
      let maxHeld = 0;
      const sink = new TextSink((chunk) => {
        emitted = chunk.subarray(-4000).toString('utf8');
        const m = [...emitted.matchAll(/APP-(\d{6})/g)].pop();
        if (m) lastOut = Number(m[1]);
      });
      await write(
        largeReport(ROWS, (i) => {
          maxHeld = Math.max(maxHeld, i - lastOut);
        }),
        'zh',
        sink,
      );
      await sink.flush();
      expect(lastOut).toBe(ROWS - 1);
      // A 64 KiB chunk holds about 1,000 of these rows at most; the whole report would be all 20,000.
      expect(maxHeld).toBeGreaterThan(1);
      expect(maxHeld).toBeLessThan(ROWS / 10);
    });
  }
});

describe('a sink that reuses its buffer', () => {
  it('gives the same bytes as one that does not, whatever the pieces (long, short, Chinese, larger than a buffer)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(
          fc.oneof(
            fc.string({ maxLength: 40 }),
            // Pieces of every size up to and past a buffer (64 KiB, 3 bytes a unit at most): fast-check's own strings stay short.
            fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 12_000 })).map(([s, n]) => s.repeat(n)),
            fc.constantFrom('江门', 'x'.repeat(70_000), '工'.repeat(22_000)),
          ),
          { maxLength: 60 },
        ), async (pieces) => {
        const fresh: Buffer[] = [];
        const a = new TextSink((c) => {
          fresh.push(c);
        });
        const reused: Buffer[] = [];
        // A consumer done with each chunk when emit returns: it copies it.
        const b = new TextSink((c) => {
          reused.push(Buffer.from(c));
        }, true);
        for (const s of pieces) {
          await a.write(s);
          await b.write(s);
        }
        await a.flush();
        await b.flush();
        expect(Buffer.concat(reused).equals(Buffer.concat(fresh))).toBe(true);
        expect(Buffer.concat(fresh).toString('utf8')).toBe(pieces.join(''));
      }),
      { numRuns: 60 },
    );
  });

  for (const format of ['csv', 'json', 'html', 'md'] as const) {
    it(`${format}: the file written equals the text rendered in memory`, async () => {
      const out = join(dir, `same.${format}`);
      await writeReportFile(largeReport(ROWS), format, 'zh', out);
      const chunks: Buffer[] = [];
      const mem = new TextSink((c) => {
        chunks.push(c);
      });
      const write = { csv: writeCsv, json: writeJson, html: writeHtml, md: writeMarkdown }[format];
      await write(largeReport(ROWS), 'zh', mem);
      await mem.flush();
      expect((await readFile(out)).equals(Buffer.concat(chunks))).toBe(true);
    });
  }
});

describe('a report that fails half way', () => {
  for (const format of ['csv', 'json', 'xlsx', 'html', 'md'] as const) {
    it(`${format}: leaves no file and no temporary file`, async () => {
      const sub = await mkdtemp(join(dir, `fail-${format}-`));
      const out = join(sub, `audit.${format}`);
      const failure = new Error('the ledger went away');
      const report = largeReport(ROWS, (i) => {
        if (i === 12_000) throw failure;
      });
      await expect(writeReportFile(report, format, 'en', out)).rejects.toBe(failure);
      expect(await readdir(sub)).toEqual([]);
    });
  }
});

describe('xlsx streams', () => {
  it('writes a sheet of 100,000 rows with a 40 MB heap, its XML never piling up in buffers before the zip', () => {
    const script = `
      const { writeReportFile } = await import(${JSON.stringify(resolve('dist/io/exporters/index.js'))});
      const { text } = await import(${JSON.stringify(resolve('dist/domain/text.js'))});
      let maxBuffers = 0;
      const rows = { *[Symbol.iterator]() { for (let i = 0; i < 100000; i++) {
        if (i % 1000 === 0) maxBuffers = Math.max(maxBuffers, process.memoryUsage().arrayBuffers);
        yield ['APP-' + i, '江门市第' + i + '号智能装备有限公司数字化车间改造项目', 100000000 + i, 91.5, '2022-04-01', text('予以支持', 'funded')];
      } } };
      const col = (key, type) => ({ key, header: text(key, key), type, decimals: 2 });
      const report = { kind: 'audit', title: text('审计报告', 'Audit report'), roundId: 'R', generatedAt: '2022-09-30T08:00:00.000Z', meta: [], charts: [],
        sections: [{ id: 's', title: text('申报', 'Applications'), columns: [col('id', 'text'), col('name', 'text'), col('requested', 'money'), col('score', 'number'), col('on', 'date'), col('reason', 'text')], rows }] };
      const w = await writeReportFile(report, 'xlsx', 'zh', ${JSON.stringify(join(dir, 'large.xlsx'))});
      process.stdout.write(JSON.stringify({ bytes: w.bytes, maxBuffers }));
    `;
    const r = runChild(process.execPath, ['--max-old-space-size=40', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { bytes, maxBuffers } = JSON.parse(r.stdout) as { bytes: number; maxBuffers: number };
    expect(bytes).toBeGreaterThan(2_000_000);
    // The sheet's XML is about 40 MB; what waits for the zip stays a few batches of rows.
    expect(maxBuffers).toBeLessThan(16 * 2 ** 20);
  }, 180_000);
});

describe('a sink whose consumer takes its time (a file)', () => {
  it('gives every piece in order, text and bytes, awaited only when it says a buffer went out', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 40 }).map((s) => ({ text: s })),
            fc.tuple(fc.constantFrom('江', 'ab', '€'), fc.integer({ min: 1, max: 9_000 })).map(([s, n]) => ({ text: s.repeat(n) })),
            fc.tuple(fc.constantFrom('门', 'z'), fc.integer({ min: 1, max: 30_000 })).map(([s, n]) => ({ bytes: Buffer.from(s.repeat(n), 'utf8') })),
          ),
          { maxLength: 80 },
        ),
        async (pieces) => {
          const out: Buffer[] = [];
          let busy = false;
          const sink = new TextSink(async (c) => {
            // A chunk handed on while the last one is still being written would be a lost ordering.
            expect(busy).toBe(false);
            busy = true;
            out.push(Buffer.from(c));
            await new Promise((r) => setImmediate(r));
            busy = false;
          });
          for (const p of pieces) {
            const w = 'text' in p ? sink.write(p.text) : sink.writeBytes(p.bytes);
            if (w) await w;
          }
          await sink.flush();
          const want = pieces.map((p) => ('text' in p ? p.text : p.bytes.toString('utf8'))).join('');
          expect(Buffer.concat(out).toString('utf8')).toBe(want);
        },
      ),
      { numRuns: 200 },
    );
  });
});
