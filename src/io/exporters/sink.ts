// Where a report exporter writes its text: pieces are gathered a few thousand
// characters at a time and encoded straight into a 64 KiB buffer, and a full
// buffer is handed on (to a file, or kept for stdout). `write` returns a promise only when a buffer went out, so a writer
// awaits the disk once per buffer, not once per cell. Encoding into a buffer,
// rather than joining strings and encoding the result, is about ten times
// faster (the strings of a Chinese report are two-byte strings).
const CHUNK = 1 << 16;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit. */
const MAX_BYTES_PER_UNIT = 3;

/** Text gathered before it is encoded: one Buffer.write per few thousand characters, not per cell or row (its call cost as much as a row's encoding). */
const GATHER_UNITS = 4096;

export class TextSink {
  private buf = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private gathered = '';
  /** `reuse`: the consumer is done with a chunk when `emit` returns (it wrote it), so one buffer serves throughout. */
  constructor(
    private readonly emit: (chunk: Buffer) => Promise<void> | void,
    private readonly reuse = false,
  ) {}

  write(s: string): Promise<void> | void {
    this.gathered += s;
    if (this.gathered.length < GATHER_UNITS) return;
    return this.encodeGathered();
  }

  private encodeGathered(): Promise<void> | void {
    const s = this.gathered;
    this.gathered = '';
    if (this.used + s.length * MAX_BYTES_PER_UNIT <= CHUNK) {
      this.used += this.buf.write(s, this.used, 'utf8');
      return;
    }
    const full = this.take();
    if (s.length * MAX_BYTES_PER_UNIT > CHUNK) {
      // A piece larger than a buffer goes out whole, after what came before it.
      const big = Buffer.from(s, 'utf8');
      if (!full) return this.emit(big);
      const p = this.emit(full);
      return p ? p.then(() => this.emit(big)) : this.emit(big);
    }
    // Emitted before the buffer takes the new text: with `reuse` it is the same buffer.
    const p = full ? this.emit(full) : undefined;
    this.used = this.buf.write(s, 0, 'utf8');
    return p;
  }

  /** Text already encoded (rows held back by a writer), after what came before it. */
  writeBytes(b: Buffer): Promise<void> | void {
    const p = this.gathered ? this.encodeGathered() : undefined;
    return p ? p.then(() => this.copyBytes(b)) : this.copyBytes(b);
  }

  private copyBytes(b: Buffer): Promise<void> | void {
    if (this.used + b.length <= CHUNK) {
      this.used += b.copy(this.buf, this.used);
      return;
    }
    const full = this.take();
    if (!full) return this.emit(b);
    const p = this.emit(full);
    return p ? p.then(() => this.emit(b)) : this.emit(b);
  }

  flush(): Promise<void> | void {
    const p = this.gathered ? this.encodeGathered() : undefined;
    const out = () => {
      const full = this.take();
      if (full) return this.emit(full);
    };
    return p ? p.then(out) : out();
  }

  /** The bytes so far; a new buffer takes their place (the consumer may keep the old one) unless `reuse`. */
  private take(): Buffer | null {
    if (!this.used) return null;
    const full = this.buf.subarray(0, this.used);
    if (!this.reuse) this.buf = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
    return full;
  }
}

/** Runs an exporter into a string (stdout, tests). */
export async function toText(write: (out: TextSink) => Promise<void>): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new TextSink((c) => {
    chunks.push(c);
  });
  await write(sink);
  await sink.flush();
  return Buffer.concat(chunks).toString('utf8');
}
