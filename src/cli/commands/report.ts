import type { Command } from 'commander';

// Commands of this group are added by their own issue.
export function register(_program: Command): void {}
