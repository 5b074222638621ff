import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentApiControl } from '../../electron/agent-api.js';
import { startServer } from '../../src/api/server.js';
import { VaultError } from '../../src/vault/index.js';
import { freePort } from '../support/free-port.js';
import { createTestVault, type TestVault } from '../support/vault.js';

/** A fresh connection each time: a pooled one would still point at a server that was closed on the same port. */
const health = (url: string | null) =>
  url
    ? new Promise<number>((done, fail) => get(`${url}/v1/health`, { agent: false }, (res) => (res.resume(), done(res.statusCode ?? 0))).on('error', fail))
    : Promise.resolve('not listening');

/** The desktop shell's agent API switch, on real servers (the shell itself needs the Electron binary). */
describe('the desktop shell’s agent API setting', () => {
  let v: TestVault;
  let dir: string;
  let control: AgentApiControl | undefined;
  afterEach(async () => {
    await control?.stop();
    control = undefined;
    v.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const setUp = async () => {
    v = await createTestVault();
    dir = mkdtempSync(join(tmpdir(), 'memvault-agent-api-'));
    const file = join(dir, 'agent-api.json');
    const make = () => new AgentApiControl(file, (port) => startServer({ service: v.service, port, connectionFile: null }));
    return { file, make };
  };

  it('moves agents to a new port, turns them off and on, and remembers the choice for the next start', async () => {
    const { file, make } = await setUp();
    const [first, second] = [await freePort(), await freePort()];
    writeFileSync(file, JSON.stringify({ on: true, port: first }));
    control = make();
    await control.start();
    expect(control.url()).toBe(`http://127.0.0.1:${first}`);
    expect(await health(control.url())).toBe(200);

    await control.set(true, second);
    expect(control.url()).toBe(`http://127.0.0.1:${second}`);
    expect(await health(control.url())).toBe(200);
    await expect(health(`http://127.0.0.1:${first}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await control.set(false);
    expect([control.on(), control.url()]).toEqual([false, null]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ on: false, port: second });
    await control.stop();

    control = make();
    await control.start();
    expect([control.on(), control.port(), control.url()]).toEqual([false, second, null]);
    await control.set(true);
    expect(await health(control.url())).toBe(200);
  });

  it('a port that is taken leaves agents served where they were and the setting unchanged', async () => {
    const { file, make } = await setUp();
    const port = await freePort();
    writeFileSync(file, JSON.stringify({ on: true, port }));
    control = make();
    await control.start();
    const taken = await startServer({ service: v.service, port: await freePort(), connectionFile: null });
    try {
      const err = await control.set(true, taken.port).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(VaultError);
      expect((err as VaultError).code).toBe('conflict');
      expect((err as VaultError).message).toMatch(new RegExp(`port ${taken.port} is in use`));
      expect([control.port(), control.url()]).toEqual([port, `http://127.0.0.1:${port}`]);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ on: true, port });
    } finally {
      await taken.close();
    }
  });

  it('a missing or hand-edited settings file starts with the defaults (on, port 7437)', async () => {
    const { file, make } = await setUp();
    for (const text of [null, '{"on":true,"port":80}', 'not json', '{"on":"yes","port":7437}']) {
      if (text !== null) writeFileSync(file, text);
      const fresh = make();
      expect([fresh.on(), fresh.port()], String(text)).toEqual([true, 7437]);
    }
  });
});
