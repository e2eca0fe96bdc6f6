// Anchors (issue 16): the number and hash of an event, kept outside the ledger
// (another drive, a printed report, an email to the bureau). Whoever holds one
// can later check that the ledger still has that event with that hash: a log
// rewritten and re-sealed from the source's own formula cannot keep it.
import { UserError } from './errors.js';
import { text } from './text.js';

export interface Anchor {
  seq: number;
  hash: string;
  /** Where it came from, for messages: `--anchor` or `FILE:LINE`. */
  source: string;
}

const ANCHOR = /^#?(\d{1,15})[:\s]\s*([0-9a-fA-F]{64})(?:\s+(\S+))?\s*$/;

/** `SEQ:HASH` (as `--anchor` takes it) or `SEQ HASH [INSTANT]` (a line of an anchors file); null if neither. */
export function parseAnchor(s: string, source: string): Anchor | null {
  const m = ANCHOR.exec(s.trim());
  if (!m) return null;
  const seq = Number(m[1]);
  if (!Number.isSafeInteger(seq) || seq < 1) return null;
  return { seq, hash: m[2].toLowerCase(), source };
}

const EXPECTED = text('应为“序号:哈希”，例如 42:3f2a…（64 位十六进制）', 'expected SEQ:HASH, e.g. 42:3f2a… (64 hex digits)');

/** `--anchor SEQ:HASH`, refused (exit 2) when it is not one. */
export function anchorOption(value: string): Anchor {
  const a = parseAnchor(value, '--anchor');
  if (!a) throw new UserError(text(`--anchor ${value}：${EXPECTED.zh}`, `--anchor ${value}: ${EXPECTED.en}`), 2, text('用 `jmfund log --head` 或 `jmfund anchor` 得到锚点。', 'get an anchor with `jmfund log --head` or `jmfund anchor`.'));
  return a;
}

/**
 * Every anchor of an anchors file's text: one `SEQ HASH [INSTANT]` a line;
 * blank lines and lines starting with `//` or `;` are skipped. A line that is
 * neither is refused (exit 2) with its file, line and text.
 */
export function parseAnchorsText(content: string, file: string): Anchor[] {
  const out: Anchor[] = [];
  content.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('//') || t.startsWith(';')) return;
    const a = parseAnchor(t, `${file}:${i + 1}`);
    if (!a) {
      const shown = t.length > 80 ? `${t.slice(0, 80)}…` : t;
      throw new UserError(
        text(`${file} 第 ${i + 1} 行：「${shown}」不是锚点，每行应为“序号 哈希 [时间]”`, `${file}:${i + 1}: "${shown}" is not an anchor; each line is SEQ HASH [INSTANT]`),
        2,
        text('该文件由 `jmfund anchor --out FILE` 写出；请改正或删去这一行。', 'the file is written by `jmfund anchor --out FILE`; correct or remove that line.'),
      );
    }
    out.push(a);
  });
  return out;
}

/** The line `jmfund anchor` appends: `SEQ HASH INSTANT`. */
export const anchorLine = (seq: number, hash: string, at: string): string => `${seq} ${hash} ${at}`;
