import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { startAppHost, type AppHost } from './app-host.js';

const SCREENS = resolve(import.meta.dirname, '../../test-results/screens');

export const OWNER = { name: 'alice', password: 'correct horse battery staple' };

/** Each test gets its own host and vault. */
export const test = base.extend<{ host: AppHost }>({
  // Playwright reads a fixture's dependencies from its first parameter's pattern: this one has none.
  host: async ({}, use) => {
    const host = await startAppHost();
    await use(host);
    await host.close();
  },
});
export { expect };

/** A screenshot of the screen as it is, in the light and the dark theme, for a reviewer. */
export async function screens(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  const before = await page.evaluate(() => document.documentElement.dataset.theme ?? 'light');
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await page.screenshot({ path: join(SCREENS, `${name}-${theme}.png`), fullPage: true });
  }
  await page.evaluate((t) => (document.documentElement.dataset.theme = t), before);
}

/** axe on the screen as it is, in both themes: no serious or critical violation. */
export async function accessible(page: Page): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${theme}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
}

/** Follows a fresh login link: the page exchanges its code for a session cookie. */
export async function signIn(page: Page, host: AppHost): Promise<void> {
  await page.goto(await host.link());
  await expect(page.getByRole('heading', { name: /Create your vault|Unlock Memvault/ })).toBeVisible();
}

/** The first run through the page, up to the unlocked app. */
export async function createOwner(page: Page, host: AppHost): Promise<string> {
  await signIn(page, host);
  await page.getByLabel('Owner profile name').fill(OWNER.name);
  await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await page.getByLabel('Password again').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create vault' }).click();
  const key = (await page.getByLabel('Recovery key', { exact: true }).textContent()) ?? '';
  await page.getByLabel('I have saved the recovery key').check();
  await page.getByRole('button', { name: 'Open my vault' }).click();
  await expect(page.getByRole('heading', { name: 'Memories' })).toBeVisible();
  return key.trim();
}

export async function unlock(page: Page, profile: string, password: string): Promise<void> {
  await page.getByLabel('Profile').selectOption(profile);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Unlock' }).click();
}

export async function addMemory(page: Page, content: string, tags = ''): Promise<void> {
  await page.getByRole('button', { name: 'New memory' }).click();
  await page.getByLabel('Content').fill(content);
  if (tags) await page.getByLabel('Tags', { exact: true }).fill(tags);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Memory stored.' })).toBeVisible();
  await expect(page.getByLabel('Content')).toHaveCount(0);
}
