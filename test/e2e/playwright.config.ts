import { defineConfig } from '@playwright/test';

/**
 * The app in Debian's Chromium (`apt-get install chromium`; never `npx playwright install`)
 * against a real host and vault per test. One worker: two cores, and each test runs Argon2.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/e2e',
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.MEMVAULT_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] },
    acceptDownloads: true,
    viewport: { width: 1280, height: 860 },
  },
});
