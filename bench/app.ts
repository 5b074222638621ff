/**
 * `npm run bench:app`: the app in Debian's Chromium against a real browser host. A vault with
 * BENCH_N memories (default 10,000, 512-d vectors supplied by the caller) and BENCH_EVENTS audit
 * events (default 100,000, real read events); then, timed in the page: the memory list's first
 * page (cold: the first after unlock indexes the space; warm: a second visit), a search typed
 * key by key (from the last key to the results, which includes the 250 ms typing pause), the
 * audit viewer's first page (with the chain verification it starts) and a scroll to the oldest
 * event. Each is set beside the bare HTTP round trip of the call behind it, measured from the
 * same page in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { startBrowserHost } from '../src/host/browser-host.js';
import { VaultService } from '../src/vault/vault-service.js';
import { seededRandom } from '../test/support/random.js';

const N = Number(process.env.BENCH_N ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const DIMS = 512;
const PASSWORD = 'bench-password';
const rand = seededRandom(11);
const dir = mkdtempSync(join(tmpdir(), 'memvault-app-bench-'));
const vaultPath = join(dir, 'vault.db');
const stateDir = join(dir, 'state');

const t0 = performance.now();
{
  const { service } = await VaultService.create(vaultPath, { ownerName: 'bench', password: PASSWORD, kdf: 'insecure-test-only', stateDir });
  const owner = await service.unlock('bench', PASSWORD);
  const words = ['deploy', 'invoice', 'garden', 'python', 'meeting', 'travel', 'budget', 'recipe', 'backup', 'printer', 'vpn', 'coffee'];
  const memories = Array.from({ length: N }, (_, i) => ({
    content: `note ${i}: ${words[i % words.length]} ${words[(i * 7) % words.length]} ${rand().toString(36).slice(2, 8)}`,
    vector: Array.from({ length: DIMS }, () => rand() - 0.5),
    force: true,
  }));
  const { ids } = await service.addMemories(owner, { memories });
  // Real audit events: reads, group-committed as the app's own reads are.
  const remaining = EVENTS - service.listAudit(owner, { order: 'desc', limit: 1 })[0]!.seq;
  for (let i = 0; i < remaining; i++) service.getMemory(owner, ids[i % ids.length]!);
  service.close();
}
const setupS = (performance.now() - t0) / 1000;

const host = await startBrowserHost({ vaultPath, port: 0, kdf: 'insecure-test-only', stateDir });
const browser = await chromium.launch({ executablePath: process.env.MEMVAULT_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

/** The bare round trip of an app call from the page, without React (median of three): the baseline. */
async function roundTrip(p: Page, name: string, args: unknown[]): Promise<number> {
  const runs = [await once(p, name, args), await once(p, name, args), await once(p, name, args)].sort((a, b) => a - b);
  return runs[1]!;
}

async function once(p: Page, name: string, args: unknown[]): Promise<number> {
  return p.evaluate(
    async ({ name, args }) => {
      const csrf = sessionStorage.getItem('memvault.token')!;
      const start = performance.now();
      const res = await fetch(`/app/op/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-memvault-csrf': csrf }, body: JSON.stringify({ args }) });
      await res.text();
      return performance.now() - start;
    },
    { name, args },
  );
}

/**
 * Page-side timing loop, as source text: tsx names every function it compiles with a helper
 * the page does not have, so code that runs in the page is passed as a string.
 */
const UNTIL = `(selector, text, start, resolve) => {
  const tick = () => Array.from(document.querySelectorAll(selector)).some((el) => text === null || el.textContent === text) ? resolve(performance.now() - start) : requestAnimationFrame(tick);
  tick();
}`;

/** Clicks a section link in the page and times, in the page, until `selector` is rendered (no test-driver polling in the figure). */
async function clickUntil(p: Page, link: string, selector: string): Promise<number> {
  return p.evaluate(`new Promise((resolve) => {
    const start = performance.now();
    Array.from(document.querySelectorAll('nav a')).find((a) => a.textContent === ${JSON.stringify(link)}).click();
    (${UNTIL})(${JSON.stringify(selector)}, null, start, resolve);
  })`) as Promise<number>;
}

/** Scrolls the audit table to its end and times, in the page, until the oldest event's row is rendered. */
async function scrollToOldest(p: Page): Promise<number> {
  return p.evaluate(`new Promise((resolve) => {
    const el = document.querySelector('.audit-scroll');
    const start = performance.now();
    el.scrollTop = el.scrollHeight;
    (${UNTIL})('.audit-row .seq', '1', start, resolve);
  })`) as Promise<number>;
}

const timed = async (work: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await work();
  return performance.now() - start;
};

await page.goto(host.loginLink());
await page.getByLabel('Password').fill(PASSWORD);
const listCold = await timed(async () => {
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.locator('.memory-item').first().waitFor();
});
await page.getByRole('link', { name: 'Settings' }).click();
await page.getByRole('heading', { name: 'Settings' }).waitFor();
const listWarm = await clickUntil(page, 'Memories', '.memory-item');
const listBase = await roundTrip(page, 'listMemories', [{ limit: 50, states: ['active'] }]);

await page.getByLabel('Search').click();
const query = 'garden budget';
// The typing pause means one request, for the whole query: wait for its answer, then for the rows it brings.
const answered = page.waitForResponse((r) => r.url().endsWith('/app/op/searchMemories') && (r.request().postData() ?? '').includes(query));
await page.keyboard.type(query, { delay: 60 });
const typed = performance.now();
await answered;
await page.locator('.memory-item').first().filter({ hasText: /garden|budget/ }).waitFor();
const searchMs = performance.now() - typed;
const searchBase = await roundTrip(page, 'searchMemories', [{ text: query, mode: 'hybrid', k: 50, states: ['active'] }]);

const auditFirst = await clickUntil(page, 'Audit log', '.audit-row .seq');
const badgeMs = await timed(() => page.getByTestId('chain-badge').waitFor({ timeout: 120_000 }));
const auditBase = await roundTrip(page, 'listAudit', [{ order: 'desc', limit: 200 }]);
const scrollEnd = await scrollToOldest(page);
const deepBase = await roundTrip(page, 'listAudit', [{ order: 'desc', offset: EVENTS - 200, limit: 200 }]);
const badge = (await page.getByTestId('chain-badge').textContent())?.trim();

await browser.close();
await host.close();
rmSync(dir, { recursive: true, force: true });

const row = (what: string, ms: number, base: number) => `| ${what} | ${ms.toFixed(0)} ms | ${base.toFixed(1)} ms | ${(ms / base).toFixed(1)}x |`;
console.log(`bench:app on ${N.toLocaleString()} memories and ${EVENTS.toLocaleString()} audit events (setup ${setupS.toFixed(1)} s)\n`);
console.log('| in the app (Chromium) | time | bare HTTP round trip of its call | ratio |');
console.log('| --- | --- | --- | --- |');
console.log(row('memory list, first page, first after unlock (indexes the space)', listCold, listBase));
console.log(row('memory list, first page, second visit', listWarm, listBase));
console.log(row('search as you type: last key to results (incl. the 250 ms typing pause)', searchMs, searchBase));
console.log(row('audit viewer: first page (the chain verification it starts runs beside it)', auditFirst, auditBase));
console.log(row('audit viewer: chain badge after the first page', badgeMs, auditBase));
console.log(row('audit viewer: scroll to the oldest event', scrollEnd, deepBase));
console.log(`\nchain badge: ${badge}`);
