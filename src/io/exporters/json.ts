// Report → JSON for machines: stable keys, money as integer fen (columns say
// `"unit": "fen"`), ledger words as their codes with the label beside them,
// texts in the chosen language. Rows are written one at a time, so a report
// of any size is never one string.
import { openRows, resolveCell, type CellValue, type Column, type Report } from '../../domain/reports/model.js';
import type { Lang } from '../../domain/text.js';
import { stringifyJson } from '../../domain/exact-json.js';
import { type RowsElsewhere, rowsFrom, spliceChunks } from './rows-elsewhere.js';
import { toText, type TextSink } from './sink.js';

type JsonValue = string | number | bigint | null | { fen: number | bigint };

function jsonValue(v: CellValue, c: Column, lang: Lang): { value: JsonValue; label?: string } {
  const r = resolveCell(v, c, lang);
  switch (r.type) {
    case 'empty':
      return { value: null };
    case 'text':
      return r.code !== undefined ? { value: r.code, label: r.text } : { value: r.text };
    case 'money':
      // A money cell in a column of another type says what it is.
      return { value: c.type === 'money' ? r.fen : { fen: r.fen } };
    case 'number':
    case 'percent':
      return { value: r.value };
    default:
      return { value: r.value };
  }
}

/** Text that JSON.stringify writes as it is between quotes: no quote, backslash, control character or surrogate. */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
/** JSON.stringify(s), a third of its time for the plain texts that are most of a report's cells. */
export const quoted = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

/**
 * A row as JSON.stringify(row) writes it, on one line, built directly: a row
 * is flat (a money cell in a column of another type is the only nested
 * value). One line per row, not indented field by field: at 10^5 applications
 * the audit report's 1.2 million rows took 836 MB so, and writing them was
 * most of its time.
 */
function rowJson(cells: CellValue[], columns: Column[], keys: string[], labelKeys: string[], lang: Lang): string {
  let s = '';
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    const cell = cells[i] ?? null;
    let v: string;
    let label: string | undefined;
    // The common cells written as jsonValue resolves them, without its objects (a report of 10^5 applications has millions).
    if (cell === null) v = 'null';
    else if (typeof cell === 'string') v = quoted(cell);
    else if (typeof cell === 'number') v = Number.isFinite(cell) ? String(cell) : 'null';
    else if (typeof cell === 'object' && 'code' in cell) {
      v = quoted(cell.code);
      label = cell.label[lang];
    } else if (typeof cell === 'object' && !('fen' in cell)) v = quoted(cell[lang]);
    else {
      const r = jsonValue(cell, c, lang);
      const value = r.value;
      label = r.label;
      v = value !== null && typeof value === 'object' ? `{"fen":${String(value.fen)}}` : typeof value === 'bigint' ? String(value) : JSON.stringify(value);
    }
    s += `${s ? ',' : ''}${keys[i]}:${v}`;
    if (label !== undefined) s += `,${labelKeys[i]}:${quoted(label)}`;
  }
  return `{${s}}`;
}

/** JSON.stringify(v, null, 2) of a value nested `depth` levels deep. */
const nested = (v: unknown, depth: number): string => stringifyJson(v, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);

/**
 * Writes what `JSON.stringify(report, null, 2)` would, but with each row on
 * one line (rowJson), one row at a time: the frame is written by hand, each
 * small part by JSON.stringify. JSON.parse reads the same value either way.
 */
/** A section's rows, a line each, the first after the opening bracket. */
export async function writeJsonRows(rows: Iterable<CellValue[]>, columns: Column[], lang: Lang, out: TextSink): Promise<void> {
  const keys = columns.map((c) => JSON.stringify(c.key));
  const labelKeys = columns.map((c) => JSON.stringify(`${c.key}_label`));
  let firstRow = true;
  for (const cells of rows) {
    // Awaited only when a buffer went out: an await per row is a pause per row.
    const p = out.write(`${firstRow ? '\n' : ',\n'}        ${rowJson(cells, columns, keys, labelKeys, lang)}`);
    if (p) await p;
    firstRow = false;
  }
}

/** `elsewhere`: sections whose rows another thread writes (rows-elsewhere.ts). */
export async function writeJson(r: Report, lang: Lang, out: TextSink, elsewhere?: RowsElsewhere): Promise<void> {
  const head = {
    kind: r.kind,
    round: r.roundId,
    lang,
    title: r.title[lang],
    generated_at: r.generatedAt,
    meta: r.meta.map((m) => {
      const { value, label } = jsonValue(m.value, { key: m.key, header: m.label, type: m.type }, lang);
      return label === undefined ? { key: m.key, label: m.label[lang], value } : { key: m.key, label: m.label[lang], value, value_label: label };
    }),
  };
  const headText = nested(head, 0);
  await out.write(`${headText.slice(0, -2)},\n  "sections": [`);
  let firstSection = true;
  for (const s of r.sections) {
    const frame = {
      id: s.id,
      title: s.title[lang],
      ...(s.note ? { note: s.note[lang] } : {}),
      columns: s.columns.map((c) => ({ key: c.key, header: c.header[lang], type: c.type, ...(c.type === 'money' ? { unit: 'fen' } : {}) })),
    };
    const frameText = nested(frame, 2);
    await out.write(`${firstSection ? '\n' : ',\n'}    ${frameText.slice(0, -6)},\n      "rows": [`);
    firstSection = false;
    const done = await rowsFrom(elsewhere, s.id);
    const { empty, rows } = done ? { empty: done.count === 0, rows: [] } : openRows(s.rows);
    if (empty) {
      await out.write(']\n    }');
      continue;
    }
    if (done) await spliceChunks(out, done.chunks);
    else await writeJsonRows(rows, s.columns, lang, out);
    await out.write('\n      ]\n    }');
  }
  await out.write(firstSection ? '],' : '\n  ],');
  const charts = r.charts.map((c) =>
    c.unit === 'count'
      ? { id: c.id, title: c.title[lang], unit: 'count', bars: c.bars.map((b) => ({ label: b.label[lang], count: Number(b.fen), parts: (b.parts ?? []).map((p) => ({ label: p.label[lang], count: p.count })) })) }
      : { id: c.id, title: c.title[lang], bars: c.bars.map((b) => ({ label: b.label[lang], fen: b.fen })) },
  );
  const summary = r.summary && {
    money: r.summary.money.map((m) => ({ stage: m.stage, fen: m.fen })),
    states: r.summary.states.map((x) => ({ state: x.state, count: x.count })),
    verify: r.summary.verify && { ok: r.summary.verify.ok, text: r.summary.verify.text[lang] },
  };
  await out.write(`\n  "charts": ${nested(charts, 1)}${summary ? `,\n  "summary": ${nested(summary, 1)}` : ''}\n}\n`);
}

export const renderJson = (r: Report, lang: Lang): Promise<string> => toText((out) => writeJson(r, lang, out));
