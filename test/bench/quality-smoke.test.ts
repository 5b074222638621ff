import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddingsServer } from '../support/embeddings-server.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** The quality benchmark runs end to end on a tiny file in the LoCoMo format (its figures are not asserted beyond their range). */
describe('npm run bench:quality on a tiny file', () => {
  it('prints the table for every method and writes the overall hybrid recall@10', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memvault-quality-smoke-'));
    try {
      const out = join(dir, 'quality.json');
      const r = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/quality.ts', '--data', 'test/fixtures/locomo-tiny.json', '--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.status, r.stderr).toBe(0);
      for (const method of ['vector', 'keyword', 'hybrid', 'plain BM25']) expect(r.stdout).toMatch(new RegExp(`^${method} +overall +3 `, 'm'));
      const result = JSON.parse(readFileSync(out, 'utf8')) as { hybridRecallAt10: number };
      expect(result.hybridRecallAt10).toBeGreaterThan(0);
      expect(result.hybridRecallAt10).toBeLessThanOrEqual(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs with an OpenAI-compatible endpoint instead of the built-in model', async () => {
    const server = await startEmbeddingsServer(16);
    const dir = mkdtempSync(join(tmpdir(), 'memvault-quality-smoke-'));
    try {
      const args = ['bench/quality.ts', '--data', 'test/fixtures/locomo-tiny.json', '--out', join(dir, 'q.json'), '--url', server.url, '--model', 'tiny'];
      const r = await new Promise<{ code: number | null; out: string; err: string }>((done) => {
        const child = spawn(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), ...args], { cwd: ROOT });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => done({ code, out, err }));
      });
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('embedder openai-compatible:tiny');
      expect(server.requests.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await server.close();
    }
  });
});
