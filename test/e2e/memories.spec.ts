import { test, expect, accessible, addMemory, createOwner, screens } from '../support/app-fixtures.js';

test('memories: add, browse, search with reasons, edit, history with a diff, delete', async ({ page, host }) => {
  await createOwner(page, host);
  await expect(page.getByText('0 memories, newest first')).toBeVisible();
  await addMemory(page, 'The deploy script lives in tools/deploy.sh and needs the VPN', 'ops deploy');
  await addMemory(page, 'Alice prefers tabs over spaces in Go code', 'style');
  await addMemory(page, 'Quarterly report is due on the first Monday of April', 'dates');
  await expect(page.getByText('3 memories, newest first')).toBeVisible();
  // Newest first.
  await expect(page.locator('.memory-item').first()).toContainText('Quarterly report');
  await expect(page.locator('.memory-item').first().getByText('profile: alice')).toBeVisible();
  await accessible(page);
  await screens(page, '10-memories-browse');

  await page.getByLabel('Search').fill('deploy VPN');
  await expect(page.getByText(/matches \(hybrid\)/)).toBeVisible();
  const top = page.locator('.memory-item').first();
  await expect(top).toContainText('tools/deploy.sh');
  await expect(top).toContainText(/score \d\.\d{3} · why: meaning #\d+ · keywords #1/);
  await page.getByLabel('Mode').selectOption('keyword');
  await expect(page.getByText(/matches \(keyword\)/)).toBeVisible();
  await expect(page.locator('.memory-item')).toHaveCount(1);
  await screens(page, '11-memories-search');

  await top.click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Content').fill('The deploy script lives in tools/release.sh and needs the VPN');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved as version 2.' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'History (2 versions)' })).toBeVisible();
  await expect(page.locator('.diff del')).toHaveText('deploy');
  await expect(page.locator('.diff ins')).toHaveText('release');
  await accessible(page);
  await screens(page, '12-memory-detail-history');

  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Memory deleted.' })).toBeVisible();
  await page.getByLabel('Search').fill('');
  await expect(page.getByText('2 memories, newest first')).toBeVisible();
});

test('memories: an edit on a stale version shows the conflict instead of overwriting', async ({ page, host }) => {
  await createOwner(page, host);
  await addMemory(page, 'The office wifi is called blue-falcon');
  await page.locator('.memory-item').first().click();
  const id = (await page.locator('#memory-title .mono').textContent())!;
  await page.getByRole('button', { name: 'Edit' }).click();
  // Someone else (another tab of the same session) changes it meanwhile.
  await page.evaluate(async (memoryId) => {
    const csrf = sessionStorage.getItem('memvault.token')!;
    await fetch('/app/op/updateMemory', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-memvault-csrf': csrf },
      body: JSON.stringify({ args: [{ id: memoryId, content: 'The office wifi is called red-falcon' }] }),
    });
  }, id);
  await page.getByLabel('Content').fill('The office wifi is called green-falcon');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('it is now at version 2');
  await accessible(page);
  await screens(page, '13-memory-edit-conflict');
  await page.getByRole('button', { name: 'Load the latest version' }).click();
  await expect(page.getByLabel('Content')).toHaveValue('The office wifi is called red-falcon');
});

test('memories: a near-duplicate is refused with "store anyway"; a selection is archived in one go', async ({ page, host }) => {
  await createOwner(page, host);
  await addMemory(page, 'Backups run every night at 02:00 UTC');
  await page.getByRole('button', { name: 'New memory' }).click();
  await page.getByLabel('Content').fill('Backups run every night at 02:00 UTC');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('near-identical memory is already stored');
  await screens(page, '14-memory-duplicate');
  await page.getByRole('button', { name: 'Store anyway' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Memory stored.' })).toBeVisible();
  await expect(page.getByText('2 memories, newest first')).toBeVisible();

  for (const box of await page.getByRole('checkbox', { name: /Select memory/ }).all()) await box.check();
  await expect(page.getByRole('toolbar', { name: 'Selected memories' })).toContainText('2 selected');
  await screens(page, '15-memories-selection');
  await page.getByRole('button', { name: 'Archive selected' }).click();
  await expect(page.getByRole('status').filter({ hasText: '2 memories archived.' })).toBeVisible();
  await expect(page.getByText('0 memories, newest first')).toBeVisible();
  await page.getByLabel('State').selectOption('archived');
  await expect(page.getByText('2 memories, newest first')).toBeVisible();
});
