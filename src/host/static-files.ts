import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export interface StaticFile {
  type: string;
  body: Buffer;
}

/**
 * The built renderer, read once at start into a map from URL path to file. A request can name
 * only a file that was in the folder at start: no path is ever joined from a URL, so nothing
 * outside the folder can be reached.
 */
export function loadStaticFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const type = TYPES[extname(name).toLowerCase()];
        if (type) files.set(`/${relative(root, path).split(sep).join('/')}`, { type, body: readFileSync(path) });
      }
    }
  };
  walk(root);
  return files;
}
