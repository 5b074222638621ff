// Electronegativity over the shell (electron/) and the page it loads (renderer/index.html); it
// always exits 0, so its CSV is read here and any finding above informational fails the build.
// It is run through npx with commander 2 beside it: the package uses commander without
// declaring it, and the project's own commander 14 breaks it.
//
// Two checks (named here as it reports them; -x takes them lowercase without underscores) are reviewed exceptions, not findings to fix (see electron/README.md):
// - PRELOAD_JS_CHECK flags every preload script; ours exposes one frozen object with one invoke
//   function over one IPC channel, through contextBridge, and nothing of Electron or Node.
// - CSP_GLOBAL_CHECK flags `script-src 'self'` (a bypass where the origin serves JSONP or user
//   files); app://memvault serves only the bundle's files, read once at start.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REVIEWED = ['PRELOAD_JS_CHECK', 'CSP_GLOBAL_CHECK'];
const root = join(import.meta.dirname, '..');
const input = mkdtempSync(join(tmpdir(), 'electronegativity-'));
cpSync(join(root, 'electron'), join(input, 'electron'), { recursive: true });
cpSync(join(root, 'renderer', 'index.html'), join(input, 'index.html'));
// A canary with a known finding: a scan that parsed nothing (a crash, a parser that gave up on
// TypeScript) would otherwise read as "0 findings".
const CANARY = 'canary-window.ts';
writeFileSync(join(input, CANARY), "import { BrowserWindow } from 'electron';\nexport const w = new BrowserWindow({ webPreferences: { nodeIntegration: true } });\n");
const out = join(input, 'report.csv');
const electron = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const run = spawnSync(
  'npx',
  ['--yes', '-p', '@doyensec/electronegativity@1.10.3', '-p', 'commander@2.20.3', 'electronegativity', '-i', input, '-e', electron, '-r', '-x', REVIEWED.map((c) => c.replace(/_/g, '').toLowerCase()).join(','), '-o', out],
  { encoding: 'utf8' },
);
let report = '';
try {
  report = readFileSync(out, 'utf8');
} catch {
  process.stderr.write(`electronegativity wrote no report:\n${run.stdout}\n${run.stderr}\n`);
  process.exit(1);
}
rmSync(input, { recursive: true, force: true });
const above = report.split('\n').slice(1).filter((line) => /"(LOW|MEDIUM|HIGH|CRITICAL)"/.test(line));
const canary = above.filter((line) => line.includes(CANARY));
const findings = above.filter((line) => !line.includes(CANARY));
console.log(`electronegativity (Electron ${electron}, reviewed: ${REVIEWED.join(', ')}): ${findings.length} findings above informational; canary seen: ${canary.length > 0}`);
for (const f of findings) console.log(`  ${f.slice(0, 300)}`);
if (run.status !== 0 || canary.length === 0) {
  process.stderr.write(`electronegativity did not scan (exit ${run.status}, canary findings ${canary.length}):\n${run.stderr}\n`);
  process.exit(1);
}
process.exit(findings.length === 0 ? 0 : 1);
