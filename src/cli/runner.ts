// Wraps a command handler: builds the context from the global options, renders
// the handler's Output, and records the exit code for main.ts to set.
import type { Command } from 'commander';
import { makeContext, type Context } from './context.js';
import type { ExitCode } from '../domain/errors.js';
import { writeJson } from './json-stream.js';
import { makePrinter, type Output } from './render.js';
import { clearProgressLine } from './progress.js';

let exitCode: ExitCode = 0;
export const resultExitCode = (): ExitCode => exitCode;

export function handler<A extends unknown[]>(fn: (ctx: Context, ...args: A) => Promise<Output> | Output) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const ctx = makeContext(cmd.optsWithGlobals());
    try {
      const out = await fn(ctx, ...(args.slice(0, -1) as A));
      clearProgressLine();
      // Indented for a person at a terminal; compact in pipes, where files can be large.
      if (ctx.json) {
        // Written in chunks: a lazy array (json-stream.ts) is made as it is written.
        writeJson(out.json, process.stdout.isTTY ? 2 : undefined, (s) => process.stdout.write(s));
        process.stdout.write('\n');
      } else out.human(makePrinter(ctx));
      exitCode = out.exitCode ?? 0;
    } finally {
      ctx.close();
    }
  };
}

/** Repeated option values (e.g. --budget a=1 --budget b=2). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
