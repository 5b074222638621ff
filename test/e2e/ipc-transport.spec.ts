import { resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { AppSessions } from '../../src/host/app-sessions.js';
import { ipcHandler } from '../../electron/ipc/handlers.js';
import { test, expect, addMemory, screens } from '../support/app-fixtures.js';
import { freePort } from '../support/free-port.js';
import { shellApp } from '../support/shell-app.js';

/** The preload's object for a plain page, bundled as the shell bundles its preload. */
const BRIDGE = buildSync({ entryPoints: [resolve(import.meta.dirname, 'support/ipc-bridge-entry.ts')], bundle: true, format: 'iife', write: false, platform: 'browser' }).outputFiles[0]!.text;

test('the screens work through the desktop shell’s IPC transport too', async ({ page, host }) => {
  // The shell's handler on its own vault, in this process; the browser host only serves the page's files.
  const shell = shellApp({ agentApiPort: await freePort() });
  await shell.agentApi!.start();
  const app = shell.app;
  const windowSession = new AppSessions(Date.now).open().session;
  const handle = ipcHandler(app, () => windowSession, Date.now, () => {});
  const calls: string[] = [];
  // Chromium serves the page over http here; the frame stands in for app://memvault, whose origin the handler checks.
  await page.exposeFunction('__memvaultInvoke', (method: unknown, ...args: unknown[]) => (calls.push(String(method)), handle({ senderFrame: { url: 'app://memvault/' } }, method, ...args)));
  await page.addInitScript({ content: BRIDGE });
  try {
    await page.goto(host.url);
    await expect(page.getByRole('heading', { name: 'Create your vault' })).toBeVisible();
    await page.getByLabel('Owner profile name').fill('desk');
    await page.getByLabel('Password', { exact: true }).fill('desktop password 1');
    await page.getByLabel('Password again').fill('desktop password 1');
    await page.getByRole('button', { name: 'Create vault' }).click();
    await page.getByLabel('I have saved the recovery key').check();
    await page.getByRole('button', { name: 'Open my vault' }).click();
    await addMemory(page, 'The desktop app talks to the vault over IPC');
    await page.getByLabel('Search').fill('desktop IPC');
    await expect(page.locator('.memory-item').first()).toContainText('over IPC');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await expect(page.getByRole('row').filter({ hasText: 'addMemory' })).toHaveCount(1);
    await expect(page.getByTestId('chain-badge')).toHaveText(/✓ chain verified/);
    await screens(page, '70-ipc-transport-audit');
    // The desktop app chooses its agent API's port in Settings; agents are served there at once.
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByText(`On at ${shell.agentApi!.url()!}`)).toBeVisible();
    const moved = await freePort();
    await page.getByLabel('Port', { exact: true }).fill(String(moved));
    await page.getByRole('button', { name: 'Move agents to this port' }).click();
    await expect(page.getByRole('status')).toHaveText(`Agents are served on port ${moved}; update their configurations.`);
    await expect(page.getByText(`On at http://127.0.0.1:${moved}`)).toBeVisible();
    expect((await fetch(`http://127.0.0.1:${moved}/v1/health`)).status).toBe(200);
    await screens(page, '71-ipc-settings-agent-port');
    await page.getByRole('button', { name: 'Lock' }).click();
    await expect(page.getByRole('heading', { name: 'Unlock Memvault' })).toBeVisible();
    // A typed error crosses the bridge with its code: the page shows the core's message.
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByRole('alert')).toHaveText('wrong profile name or password');
    // Every call went over the IPC bridge; the browser host's own vault was never created.
    expect(calls).toEqual(expect.arrayContaining(['state', 'createVault', 'call', 'lock']));
    expect(await (await fetch(`${host.url}/v1/health`)).json()).toMatchObject({ status: 'ok' });
  } finally {
    await shell.close();
  }
});
