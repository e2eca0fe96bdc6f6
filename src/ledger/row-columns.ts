// The raw rows of a query (Statement.raw()) kept in columns, so that a
// report that walks the same rows several times (the audit report: its charts,
// its allocation and its money sections) reads the ledger once. In columns,
// not as the rows themselves: numbers in a Float64Array, repeated text as
// codes into its distinct values, which takes a fraction of the memory of
// 10^5 row arrays. Past `maxRows` the rows are not kept (the caller reads
// the ledger again), so memory stays bounded whatever the round's size.

/** A column: numbers (null as NaN: SQLite never returns NaN), text by code (0: null), or anything as read. */
type Column =
  | { kind: 'number'; data: Float64Array }
  | { kind: 'text'; codes: Uint16Array; values: (string | null)[]; index: Map<string, number> }
  | { kind: 'any'; data: unknown[] };

/** Distinct texts a text column codes (Uint16Array); a column with more keeps its values as read. */
const MAX_CODES = 1 << 16;
/** A text column with more distinct values than this that are more than half its rows (ids) keeps its values as read. */
const FEW_CODES = 1 << 12;

export class RowColumns {
  private cols: Column[] | null = null;
  private length = 0;
  private capacity = 0;

  constructor(private readonly maxRows: number) {}

  get size(): number {
    return this.length;
  }

  /** Keeps one more row; false (and nothing kept any more) once past maxRows. */
  push(r: readonly unknown[]): boolean {
    if (this.length >= this.maxRows) {
      this.cols = null;
      return false;
    }
    if (this.cols === null) this.cols = r.map((v) => (typeof v === 'string' ? textColumn(0) : { kind: 'number', data: new Float64Array(0) }));
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    const cols = this.cols;
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k];
      const v = r[k];
      if (c.kind === 'number' && (typeof v === 'number' || v === null)) c.data[i] = v === null ? NaN : v;
      else if (c.kind === 'text' && (typeof v === 'string' || v === null)) {
        if (v === null) c.codes[i] = 0;
        else {
          let code = c.index.get(v);
          if (code === undefined && c.values.length < MAX_CODES && (c.values.length <= FEW_CODES || c.values.length * 2 <= i)) {
            code = c.values.length;
            c.values.push(v);
            c.index.set(v, code);
          }
          if (code !== undefined) c.codes[i] = code;
          else (cols[k] = anyColumn(c, i, this.capacity)).data[i] = v;
        }
      } else if (c.kind === 'any') c.data[i] = v;
      else {
        // A value the column's kind cannot hold: a number column that was all nulls so far turns to text, else to values as read.
        const allNull = c.kind === 'number' && typeof v === 'string' && c.data.subarray(0, i).every(Number.isNaN);
        if (allNull) {
          const t = textColumn(this.capacity);
          cols[k] = t;
          t.codes[i] = t.values.push(v as string) - 1;
          t.index.set(v as string, t.codes[i]);
        } else (cols[k] = anyColumn(c, i, this.capacity)).data[i] = v;
      }
    }
    return true;
  }

  /** The rows kept, in order; each is the same array, refilled (read it before taking the next). */
  *rows(): Generator<unknown[]> {
    const cols = this.cols;
    if (cols === null) return;
    const row = new Array<unknown>(cols.length);
    for (let i = 0; i < this.length; i++) {
      for (let k = 0; k < cols.length; k++) {
        const c = cols[k];
        if (c.kind === 'number') {
          const v = c.data[i];
          row[k] = v === v ? v : null;
        } else if (c.kind === 'text') row[k] = c.values[c.codes[i]];
        else row[k] = c.data[i];
      }
      yield row;
    }
  }

  private grow(): void {
    const capacity = Math.min(Math.max(1024, this.capacity * 2), this.maxRows);
    for (const c of this.cols ?? []) {
      if (c.kind === 'number') {
        const d = new Float64Array(capacity);
        d.set(c.data);
        c.data = d;
      } else if (c.kind === 'text') {
        const d = new Uint16Array(capacity);
        d.set(c.codes);
        c.codes = d;
      }
    }
    this.capacity = capacity;
  }
}

function textColumn(capacity: number): Column & { kind: 'text' } {
  return { kind: 'text', codes: new Uint16Array(capacity), values: [null], index: new Map() };
}

/** The column's first `n` values as read, in a column that holds anything. */
function anyColumn(c: Column, n: number, capacity: number): Column & { kind: 'any' } {
  const data = new Array<unknown>(capacity);
  for (let i = 0; i < n; i++) {
    if (c.kind === 'number') data[i] = c.data[i] === c.data[i] ? c.data[i] : null;
    else if (c.kind === 'text') data[i] = c.values[c.codes[i]];
    else data[i] = c.data[i];
  }
  return { kind: 'any', data };
}
