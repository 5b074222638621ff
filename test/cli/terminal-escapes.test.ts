import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestVault, OWNER_PASSWORD, type TestVault } from '../support/vault.js';

const BIN = join(import.meta.dirname, '../../bin/memvault.js');

/** What an agent would print if it meant to fool the owner reading `memvault get` or `list`. */
const FORGED = 'id:         00000000-forged-by-agent';
const CONTENT =
  'Harmless note \x1b]0;owned-title\x07\x1b[8mhidden\x1b[0m \u009b2J \b\b\u202eexe.txt\u202c \u2066iso\u2069 \u0085nel \u2028' +
  `\r${FORGED}\n${FORGED}\nstate:      active (version 1)`;
/** Tags may hold anything but whitespace and commas, so escapes and bidi overrides get through. */
const TAG = 'ok\x1b]0;tag-title\x07\u009b31m\u202eevil\b';

/** Every character a terminal would act on instead of showing, as code points. */
const terminalControls = (text: string): string[] =>
  [...text.matchAll(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g)].map(
    (m) => `U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')}`,
  );

describe('agent-written content cannot drive the owner terminal', () => {
  let v: TestVault;
  let id: string;
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      env: { ...process.env, MEMVAULT_VAULT: v.path, MEMVAULT_INSECURE_TEST_KDF: '1', MEMVAULT_PASSWORD: OWNER_PASSWORD },
      input: '',
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    v = await createTestVault();
    const { token } = v.service.addAgent(v.owner, { name: 'scribe', spaces: ['default'], grants: ['read', 'write'] });
    const agent = v.service.authenticateAgent(token);
    id = (await v.service.addMemory(agent, { content: CONTENT, tags: [TAG] })).id;
    v.service.close();
  });
  afterAll(() => v.cleanup());

  it.each([
    ['get', () => ['get', id]],
    ['list', () => ['list']],
    ['search', () => ['search', 'Harmless', 'note']],
    ['history', () => ['history', id]],
  ])('%s shows escapes as visible text and no line the agent forged', (_name, args) => {
    const out = run(args());
    expect(terminalControls(out)).toEqual([]);
    expect(out).toContain('\\u001b]0;owned-title\\u0007');
    const lines = out.split('\n');
    expect(lines.filter((l) => l.startsWith(FORGED))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('id:')).length).toBeLessThanOrEqual(1);
    expect(lines.filter((l) => l.startsWith('state:')).length).toBeLessThanOrEqual(1);
  });

  it('get keeps the content readable: every content line indented under the headers, the tag escaped', () => {
    const lines = run(['get', id]).split('\n');
    expect(lines).toContain(`  ${FORGED}`);
    expect(lines).toContain('tags:       ok\\u001b]0;tag-title\\u0007\\u009b31m\\u202eevil\\u0008');
  });

  type Written = { content: string; tags: string[] };
  it.each([
    ['get', () => ['get', id], (j: unknown) => j as Written],
    ['list', () => ['list'], (j: unknown) => (j as { items: Written[] }).items[0]!],
    ['search', () => ['search', 'Harmless', 'note'], (j: unknown) => (j as { memory: Written }[])[0]!.memory],
    ['history', () => ['history', id], (j: unknown) => (j as Written[])[0]!],
  ])('--json %s escapes C1, separators and bidi controls and parses back to the exact content', (_name, args, pick) => {
    const out = run(['--json', ...args()]);
    expect(terminalControls(out.replaceAll('\n', ''))).toEqual([]);
    const memory = pick(JSON.parse(out));
    expect(memory.content).toBe(CONTENT);
    expect(memory.tags).toEqual([TAG]);
  });
});
