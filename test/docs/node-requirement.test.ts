import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The range the README's Install section asks for ("Needs Node.js `^20.19.0 || …`"). */
function readmeRange(): string {
  const m = /Needs Node\.js `([^`]+)`/.exec(README);
  if (!m) throw new Error('the README does not say which Node.js it needs');
  return m[1]!;
}

/** The sentence on packaging: the range it needs, and the packages it names as needing it (the Electron tooling). */
function readmePackaging(): { range: string; packages: string[] } {
  const start = README.indexOf('Packaging the desktop app');
  const sentence = README.slice(start, README.indexOf('\n\n', start));
  const quoted = [...sentence.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  const range = quoted.find((q) => semver.validRange(q) !== null && /\d/.test(q));
  if (!range) throw new Error('the README does not say which Node.js packaging needs');
  return { range, packages: quoted.filter((q) => /^@?[a-z][a-z0-9/._-]*$/.test(q)) };
}

/** Every installed package (production or all), with the Node range its package.json declares. */
function installed(scope: 'production' | 'all'): { name: string; version: string; node: string }[] {
  const ls = spawnSync('npm', ['ls', '--all', '--parseable', ...(scope === 'production' ? ['--omit=dev'] : [])], { cwd: ROOT, encoding: 'utf8' });
  const paths = ls.stdout.split('\n').filter((p) => p.includes('node_modules'));
  expect(paths.length).toBeGreaterThan(10);
  return paths.flatMap((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; engines?: { node?: string } };
    return pkg.engines?.node ? [{ name: pkg.name, version: pkg.version, node: pkg.engines.node }] : [];
  });
}

/** Those whose declared range leaves out part of `range`. */
const excluding = (packages: ReturnType<typeof installed>, range: string) => packages.filter((p) => !semver.subset(range, p.node));

describe('the Node.js version the README asks for is one every dependency declares it runs on', () => {
  it('package.json engines say what the README says', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(readmeRange());
  });

  it('every production dependency accepts every version the README allows', () => {
    expect(excluding(installed('production'), readmeRange())).toEqual([]);
  });

  it('the development packages that need more are the Electron tooling the README names, and its range is enough for them', () => {
    const { range, packages } = readmePackaging();
    expect(semver.subset(range, readmeRange())).toBe(true);
    const needMore = [...new Set(excluding(installed('all'), readmeRange()).map((p) => p.name))].sort();
    expect(needMore).toEqual([...packages].sort());
    expect(excluding(installed('all'), range)).toEqual([]);
  });
});
