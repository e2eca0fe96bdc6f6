// A question before what cannot be undone (SPEC §15). On a terminal it shows
// what will happen and asks (written to stderr, so stdout stays the result);
// off a terminal only --yes goes on. --yes skips the question, never a rule.
import { UserError } from '../domain/errors.js';
import { text, type Text } from '../domain/text.js';
import type { Context } from './context.js';

export interface Confirmation {
  /** What will happen: the applications, amounts and dates, one line each. */
  lines: string[];
  question: Text;
}

export const onTerminal = (): boolean => !!process.stdin.isTTY && !!process.stderr.isTTY;

/** Returns when the officer agreed (or gave --yes); otherwise throws, having changed nothing. */
export async function confirmIrreversible(ctx: Context, command: string, c: Confirmation): Promise<void> {
  if (ctx.yes) return;
  if (!onTerminal()) {
    throw new UserError(
      text(`${command} 的结果不可撤销，不在终端上运行时需加 --yes 确认。未作任何更改。`, `${command} cannot be undone; when not on a terminal, confirm it with --yes. Nothing was changed.`),
      2,
      text(`先不带 --yes 在终端上运行以查看将要做的事，或加 --yes：jmfund ${command} … --yes`, `run it on a terminal first to see what it will do, or add --yes: jmfund ${command} … --yes`),
    );
  }
  for (const l of c.lines) process.stderr.write(`${l}\n`);
  const { confirm } = await import('@inquirer/prompts');
  let agreed = false;
  try {
    agreed = await confirm({ message: ctx.t(c.question), default: false }, { output: process.stderr });
  } catch (e) {
    if (!(e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError'))) throw e;
  }
  if (!agreed) throw new UserError(text('已取消：未作任何更改。', 'cancelled: nothing was changed.'), 1);
}
