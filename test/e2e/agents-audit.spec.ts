import Database from 'better-sqlite3';
import { test, expect, accessible, addMemory, createOwner, screens, unlock } from '../support/app-fixtures.js';
import type { Page } from '@playwright/test';

async function createAgent(page: Page, name: string): Promise<string> {
  await page.getByRole('link', { name: 'Agents' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByRole('checkbox', { name: 'default' }).check();
  await page.getByRole('button', { name: 'Create credential' }).click();
  const token = ((await page.getByLabel('Agent token').textContent()) ?? '').trim();
  expect(token).toMatch(/^mvat_/);
  return token;
}

test('agents: a credential is shown once with ready configurations, and its token works over /v1', async ({ page, host }) => {
  await createOwner(page, host);
  await page.getByRole('link', { name: 'Agents' }).click();
  await expect(page.getByText('No agents yet.')).toBeVisible();
  await accessible(page);
  await screens(page, '20-agents');
  const token = await createAgent(page, 'coder');
  await expect(page.getByLabel('Claude Code (.mcp.json) configuration')).toContainText(`"Authorization": "Bearer ${token}"`);
  await expect(page.getByLabel('Claude Code (.mcp.json) configuration')).toContainText(`${host.url}/mcp`);
  await accessible(page);
  await screens(page, '21-agent-token');

  const stored = await fetch(`${host.url}/v1/memories`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ content: 'The CI runners are in eu-west-1' }),
  });
  expect(stored.status).toBe(201);
  const listed = await fetch(`${host.url}/v1/memories`, { headers: { authorization: `Bearer ${token}` } });
  expect(listed.status).toBe(200);

  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('link', { name: 'coder' }).click();
  await expect(page.getByRole('heading', { name: 'Agent coder' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Timeline' })).toBeVisible();
  await expect(page.locator('li').filter({ hasText: 'addMemory' })).toHaveCount(1);
  // The core's own quota count: the one write the agent made today.
  await expect(page.locator('dt', { hasText: 'Writes today' }).locator('+ dd')).toHaveText('1 of 1000');
  await accessible(page);
  await screens(page, '22-agent-page');

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.locator('dd').first()).toHaveText('paused');
  expect((await fetch(`${host.url}/v1/memories`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.locator('dd').first()).toHaveText('active');
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.locator('dd').first()).toHaveText('revoked');
  expect((await fetch(`${host.url}/v1/memories`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);

  // The agent's memory shows who wrote it.
  await page.getByRole('link', { name: 'Memories' }).click();
  await expect(page.locator('.memory-item').first().getByText('agent: coder')).toBeVisible();
});

test('audit viewer: the actions are there, filters live in the URL, the log exports, and a broken chain turns the badge red', async ({ page, host }) => {
  await createOwner(page, host);
  await addMemory(page, 'The VPN config is in the team vault');
  const token = await createAgent(page, 'reader');
  await page.getByRole('button', { name: 'Done' }).click();
  await fetch(`${host.url}/v1/memories`, { headers: { authorization: `Bearer ${token}` } });
  // A wrong token is a denial the viewer shows.
  await fetch(`${host.url}/v1/memories`, { headers: { authorization: 'Bearer mvat_wrong' } });

  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByTestId('chain-badge')).toHaveText(/✓ chain verified through #\d+ at/);
  const rows = page.getByRole('row');
  await expect(rows.filter({ hasText: 'addMemory' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'addAgent' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'listMemories' }).filter({ hasText: 'reader' })).toHaveCount(1);
  await expect(page.getByRole('img', { name: /Activity over time: \d+ events/ })).toBeVisible();
  await accessible(page);
  await screens(page, '30-audit');

  await page.getByLabel('Action').fill('addAgent');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/action=addAgent/);
  await expect(page.getByText(/^1 events$/)).toBeVisible();
  // The filter survives a reload (it is in the URL); the host session stays unlocked until it is locked or idle.
  await page.reload();
  await expect(page).toHaveURL(/action=addAgent/);
  await expect(page.getByText(/^1 events$/)).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSONL' }).click();
  const file = await download;
  const text = await (await file.createReadStream()).toArray();
  const lines = Buffer.concat(text as Buffer[]).toString('utf8').trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({ action: 'addAgent', outcome: 'ok' });
  const csv = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  expect((await csv).suggestedFilename()).toMatch(/^memvault-audit-.*\.csv$/);

  // Tamper with one event's details in the file itself.
  const db = new Database(host.vaultPath);
  const seq = (db.prepare("SELECT seq FROM audit_events WHERE action = 'addMemory'").get() as { seq: number }).seq;
  db.prepare("UPDATE audit_events SET details = '{\"tampered\":true}' WHERE seq = ?").run(seq);
  db.close();
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByRole('button', { name: 'Verify again' }).click();
  await expect(page.getByTestId('chain-badge')).toHaveText(new RegExp(`✗ chain broken at #${seq}:`));
  await screens(page, '31-audit-chain-broken');
});

test('an auditor reads the audit log and never memory content', async ({ page, host }) => {
  await createOwner(page, host);
  await addMemory(page, 'The launch codeword is aubergine');
  await page.getByRole('link', { name: 'Spaces & profiles' }).click();
  await page.getByLabel('Name', { exact: true }).fill('sam');
  await page.getByLabel('Role', { exact: true }).selectOption('auditor');
  await page.getByLabel('First password').fill('auditor password 1');
  await page.getByRole('button', { name: 'Add profile' }).click();
  await expect(page.getByRole('status')).toHaveText('Profile sam added.');
  // Sam forgot the first password: the owner sets a new one, and only that one unlocks.
  await page.getByLabel('Profile', { exact: true }).last().selectOption('sam');
  await page.getByLabel('New password').fill('auditor password 2');
  await page.getByRole('button', { name: 'Reset password' }).click();
  await expect(page.getByRole('status')).toHaveText('Password of sam reset; its open sessions end.');
  await accessible(page);
  await screens(page, '40-spaces-profiles');
  await page.getByRole('link', { name: 'Settings' }).click();
  // The browser host says what it cannot see, and offers the owner the agent API switch.
  await expect(page.getByText(/In a browser Memvault cannot see your computer sleep/)).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Serve agents (REST and MCP)' })).toBeChecked();
  await accessible(page);
  await screens(page, '50-settings');

  await page.getByRole('button', { name: 'Lock' }).click();
  await unlock(page, 'sam', 'auditor password 2');
  await expect(page.getByLabel('Unlocked profile')).toHaveText('sam · auditor');
  await expect(page.getByRole('link', { name: 'Memories' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'addMemory' })).toHaveCount(1);
  await expect(page.getByText('aubergine')).toHaveCount(0);
  // The core refuses content to the auditor whatever the page asks.
  const refused = await page.evaluate(async () => {
    const csrf = sessionStorage.getItem('memvault.token')!;
    const res = await fetch('/app/op/listMemories', { method: 'POST', headers: { 'content-type': 'application/json', 'x-memvault-csrf': csrf }, body: '{"args":[]}' });
    return { status: res.status, body: (await res.json()) as { type: string } };
  });
  expect(refused).toEqual({ status: 403, body: expect.objectContaining({ type: 'urn:memvault:problem:forbidden' }) });
  await screens(page, '32-audit-auditor');
});
