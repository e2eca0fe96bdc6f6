// The workbook's zip: every part's CRC-32 in the central directory is the
// checksum of its content, computed here by a table of our own (the writer's
// checksum is Node's zlib.crc32 in place of the crc-32 package: exceljs.ts).
// Runs before anything loads exceljs whole, as a report command does.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/domain/reports/model.js';
import { text } from '../../src/domain/text.js';
import { renderXlsx } from '../../src/io/exporters/xlsx.js';

const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Each entry of a zip as its central directory records it, with its content. */
function entries(zip: Buffer): { name: string; crc: number; content: Buffer }[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  const out: { name: string; crc: number; content: Buffer }[] = [];
  for (let i = zip.readUInt16LE(end + 10); i > 0; i--) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(data, data + size);
    out.push({ name, crc, content: method === 8 ? inflateRawSync(raw) : raw });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

const report: Report = {
  kind: 'audit',
  title: text('审计报告', 'Audit report'),
  roundId: 'R',
  generatedAt: '2022-09-30T08:00:00.000Z',
  meta: [],
  charts: [],
  sections: [
    {
      id: 's',
      title: text('行', 'Rows'),
      columns: [{ key: 'id', header: text('编号', 'id'), type: 'text' }, { key: 'name', header: text('名称', 'name'), type: 'text' }],
      rows: { *[Symbol.iterator]() { for (let i = 0; i < 30_000; i++) yield [`A-${i}`, `江门市第${i}号企业有限公司`]; } },
    },
  ],
};

describe('the workbook zip', () => {
  it('records the CRC-32 of every part, as an independent checksum finds it', async () => {
    const zip = await renderXlsx(report, 'zh');
    const parts = entries(zip);
    expect(parts.map((p) => p.name)).toContain('xl/worksheets/sheet2.xml');
    // The sheet of 30,000 rows is larger than a zlib chunk: its checksum runs on over many.
    expect(parts.find((p) => p.name === 'xl/worksheets/sheet2.xml')!.content.length).toBeGreaterThan(1 << 20);
    for (const p of parts) expect(p.crc, p.name).toBe(crc32(p.content));
  });

  it('is checksummed by zlib.crc32, not by the crc-32 package in JavaScript', async () => {
    await renderXlsx(report, 'en');
    const require = createRequire(import.meta.url);
    let at = require.resolve('exceljs');
    for (const name of ['archiver', 'zip-stream', 'compress-commons', 'crc32-stream', 'crc-32']) at = require.resolve(name, { paths: [dirname(at)] });
    const buf = (require.cache[at]?.exports as { buf: (b: Uint8Array, seed?: number) => number }).buf;
    expect(String(buf)).toContain('zlib.crc32');
    // The package's contract: a signed 32-bit value, the running checksum as the seed.
    const data = Buffer.from('江门 industrial internet');
    expect(buf(data) >>> 0).toBe(crc32(data));
    expect(buf(data.subarray(9), buf(data.subarray(0, 9))) >>> 0).toBe(crc32(data));
    expect(buf(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toBeLessThan(0);
  });
});
