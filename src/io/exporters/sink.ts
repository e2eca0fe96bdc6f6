// Where a report exporter writes its text: each piece is encoded straight
// into a buffer (64 KiB unless told), and a full buffer is handed on (to a
// file, or kept for stdout) and a new one takes its place. `write` returns a
// promise only when a buffer went out, so a writer awaits the disk once per
// buffer, not once per cell. Encoding into a buffer,
// rather than joining strings and encoding the result, is about ten times
// faster (the strings of a Chinese report are two-byte strings).
const CHUNK = 1 << 16;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit. */
const MAX_BYTES_PER_UNIT = 3;

export class TextSink {
  private buf: Buffer;
  private used = 0;
  /** `size`: bytes of a buffer; the consumer owns each chunk `emit` is given. `fresh` gives the next buffer (one the consumer is done with, say). */
  constructor(
    private readonly emit: (chunk: Buffer) => Promise<void> | void,
    private readonly size = CHUNK,
    private readonly fresh: (size: number) => Buffer = Buffer.allocUnsafe,
  ) {
    this.buf = fresh(size);
  }

  write(s: string): Promise<void> | void {
    if (this.used + s.length * MAX_BYTES_PER_UNIT <= this.size) {
      this.used += this.buf.write(s, this.used, 'utf8');
      return;
    }
    const full = this.take();
    if (s.length * MAX_BYTES_PER_UNIT > this.size) {
      // A piece larger than a buffer goes out whole, after what came before it.
      const big = Buffer.from(s, 'utf8');
      if (!full) return this.emit(big);
      const p = this.emit(full);
      return p ? p.then(() => this.emit(big)) : this.emit(big);
    }
    const p = full ? this.emit(full) : undefined;
    this.used = this.buf.write(s, 0, 'utf8');
    return p;
  }

  flush(): Promise<void> | void {
    const full = this.take();
    if (full) return this.emit(full);
  }

  /** The bytes so far; a new buffer takes their place (the consumer keeps the old one). */
  private take(): Buffer | null {
    if (!this.used) return null;
    const full = this.buf.subarray(0, this.used);
    this.buf = this.fresh(this.size);
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
