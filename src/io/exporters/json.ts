// Report → JSON for machines: stable keys, money as integer fen (columns say
// `"unit": "fen"`), ledger words as their codes with the label beside them,
// texts in the chosen language.
import { resolveCell, type CellValue, type Column, type Report } from '../../domain/report.js';
import type { Lang } from '../../domain/text.js';

type JsonValue = string | number | null | { fen: number };

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

function row(cells: CellValue[], columns: Column[], lang: Lang): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  columns.forEach((c, i) => {
    const { value, label } = jsonValue(cells[i] ?? null, c, lang);
    out[c.key] = value;
    if (label !== undefined) out[`${c.key}_label`] = label;
  });
  return out;
}

export function reportToJson(r: Report, lang: Lang): unknown {
  return {
    kind: r.kind,
    round: r.roundId,
    lang,
    title: r.title[lang],
    generated_at: r.generatedAt,
    meta: r.meta.map((m) => {
      const { value, label } = jsonValue(m.value, { key: m.key, header: m.label, type: m.type }, lang);
      return label === undefined ? { key: m.key, label: m.label[lang], value } : { key: m.key, label: m.label[lang], value, value_label: label };
    }),
    sections: r.sections.map((s) => ({
      id: s.id,
      title: s.title[lang],
      ...(s.note ? { note: s.note[lang] } : {}),
      columns: s.columns.map((c) => ({ key: c.key, header: c.header[lang], type: c.type, ...(c.type === 'money' ? { unit: 'fen' } : {}) })),
      rows: s.rows.map((cells) => row(cells, s.columns, lang)),
    })),
    charts: r.charts.map((c) => ({ id: c.id, title: c.title[lang], bars: c.bars.map((b) => ({ label: b.label[lang], fen: b.fen })) })),
  };
}

export function renderJson(r: Report, lang: Lang): string {
  return `${JSON.stringify(reportToJson(r, lang), null, 2)}\n`;
}
