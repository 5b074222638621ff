import Database from 'better-sqlite3';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/vault/doctor.js';
import { createTestVault, type TestVault } from '../support/vault.js';

/** The checks every front door shows (the CLI's doctor, later the app), run in the core. */
describe('diagnose', () => {
  let v: TestVault | undefined;
  afterEach(() => v?.cleanup());

  it('passes a healthy vault and names each check', async () => {
    v = await createTestVault();
    v.service.close();
    const report = await diagnose(v.path);
    expect(report.checks.map((c) => c.name)).toEqual(['node', 'embedding model', 'vault file permissions', 'vault opens', 'database integrity', 'embedder', 'audit chain']);
    expect(report).toMatchObject({ ok: true });
  });

  it('fails on a file others can read and on a wiped audit log, and says where', async () => {
    v = await createTestVault();
    v.service.close();
    chmodSync(v.path, 0o644);
    const db = new Database(v.path);
    db.exec('DELETE FROM audit_checkpoints; DELETE FROM audit_events');
    db.close();
    const report = await diagnose(v.path);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'vault file permissions')).toMatchObject({ ok: false, detail: expect.stringContaining('chmod 600') });
    expect(report.checks.find((c) => c.name === 'audit chain')).toMatchObject({ ok: false, detail: expect.stringContaining('BROKEN') });
  });

  it('reports a missing vault as not created yet', async () => {
    const report = await diagnose(join('/nonexistent-dir-for-memvault', 'vault.db'));
    expect(report.checks.at(-1)).toMatchObject({ name: 'vault', ok: true, detail: expect.stringContaining('memvault init') });
  });
});
