import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/memvault.js');
const help = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--help'], { encoding: 'utf8' }).stdout;

/** The first word of each row of the README's commands table (`space add|list|…` gives `space`). */
function readmeCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('Filters:', readme.indexOf('## Commands')));
  return [...table.matchAll(/^\| `([a-z-]+)/gm)].map((m) => m[1]!);
}

/** The commands `memvault --help` lists. */
function helpCommands(): string[] {
  const text = help();
  return [...text.slice(text.indexOf('Commands:'), text.indexOf('Examples:')).matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
}

describe('the README and --help agree', () => {
  it('every command of the README table is in --help, and every command of --help is in the table', () => {
    expect(readmeCommands().sort()).toEqual([...new Set(readmeCommands())].sort());
    expect(new Set(readmeCommands())).toEqual(new Set(helpCommands()));
  });

  it('every subcommand has a description in --help', () => {
    for (const group of ['space', 'profile', 'audit', 'agent', 'embedder']) {
      const text = help(group);
      for (const line of text.slice(text.indexOf('Commands:')).split('\n').slice(1))
        if (/^ {2}[a-z]/.test(line)) expect(line.trim().split(/\s{2,}/).length, `${group}: ${line}`).toBeGreaterThan(1);
    }
  });

  it('--help names the environment variables, the roles and the exit codes the README documents', () => {
    const text = help();
    for (const name of ['MEMVAULT_VAULT', 'MEMVAULT_PASSWORD', 'MEMVAULT_NEW_PASSWORD', 'MEMVAULT_RECOVERY_KEY', 'MEMVAULT_TOKEN']) expect(text).toContain(name);
    expect(text).toContain('Roles: owner, admin, editor, auditor, viewer');
    expect(text).toMatch(/Exit codes: 0 ok, 1 error, 2 usage or invalid input, 3 locked or wrong credentials,\s+4 forbidden, 5 not found, 6/);
  });
});
