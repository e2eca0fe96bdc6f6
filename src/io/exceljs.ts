// exceljs, loaded in one place and only the part a command uses, with the stream
// iteration of its workbook reader mended.
//
// exceljs 4.4.0 (lib/utils/iterate-stream.js) pauses the stream it iterates around every
// yield. The ZIP parser it iterates (unzipper) does not keep what it produces while paused:
// it ends, and the entries it had not delivered are lost (exceljs issue 3064). A workbook
// whose xl/workbook.xml part comes last, as exceljs itself writes it, then failed now and
// then ("Cannot read properties of undefined (reading 'sheets')"), or could lose a part.
// The iteration here never pauses the ZIP's stream of entries (the parser hands over the
// next entry only when the last one was read, so the queue stays short); a stream of
// bytes, an entry's content, is paused while its queue is long and resumed when it empties.
//
// exceljs also decodes each chunk of an XML part on its own (lib/utils/parse-sax.js,
// TextDecoder without `stream`): a character split between two chunks (16 KiB out of the
// ZIP, 64 KiB from a temporary file) became U+FFFD, so an officer's Chinese names came out
// with 2015���12月28日 in them, silently or as a row error (exceljs issues 2063, 2084, 2316).
// Here the parts reach the parser as text decoded across chunks: parse-sax passes text as is.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type * as ExcelJS from 'exceljs';
import { SharedStrings, SharedStringTable } from './xlsx-sheet.js';

const require = createRequire(import.meta.url);
const QUEUE_HIGH = 64;

/** A stream of bytes is an XML part: given on as text (asText), a character split between chunks kept whole. */
function iterateStream(stream: Readable): AsyncGenerator<unknown> {
  return stream.readableObjectMode ? iterateItems(stream) : asText(iterateItems(stream));
}

async function* iterateItems(stream: Readable): AsyncGenerator<unknown> {
  const queue: unknown[] = [];
  const pausable = !stream.readableObjectMode;
  let ended = false;
  let failed: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream.on('data', (d: unknown) => {
    queue.push(d);
    if (pausable && queue.length >= QUEUE_HIGH) stream.pause();
    notify();
  });
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('error', (error: unknown) => {
    failed = { error };
    notify();
  });
  for (;;) {
    if (failed) throw (failed as { error: unknown }).error;
    if (queue.length > 0) {
      yield queue.shift();
      continue;
    }
    if (ended) return;
    if (stream.isPaused()) stream.resume();
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

/** exceljs's lib folder: its modules are loaded one by one. */
const excelJsLib = (): string => join(dirname(require.resolve('exceljs')), 'lib');

type WorkbookWriter = typeof ExcelJS.stream.xlsx.WorkbookWriter;
let writer: WorkbookWriter | undefined;

/**
 * exceljs's streaming WorkbookWriter, its own module only: the whole of
 * exceljs (its in-memory workbook and reader too) takes about three times as
 * long to load, which a report of a city's round would mostly wait on.
 */
export function workbookWriter(): WorkbookWriter {
  if (!writer) nativeZipChecksum();
  return (writer ??= require(join(excelJsLib(), 'stream', 'xlsx', 'workbook-writer.js')) as WorkbookWriter);
}

/** The modules from exceljs down to the CRC-32 of its zip writer, each resolved from the one before (a nested copy too). */
const ZIP_CHECKSUM_PATH = ['archiver', 'zip-stream', 'compress-commons', 'crc32-stream', 'crc-32'];

/**
 * The zip under exceljs's writer (archiver, crc32-stream) checksums every part
 * with the crc-32 package, in JavaScript: a round's audit workbook is several
 * hundred MB of XML. Node's zlib.crc32 is the same checksum, native and about
 * ten times faster; it takes crc-32's `buf` before crc32-stream loads it.
 */
function nativeZipChecksum(): void {
  const zlib = process.getBuiltinModule('node:zlib') as typeof import('node:zlib');
  if (typeof zlib.crc32 !== 'function') return;
  let at = require.resolve('exceljs');
  for (const name of ZIP_CHECKSUM_PATH) at = require.resolve(name, { paths: [dirname(at)] });
  const crc = require(at) as { buf(data: Uint8Array, seed?: number): number };
  const cached = require.cache[at];
  if (!cached) return;
  // crc-32 returns a signed 32-bit value and takes the running checksum as its seed; zlib, unsigned.
  cached.exports = { ...crc, buf: (data: Uint8Array, seed = 0) => zlib.crc32(data, seed >>> 0) | 0 };
}

let reader: unknown;

/**
 * exceljs's streaming WorkbookReader, its module loaded afresh after its
 * stream iteration was replaced by iterateStream above: whatever loaded
 * exceljs before (a test, the writer) keeps the original.
 */
export function mendedWorkbookReader(): unknown {
  if (reader) return reader;
  const lib = excelJsLib();
  const iterate = join(lib, 'utils', 'iterate-stream.js');
  const readerModule = join(lib, 'stream', 'xlsx', 'workbook-reader.js');
  require(iterate);
  const cached = require.cache[iterate];
  if (!cached) throw new Error('internal error: exceljs iterate-stream is not in the module cache');
  cached.exports = iterateStream;
  delete require.cache[readerModule];
  const Reader = require(readerModule) as { prototype: BookReaderParts };
  // A sheet met before the shared strings is read back from a temporary file, bytes straight to the parser.
  const parseWorksheet = Reader.prototype._parseWorksheet;
  Reader.prototype._parseWorksheet = function (this: BookReaderParts, iterator: AsyncIterable<unknown>, sheetNo: string) {
    // A skipped sheet's file stream is never read, and exceljs deletes its file at once: the open may then fail after
    // the delete, an error nobody listens to, which would end the process. A read sheet's errors still reach its reader.
    if (isStream(iterator)) iterator.on('error', () => {});
    return parseWorksheet.call(this, asText(iterator), sheetNo);
  };
  // The shared strings, when kept, read as text (xlsx-sheet.ts) rather than out of a general XML parser's events.
  const parseSharedStrings = Reader.prototype._parseSharedStrings;
  Reader.prototype._parseSharedStrings = async function* (this: BookReaderParts, entry: Readable) {
    if (this.options.sharedStrings !== 'cache') {
      yield* parseSharedStrings.call(this, entry);
      return;
    }
    const strings = new SharedStringTable();
    this.sharedStrings = strings;
    const part = new SharedStrings(strings);
    for await (const chunk of iterateStream(entry)) part.push(chunk as string, []);
    part.end();
    strings.seal();
  };
  reader = Reader;
  return reader;
}

const isStream = (x: unknown): x is Readable => typeof (x as Partial<Readable> | null)?.on === 'function';

/** What of exceljs's WorkbookReader is replaced here. */
interface BookReaderParts {
  options: { sharedStrings?: string };
  sharedStrings?: unknown[] | SharedStringTable;
  _parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): unknown;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
}

/** Chunks of UTF-8 as text, decoded across chunks (text passes as it is). */
async function* asText(chunks: AsyncIterable<unknown>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const c of chunks) {
    const s = typeof c === 'string' ? c : decoder.decode(c as Uint8Array, { stream: true });
    if (s !== '') yield s;
  }
  const tail = decoder.decode();
  if (tail !== '') yield tail;
}
