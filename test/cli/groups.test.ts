// The root help is drawn from a table so that commands load lazily; the table
// must name exactly the commands each module registers.
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { GROUPS } from '../../src/cli/groups.js';

describe('command groups', () => {
  it.each(GROUPS.map((g) => [g.commands.map(([n]) => n).join(', '), g] as const))('%s', async (_names, group) => {
    const program = new Command('jmfund');
    (await group.load()).register(program);
    expect(program.commands.map((c) => c.name()).sort()).toEqual(group.commands.map(([n]) => n).sort());
  });
});
