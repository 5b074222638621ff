import { describe, expect, it } from 'vitest';
import { resolveAppRequest } from '../../electron/protocol/app-protocol.js';
import type { StaticFile } from '../../src/host/static-files.js';

const FILES = new Map<string, StaticFile>([
  ['/index.html', { type: 'text/html; charset=utf-8', body: Buffer.from('<!doctype html>') }],
  ['/assets/app.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from('export {}') }],
]);
const status = (url: string) => resolveAppRequest(url, FILES).status;

describe('the app:// protocol handler', () => {
  it('serves the bundle’s files, the page at /', () => {
    expect(resolveAppRequest('app://memvault/', FILES)).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(status('app://memvault/assets/app.js')).toBe(200);
  });

  it('another host is 404', () => {
    expect(status('app://evil/index.html')).toBe(404);
    expect(status('app://memvault.evil/index.html')).toBe(404);
    expect(status('app://memvault:1234/index.html')).toBe(404);
  });

  it('a path that would leave the bundle is 403, plain or encoded', () => {
    for (const path of ['/%2e%2e/%2e%2e/etc/passwd', '/assets/%2E%2E/%2E%2E/package.json', '/assets/..%2fsecret', '/assets%5c..%5cmain.js', '/%00index.html'])
      expect(status(`app://memvault${path}`), path).toBe(403);
  });

  it('dot segments are refused before the URL parser can resolve them away; unknown files are 404', () => {
    expect(status('app://memvault/assets/../index.html')).toBe(403);
    expect(status('app://memvault/../../etc/passwd')).toBe(403);
    expect(status('app://memvault/./index.html')).toBe(403);
    expect(status('app://memvault/vault.db')).toBe(404);
    expect(status('app://memvault/assets/app.js?v=1')).toBe(200);
  });

  it('another scheme is 404', () => {
    expect(status('file:///index.html')).toBe(404);
    expect(status('https://memvault/index.html')).toBe(404);
  });
});
