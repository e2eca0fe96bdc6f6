// The README's examples run as written: every `jmfund …` line of its sh code
// blocks, in order, in one folder holding the repository's fixtures/, on one
// ledger, as a newcomer would type them. A line may end with a comment starting `# exit N` when N
// is the exit code the README means to show; any other code fails the test.
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runChild, tempDir } from '../helpers.js';

export interface ReadmeCommand {
  line: number;
  command: string;
  exitCode: number;
}

/** `jmfund …` commands (and the `export VAR=…` and `mkdir` lines they need) of the README's sh blocks, `\` continuations joined. */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  const lines = markdown.split('\n');
  let inSh = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^```sh\s*$/.test(l)) {
      inSh = true;
      continue;
    }
    if (/^```/.test(l)) {
      inSh = false;
      continue;
    }
    if (!inSh) continue;
    const start = i;
    let cmd = l;
    while (cmd.endsWith('\\') && i + 1 < lines.length) cmd = `${cmd.slice(0, -1).trimEnd()} ${lines[++i].trim()}`;
    const { code, comment } = splitComment(cmd);
    const exit = /^\s*exit (\d)\b/.exec(comment);
    const c = code.trim().replace(/^npx jmfund\b/, 'jmfund');
    if (/^(jmfund|export|mkdir) /.test(c) || c === 'jmfund') out.push({ line: start + 1, command: c, exitCode: exit ? Number(exit[1]) : 0 });
  }
  return out;
}

/** The command and its trailing `# comment`; a # inside quotes is part of the command. */
function splitComment(s: string): { code: string; comment: string } {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) return { code: s.slice(0, i), comment: s.slice(i + 1) };
  }
  return { code: s, comment: '' };
}

describe('README examples', () => {
  const commands = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  it('are found', () => {
    expect(commands.length).toBeGreaterThan(40);
    expect(readmeCommands('```sh\njmfund a "#x" # exit 3\nnpm ci\njmfund b \\\n  --c\n```\njmfund not-in-a-block\n')).toEqual([
      { line: 2, command: 'jmfund a "#x"', exitCode: 3 },
      { line: 4, command: 'jmfund b --c', exitCode: 0 },
    ]);
  });

  it('run as written, in order, with the exit codes the README shows', () => {
    const dir = tempDir('jmfund-readme-');
    symlinkSync(join(ROOT, 'fixtures'), join(dir, 'fixtures'));
    const bin = join(dir, '.bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'jmfund'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'jmfund'), 0o755);
    const home = join(dir, 'home');
    mkdirSync(home);
    // One shell session: `export` lines carry over to the commands after them.
    const script = commands.map((c) => `${c.command}\necho "@@readme $? ${c.line}" >&2`).join('\n');
    const r = runChild(
      'bash',
      ['-c', script],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: `${bin}:${process.env.PATH}`, HOME: home, LANG: 'C.UTF-8', NO_COLOR: '1', JMFUND_DB: join(dir, 'jmfund.db'), JMFUND_OFFICER: '张三' },
      },
      540_000,
    );
    const seen = [...r.stderr.matchAll(/^@@readme (\d+) (\d+)$/gm)].map((m) => ({ code: Number(m[1]), line: Number(m[2]) }));
    const wrong = commands
      .map((c, i) => ({ c, got: seen[i]?.code }))
      .filter(({ c, got }) => got !== c.exitCode)
      .map(({ c, got }) => `README.md:${c.line}: ${c.command} → exit ${got}, README shows ${c.exitCode}`);
    expect(wrong, r.stderr.replace(/^@@readme.*\n/gm, '').slice(-4000)).toEqual([]);
  }, 600_000);
});
