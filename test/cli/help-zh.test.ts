// --lang zh: every command, option and argument of every group has its
// Chinese description; a new option without one fails here.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { GROUPS } from '../../src/cli/groups.js';
import { HELP_ZH } from '../../src/cli/i18n/help-zh.js';
import { buildProgram } from '../../src/cli/program.js';

describe('help in Chinese', () => {
  it('has a Chinese text for every description of every command', async () => {
    const program = new Command('jmfund');
    for (const g of GROUPS) (await g.load()).register(program);
    const missing: string[] = [];
    const walk = (c: Command): void => {
      for (const d of [c.description(), ...c.options.map((o) => o.description), ...c.registeredArguments.map((a) => a.description)]) if (d && !HELP_ZH[d]) missing.push(`${c.name()}: ${d}`);
      c.commands.forEach(walk);
    };
    walk(program);
    for (const g of GROUPS) for (const [name, , d] of g.commands) if (!HELP_ZH[d]) missing.push(`${name}: ${d}`);
    expect(missing).toEqual([]);
  });

  it('shows the Chinese descriptions and headings under --lang zh', async () => {
    for (const g of GROUPS) {
      for (const [name] of g.commands) {
        const program = await buildProgram(['node', 'jmfund', '--lang', 'zh', name, '--help']);
        let help = '';
        const cmd = program.commands.find((c) => c.name() === name)!;
        cmd.configureOutput({ writeOut: (s) => (help += s) });
        help = cmd.helpInformation();
        expect(help, name).toMatch(/[\u4e00-\u9fff]/);
        expect(help, name).not.toMatch(/display help for command/);
      }
    }
  });
});
