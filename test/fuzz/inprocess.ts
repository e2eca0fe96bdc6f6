// `jmfund import …` run inside the test process, so that a fuzz test can try
// hundreds of files in the time a few spawned processes take. The program is
// wired as src/cli/main.ts wires it (same global options, the real command
// module and handler) and errors are mapped as main.ts maps them, except that
// an unexpected exception is returned as `crash` instead of being printed as
// "internal error".
import { Command, CommanderError, Option } from 'commander';
import { register as registerImport } from '../../src/cli/commands/import.js';
import { UserError } from '../../src/domain/errors.js';
import { resultExitCode } from '../../src/cli/runner.js';

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
  /** An exception that was not a UserError: what the binary would report as "internal error". */
  crash: Error | null;
}

function program(): Command {
  const p = new Command('jmfund')
    .option('--db <path>')
    .option('--as <officer>')
    .addOption(new Option('--lang <lang>').choices(['zh', 'en']))
    .option('--json')
    .option('--no-color')
    .option('--yes')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  registerImport(p);
  p.commands.forEach(function all(c: Command): void {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
    c.commands.forEach(all);
  });
  return p;
}

type Write = typeof process.stdout.write;

/** Runs `jmfund <args>` (the import command group) in process; output is captured, not shown. */
export async function runImportInProcess(args: string[], lang: 'en' | 'zh' = 'en'): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const outWrite = process.stdout.write;
  const errWrite = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as Write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as Write;
  let code: number;
  let crash: Error | null = null;
  try {
    await program().parseAsync(['node', 'jmfund', '--lang', lang, ...args]);
    code = resultExitCode();
  } catch (e) {
    if (e instanceof CommanderError) code = 2;
    else if (e instanceof UserError) {
      stderr += `jmfund: ${e.text[lang]}\n`;
      code = e.exitCode;
    } else {
      crash = e as Error;
      stderr += `jmfund: internal error: ${crash.message}\n`;
      code = 1;
    }
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
  }
  return { code, stdout, stderr, crash };
}
