// Entry point: runs the program and is the only place that sets the exit code.
import { CommanderError } from 'commander';
import { StoredValueError, UserError } from '../domain/errors.js';
import { VERSION, buildProgram, langFromArgv } from './program.js';
import { handleInterrupts } from './interrupt.js';
import { resultExitCode } from './runner.js';
import { clearProgressLine } from './progress.js';

export async function main(argv: string[]): Promise<number> {
  const lang = langFromArgv(argv);
  if (argv.length === 3 && argv[2] === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  // Ctrl-C or a kill: what was open rolled back, temporary files removed, and said (cli/interrupt.ts).
  handleInterrupts(lang);
  try {
    await (await buildProgram(argv)).parseAsync(argv);
    return resultExitCode();
  } catch (e) {
    // A bar left by the work that failed is not the start of the message's line.
    clearProgressLine();
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof UserError) {
      process.stderr.write(`jmfund: ${e.text[lang]}\n`);
      if (e.hint) process.stderr.write(`${lang === 'zh' ? '提示：' : 'hint: '}${e.hint[lang]}\n`);
      return e.exitCode;
    }
    // A stored value import never accepts (a date out of range, an amount past 2^53 fen, an unknown
    // category, text that is not JSON): the ledger was edited or is damaged.
    if (e instanceof StoredValueError || e instanceof SyntaxError) {
      process.stderr.write(
        lang === 'zh'
          ? `jmfund: 账本中有一个值无法使用（${e.message}）；导入时不会接受这样的值，账本可能被改动过或已损坏。\n提示：运行 \`jmfund verify\`，必要时从备份恢复；如 verify 未发现问题，请把这条信息报告给维护人员。\n`
          : `jmfund: a value stored in the ledger cannot be used (${e.message}); import never accepts such a value, so the ledger may have been altered or damaged.\nhint: run \`jmfund verify\`, and restore from a backup if needed; if verify finds nothing, please report this message.\n`,
      );
      return 3;
    }
    const err = e as Error;
    process.stderr.write(
      lang === 'zh'
        ? `jmfund: 内部错误：${err.message}\n账本未被更改。请把这条信息报告给维护人员。\n`
        : `jmfund: internal error: ${err.message}\nThe ledger was not changed. Please report this message.\n`,
    );
    if (process.env.JMFUND_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}

// A pipe takes each chunk before the next one is made (Node queues pipe writes in
// memory otherwise): results of 10^5 applications are written as they are read.
(process.stdout as unknown as { _handle?: { setBlocking?: (on: boolean) => void } })._handle?.setBlocking?.(true);

// `jmfund … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

// No top-level await: the built CLI is CommonJS (scripts/bundle.mjs), which starts faster.
void main(process.argv).then((code) => {
  process.exitCode = code;
});
