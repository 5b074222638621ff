import { test, expect, createOwner, screens } from '../support/app-fixtures.js';

test('keyboard: the sections and Lock are reached with Tab, focus is visible, Alt+Shift+L locks', async ({ page, host }) => {
  await createOwner(page, host);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Memories' })).toBeFocused();
  const outline = await page.getByRole('link', { name: 'Memories' }).evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).toBe('solid');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Spaces & profiles' })).toBeVisible();
  await page.keyboard.press('Alt+Shift+L');
  await expect(page.getByRole('heading', { name: 'Unlock Memvault' })).toBeVisible();
});

test('at 200 % zoom every screen still fits the window without sideways scrolling', async ({ page, host }) => {
  await createOwner(page, host);
  // 200 % zoom of a 1280 px window is a 640 px wide layout viewport.
  await page.setViewportSize({ width: 640, height: 430 });
  for (const [link, heading] of [
    ['Memories', 'Memories'],
    ['Spaces & profiles', 'Spaces & profiles'],
    ['Agents', 'Agents'],
    ['Audit log', 'Audit log'],
    ['Settings', 'Settings'],
  ] as const) {
    await page.getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${heading} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
  }
  await screens(page, '60-zoom-200-settings');
});
