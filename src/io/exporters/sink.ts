// Where a report exporter writes its text: small pieces gathered into chunks
// of about 64 KiB, each handed on (to a file, or kept for stdout) when full.
// `write` returns a promise only when a chunk went out, so a writer awaits
// the disk once per chunk and not once per cell.
const CHUNK = 1 << 16;

export class TextSink {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly emit: (chunk: string) => Promise<void> | void) {}

  write(s: string): Promise<void> | void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK) return this.flush();
  }

  flush(): Promise<void> | void {
    if (!this.parts.length) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return this.emit(chunk);
  }
}

/** Runs an exporter into a string (stdout, tests). */
export async function toText(write: (out: TextSink) => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const sink = new TextSink((c) => {
    chunks.push(c);
  });
  await write(sink);
  await sink.flush();
  return chunks.join('');
}
