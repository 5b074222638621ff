import { test, expect, accessible, createOwner, screens, signIn, unlock, OWNER } from '../support/app-fixtures.js';

test('without a login link the page says where to get one', async ({ page, host }) => {
  await page.goto(host.url);
  await expect(page.getByText('This browser is not signed in to Memvault.')).toBeVisible();
  await accessible(page);
  await screens(page, '01-sign-in-needed');
});

test('a login link works once', async ({ page, host, browser }) => {
  const link = await host.link();
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Create your vault' })).toBeVisible();
  // The code left the address bar at once.
  expect(page.url()).not.toContain('login=');
  const other = await browser.newPage();
  await other.goto(link);
  await expect(other.getByRole('alert')).toContainText('used already or has expired');
  await other.close();
});

test('first run: create the vault, see the recovery key once, land in the app', async ({ page, host }) => {
  await signIn(page, host);
  await accessible(page);
  await screens(page, '02-first-run');
  await page.getByLabel('Owner profile name').fill(OWNER.name);
  await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await page.getByLabel('Password again').fill(`${OWNER.password}x`);
  await expect(page.getByText('The two passwords differ.')).toBeVisible();
  await page.getByLabel('Password again').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create vault' }).click();
  await expect(page.getByLabel('Recovery key', { exact: true })).toHaveText(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){12}$/);
  await expect(page.getByRole('button', { name: 'Open my vault' })).toBeDisabled();
  await accessible(page);
  await screens(page, '03-recovery-key');
  await page.getByLabel('I have saved the recovery key').check();
  await page.getByRole('button', { name: 'Open my vault' }).click();
  await expect(page.getByRole('heading', { name: 'Memories' })).toBeVisible();
  await expect(page.getByLabel('Unlocked profile')).toHaveText('alice · owner');
});

test('unlock: a wrong password gets one clear error, the right one opens the vault', async ({ page, host }) => {
  await createOwner(page, host);
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { name: 'Unlock Memvault' })).toBeVisible();
  await accessible(page);
  await screens(page, '04-unlock');
  await unlock(page, OWNER.name, 'not the password');
  await expect(page.getByRole('alert')).toHaveText(/wrong profile name or password|password/i);
  await screens(page, '05-unlock-wrong-password');
  await unlock(page, OWNER.name, OWNER.password);
  await expect(page.getByRole('heading', { name: 'Memories' })).toBeVisible();
  // Settings shows the password's Argon2 cost and what the unlock took here (the test preset's cost).
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByText(/^Argon2id with 8 MiB, 1 passes, 1 lanes: your last unlock took \d+ ms on this machine\.$/)).toBeVisible();
});

test('recover: the recovery key sets a new owner password', async ({ page, host }) => {
  const key = await createOwner(page, host);
  await page.getByRole('button', { name: 'Lock' }).click();
  await page.getByRole('button', { name: 'Forgot the owner password?' }).click();
  await page.getByLabel('Recovery key', { exact: true }).fill(key);
  await page.getByLabel('New owner password').fill('a brand new passphrase');
  await screens(page, '06-recover');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByText('The owner password is changed.')).toBeVisible();
  await unlock(page, OWNER.name, 'a brand new passphrase');
  await expect(page.getByRole('heading', { name: 'Memories' })).toBeVisible();
});

test('auto-lock: idle past the timeout clears the screen and needs a new unlock', async ({ page, host }) => {
  await page.clock.install();
  await createOwner(page, host);
  await page.getByRole('button', { name: 'New memory' }).click();
  await page.getByLabel('Content').fill('The staging database password rotates on Fridays');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('The staging database password rotates on Fridays').first()).toBeVisible();
  await page.clock.fastForward('05:30');
  await expect(page.getByRole('heading', { name: 'Unlock Memvault' })).toBeVisible();
  await expect(page.getByText('The staging database password rotates on Fridays')).toHaveCount(0);
  // The host's session is locked too: a call with the old page state is refused.
  const status = await page.evaluate(async () => (await fetch('/app/state', { headers: { 'x-memvault-csrf': sessionStorage.getItem('memvault.token')! } })).json() as Promise<{ vault: string }>);
  expect(status.vault).toBe('locked');
});
