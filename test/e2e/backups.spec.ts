import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodePublicKey } from '../../src/backup/identity.js';
import { newBoxKeyPair, newSigningKeyPair } from '../../src/crypto/keys.js';
import { loadSodium } from '../../src/crypto/sodium.js';
import { test, expect, accessible, addMemory, createOwner, screens } from '../support/app-fixtures.js';

test('the owner exports a passphrase backup, previews its import, and adds and verifies a contact', async ({ page, host }) => {
  await loadSodium();
  await createOwner(page, host);
  await addMemory(page, 'The backup drill is on the first Monday');
  await page.getByRole('link', { name: 'Backups' }).click();
  await expect(page.getByRole('heading', { name: 'Backups' })).toBeVisible();
  await expect(page.getByRole('img', { name: /QR code of alice's public key/ })).toBeVisible();
  await expect(page.getByTestId('own-words')).toHaveText(/^(\w+ ){5}\w+$/);

  const file = join(host.dir, 'drill.mvb');
  await page.getByLabel('File (full path on this computer)').fill(file);
  await page.getByLabel('Passphrase', { exact: true }).fill('drill passphrase 1');
  await page.getByRole('button', { name: 'Export backup' }).click();
  await expect(page.getByRole('status')).toHaveText(`Wrote ${file}: 1 memories, 1 versions, locked with the passphrase.`);
  expect(existsSync(file)).toBe(true);

  // The preview verifies the whole file and says what an import would do, before anything changes.
  await page.getByLabel('File', { exact: true }).fill(file);
  await page.getByLabel('Passphrase (not for a team bundle)').fill('not the passphrase');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByRole('alert')).toHaveText('the passphrase does not open this backup');
  await page.getByLabel('Passphrase (not for a team bundle)').fill('drill passphrase 1');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('import-preview')).toContainText('Importing would add 0, update 0, skip 1 and keep 0 conflicts');

  const key = encodePublicKey({ boxKey: newBoxKeyPair().publicKey, signingKey: newSigningKeyPair().publicKey });
  await page.getByLabel('Name', { exact: true }).fill('ben');
  await page.getByRole('textbox', { name: 'Public key' }).fill(key);
  await page.getByRole('button', { name: 'Add contact' }).click();
  await expect(page.getByRole('status')).toHaveText(/^Contact ben added, not verified: compare “(\w+ ){5}\w+” with them, then verify\.$/);
  await accessible(page);
  await screens(page, '60-backups');
  await page.getByRole('button', { name: 'Verify ben' }).click();
  await expect(page.getByRole('status')).toHaveText('ben verified.');
  await expect(page.getByRole('row').filter({ hasText: 'ben' })).toContainText('yes');
});
