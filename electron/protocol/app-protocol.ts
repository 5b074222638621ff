import type { StaticFile } from '../../src/host/static-files.js';

/** The renderer is served from this scheme and host, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'memvault';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export interface AppResponse {
  status: number;
  type: string;
  body: Buffer | string;
}

/**
 * What `protocol.handle('app', …)` answers: only files of the renderer's bundle (read once at
 * start into a map), only on app://memvault. Another host is 404; a path that leaves the
 * bundle (dots, encoded dots, backslashes, NUL) is 403; anything else unknown is 404.
 */
export function resolveAppRequest(url: string, files: ReadonlyMap<string, StaticFile>): AppResponse {
  // Checked on the raw URL: the URL parser resolves `..` and `%2e%2e` segments itself, which would hide the attempt.
  if (/\/\.\.?(\/|$|[?#])|%2e|%2f|%5c|%00|\\/i.test(url.slice(url.indexOf('//') + 2))) return { status: 403, type: 'text/plain', body: 'forbidden' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, type: 'text/plain', body: 'bad request' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return { status: 404, type: 'text/plain', body: 'not found' };
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return { status: 400, type: 'text/plain', body: 'bad request' };
  }
  if (path.includes('\0')) return { status: 403, type: 'text/plain', body: 'forbidden' };
  const file = files.get(path === '/' ? '/index.html' : path);
  if (!file) return { status: 404, type: 'text/plain', body: 'not found' };
  return { status: 200, type: file.type, body: file.body };
}
