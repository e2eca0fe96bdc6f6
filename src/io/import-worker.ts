// The import worker: reads, parses and validates an applications file or a
// side list and sends its events to the main thread, which writes the ledger
// (see import-worker-protocol.ts); a workbook it only reads, and sends its
// records. It never touches the ledger.
import { parentPort, workerData } from 'node:worker_threads';
import {
  MESSAGES_IN_FLIGHT,
  ROWS_PER_MESSAGE,
  type WireEvent,
  WireTexts,
  type WorkerJob,
  type WorkerMessage,
  applicationTable,
  scoreSheetTable,
  scoreSheetToWire,
  serializeError,
  sideListTable,
  sideListToWire,
  toWire,
} from './import-worker-protocol.js';
import { readTableBatches } from './table-reader.js';

const port = parentPort;
if (port === null) throw new Error('import-worker.js runs as a worker thread');

let inFlight = 0;
let resume: (() => void) | null = null;
port.on('message', () => {
  inFlight--;
  const r = resume;
  resume = null;
  r?.();
});

const post = async (m: WorkerMessage): Promise<void> => {
  port.postMessage(m);
  if (m.t !== 'events' && m.t !== 'records') return;
  inFlight++;
  while (inFlight >= MESSAGES_IN_FLIGHT) await new Promise<void>((r) => (resume = r));
};

const job = workerData as WorkerJob;

/** A workbook: its records as read, for the main thread to parse. */
async function readRecords(): Promise<void> {
  try {
    for await (const batch of readTableBatches(job.file, job.read)) {
      for (let i = 0; i < batch.length; i += ROWS_PER_MESSAGE) await post({ t: 'records', rows: batch.slice(i, i + ROWS_PER_MESSAGE) });
    }
    await post({ t: 'done' });
  } catch (e) {
    port?.postMessage({ t: 'error', error: serializeError(e) } satisfies WorkerMessage);
  }
  port?.close();
}

async function run<E extends { kind: string; rows?: unknown[] }>(table: AsyncIterable<E>, wire: (ev: E, texts: WireTexts) => WireEvent): Promise<void> {
  let events: WireEvent[] = [];
  let texts = new WireTexts();
  let rows = 0;
  try {
    for await (const ev of table) {
      events.push(wire(ev, texts));
      if (ev.kind === 'rows') rows += ev.rows?.length ?? 0;
      // Rows are sent in a few thousands at a time; the header and the end at once.
      if (ev.kind !== 'rows' || rows >= ROWS_PER_MESSAGE) {
        await post({ t: 'events', events, texts: texts.texts });
        events = [];
        texts = new WireTexts();
        rows = 0;
      }
    }
    if (events.length > 0) await post({ t: 'events', events, texts: texts.texts });
    await post({ t: 'done' });
  } catch (e) {
    // Rows read before a record that cannot be cut are reported before it.
    if (events.length > 0) port?.postMessage({ t: 'events', events, texts: texts.texts } satisfies WorkerMessage);
    port?.postMessage({ t: 'error', error: serializeError(e) } satisfies WorkerMessage);
  }
  port?.close();
}

if (job.recordsOnly) void readRecords();
// Half the messages or more unread: the main thread (insert, seal) is the slower, so the content hashes are made here.
else if (job.table === 'applications') void run(applicationTable(job), (ev, texts) => toWire(ev, texts, inFlight >= MESSAGES_IN_FLIGHT / 2));
else if (job.table === 'side-list') void run(sideListTable(job), sideListToWire);
else void run(scoreSheetTable(job), scoreSheetToWire);
