import { afterEach, describe, expect, it } from 'vitest';
import { createIpcClient } from '../../src/contract/ipc-client.js';
import { ClientError } from '../../src/contract/client.js';
import { AppSessions } from '../../src/host/app-sessions.js';
import { ipcHandler, type IpcCaller } from '../../electron/ipc/handlers.js';
import { ClipboardGuard, CLIPBOARD_CLEAR_MS } from '../../electron/clipboard-guard.js';
import { shellApp } from '../support/shell-app.js';

const APP_FRAME: IpcCaller = { senderFrame: { url: 'app://memvault/#/memories' } };

/** The shell's IPC handler on a real app service and vault, called directly (no Electron binary here). */
function shell() {
  const { app, locks, close } = shellApp();
  const session = new AppSessions(Date.now).open().session;
  const copied: string[] = [];
  const handle = ipcHandler(app, () => session, Date.now, (text) => copied.push(text));
  return { handle, copied, locks, close };
}

describe('the desktop shell’s IPC', () => {
  let s: ReturnType<typeof shell> | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('the typed IPC client works end to end through the handler: create, add, search', async () => {
    s = shell();
    const client = createIpcClient((method, ...args) => s!.handle(APP_FRAME, method, ...args));
    expect((await client.state()).vault).toBe('absent');
    const created = await client.createVault('olivia', 'owner-password-1');
    expect(created.session?.role).toBe('owner');
    await client.call('addMemory', { content: 'The release train leaves on Thursdays' });
    const hits = await client.call('searchMemories', { text: 'release train', mode: 'keyword' });
    expect(hits[0]!.memory.content).toBe('The release train leaves on Thursdays');
    await client.copy('mvat_token_to_copy');
    expect(s.copied).toEqual(['mvat_token_to_copy']);
  });

  it('a frame of another origin is refused before anything reaches the vault', async () => {
    s = shell();
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'app://memvault.evil/', 'app://other/', ''])
      expect(await s.handle({ senderFrame: { url } }, 'state'), url).toEqual({ ok: false, error: expect.objectContaining({ code: 'forbidden' }) });
    expect(await s.handle({ senderFrame: null }, 'state')).toEqual({ ok: false, error: expect.objectContaining({ code: 'forbidden' }) });
  });

  it('errors cross as typed bodies: the client throws the same ClientError the HTTP transport does', async () => {
    s = shell();
    const client = createIpcClient((method, ...args) => s!.handle(APP_FRAME, method, ...args));
    await client.createVault('olivia', 'owner-password-1');
    await client.lock();
    // Every lock tells the shell, which takes its clipboard back.
    expect(s.locks).toHaveLength(1);
    const err = await client.call('listMemories', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe('locked');
    expect(await s.handle(APP_FRAME, 'no-such-method')).toEqual({ ok: false, error: expect.objectContaining({ code: 'not_found' }) });
    expect(await s.handle(APP_FRAME, 'call', 'exportAudit', [])).toEqual({ ok: false, error: expect.objectContaining({ code: 'not_found' }) });
  });
});

describe('the clipboard guard', () => {
  const fakeClipboard = () => {
    let text = '';
    return { readText: async () => text, writeText: (t: string) => void (text = t), clear: () => void (text = ''), peek: () => text };
  };
  const manualTimers = () => {
    const pending: (() => void)[] = [];
    return { set: ((fn: () => void) => (pending.push(fn), pending.length)) as unknown as typeof setTimeout, clear: (() => {}) as typeof clearTimeout, fire: () => pending.splice(0).forEach((f) => f()) };
  };

  it('clears what it copied after 30 s', async () => {
    const clip = fakeClipboard();
    const timers = manualTimers();
    new ClipboardGuard(clip, timers).copy('mvat_secret');
    expect(CLIPBOARD_CLEAR_MS).toBe(30_000);
    expect(clip.peek()).toBe('mvat_secret');
    timers.fire();
    await new Promise((r) => setImmediate(r));
    expect(clip.peek()).toBe('');
  });

  it('leaves the clipboard alone if the user copied something else since', async () => {
    const clip = fakeClipboard();
    const guard = new ClipboardGuard(clip, manualTimers());
    guard.copy('mvat_secret');
    clip.writeText('my own text');
    await guard.takeBack();
    expect(clip.peek()).toBe('my own text');
  });
});
