// A question before what cannot be undone (SPEC §15). On a terminal it shows
// what will happen and asks (written to stderr, so stdout stays the result);
// off a terminal only --yes goes on. --yes skips the question, never a rule.
import { UserError } from '../domain/errors.js';
import { text, type Text } from '../domain/text.js';
import { rehearse } from '../ledger/open.js';
import type { Context } from './context.js';

export interface Confirmation {
  /** What will happen: the applications, amounts and dates, one line each. */
  lines: string[];
  question: Text;
}

export const onTerminal = (): boolean => !!process.stdin.isTTY && !!process.stderr.isTTY;

/** Refused off a terminal without --yes (exit 2), having changed nothing. */
function needsYes(command: string): UserError {
  return new UserError(
    text(`${command} 的结果不可撤销，不在终端上运行时需加 --yes 确认。未作任何更改。`, `${command} cannot be undone; when not on a terminal, confirm it with --yes. Nothing was changed.`),
    2,
    text(`先不带 --yes 在终端上运行以查看将要做的事，或加 --yes：jmfund ${command} … --yes`, `run it on a terminal first to see what it will do, or add --yes: jmfund ${command} … --yes`),
  );
}

/** Asks on a terminal; returns when the officer agreed, otherwise throws having changed nothing (exit 1). */
export async function ask(ctx: Context, c: Confirmation): Promise<void> {
  for (const l of c.lines) process.stderr.write(`${l}\n`);
  const { confirm } = await import('@inquirer/prompts');
  let agreed = false;
  try {
    agreed = await confirm({ message: ctx.t(c.question), default: false }, { output: process.stderr });
  } catch (e) {
    // Ctrl-C or the terminal closing: the same as "no".
    if (!(e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError'))) throw e;
  }
  if (!agreed) throw new UserError(text('已取消：未作任何更改（nothing was changed）。', 'cancelled: nothing was changed.'), 1);
}

/**
 * Runs an irreversible command: with --yes at once; otherwise the command is
 * first rehearsed in a transaction that is rolled back — so its refusals come
 * first (exit 3) and the question shows exactly what it would do — then, off a
 * terminal, refused (exit 2); on one, asked, and run for real only on "yes".
 */
export async function confirmThenRun<T>(ctx: Context, command: string, run: (rehearsal: boolean) => T | Promise<T>, describe: (preview: T) => Confirmation): Promise<T> {
  if (ctx.yes) return run(false);
  const preview = await rehearse(ctx.db(), () => run(true));
  if (!onTerminal()) throw needsYes(command);
  await ask(ctx, describe(preview));
  return run(false);
}

/** At most `max` lines of a list, then "… and N more". */
export function someLines<T>(ctx: Context, items: readonly T[], line: (x: T) => string, max = 20): string[] {
  const out = items.slice(0, max).map((x) => `  ${line(x)}`);
  if (items.length > max) out.push(`  ${ctx.t(text(`……另有 ${items.length - max} 项`, `… and ${items.length - max} more`))}`);
  return out;
}
