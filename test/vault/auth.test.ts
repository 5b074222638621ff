import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { VaultService } from '../../src/vault/vault-service.js';
import { createTestVault, expectCode, OWNER_PASSWORD, type TestVault } from '../support/vault.js';

describe('unlocking', () => {
  let v: TestVault;
  let now: number;
  let service: VaultService;
  beforeEach(async () => {
    v = await createTestVault();
    v.service.close();
    now = Date.parse('2026-01-01T00:00:00Z');
    service = await VaultService.open(v.path, { clock: () => now, kdf: 'insecure-test-only' });
  });
  afterEach(() => {
    service.close();
    v.cleanup();
  });

  const failures = (): { outcome: string; actor_id: string; details: string }[] => {
    const raw = new Database(v.path, { readonly: true });
    try {
      return raw
        .prepare("SELECT outcome, actor_id, details FROM audit_events WHERE action = 'unlock' AND outcome != 'ok' ORDER BY seq")
        .all() as { outcome: string; actor_id: string; details: string }[];
    } finally {
      raw.close();
    }
  };

  it('a wrong password and an unknown profile get the same error, and both are audited', async () => {
    const a = (await expectCode(() => service.unlock('olivia', 'not-the-password'), 'auth_failed')) as Error;
    const b = (await expectCode(() => service.unlock('nobody', 'not-the-password'), 'auth_failed')) as Error;
    expect(a.message).toBe(b.message);
    expect(a.message).not.toMatch(/password is wrong|no such profile|unknown/i);
    const events = failures();
    // A name that is no profile may be an e-mail address or a pasted secret: it is never logged.
    expect(events.map((e) => [e.outcome, e.actor_id])).toEqual([['failed', 'olivia'], ['failed', '(unknown profile)']]);
    expect(JSON.stringify(events)).not.toContain('nobody');
    expect(JSON.stringify(events)).not.toContain('not-the-password');
  });

  it('repeated failures make the next attempt wait, longer each time, even with the right password', async () => {
    for (let i = 0; i < 3; i++) await expectCode(() => service.unlock('olivia', `wrong-${i}-password`), 'auth_failed');
    const first = (await expectCode(() => service.unlock('olivia', OWNER_PASSWORD), 'throttled')) as { extra: { retryAfterSeconds: number } };
    expect(first.extra.retryAfterSeconds).toBe(1);
    now += 1_100;
    await expectCode(() => service.unlock('olivia', 'wrong-again-password'), 'auth_failed');
    const second = (await expectCode(() => service.unlock('olivia', OWNER_PASSWORD), 'throttled')) as { extra: { retryAfterSeconds: number } };
    expect(second.extra.retryAfterSeconds).toBe(2);
    now += 2_100;
    const session = await service.unlock('olivia', OWNER_PASSWORD);
    expect(service.whoami(session).role).toBe('owner');
    expect(failures().map((e) => e.outcome)).toEqual(['failed', 'failed', 'failed', 'denied', 'failed', 'denied']);
  });

  it('a locked session can do nothing and its keys are zeroed', async () => {
    const session = await service.unlock('olivia', OWNER_PASSWORD);
    const spaceKey = session.keys.current(session.keys.spaceIds()[0]!).key;
    const secret = session.keyPair.secretKey;
    service.lock(session);
    expect(spaceKey.every((b) => b === 0)).toBe(true);
    expect(secret.every((b) => b === 0)).toBe(true);
    expect(session.keys.spaceIds()).toEqual([]);
    await expectCode(() => service.listMemories(session, {}), 'locked');
    await expectCode(() => service.addMemory(session, { content: 'x' }), 'locked');
  });

  it('a password change rewraps only the profile key blob, not one memory', async () => {
    const session = await service.unlock('olivia', OWNER_PASSWORD);
    await service.addMemory(session, { content: 'Something to keep across password changes' });
    const raw = new Database(v.path, { readonly: true });
    const snapshot = () => raw.prepare('SELECT record FROM memory_versions').all();
    const before = snapshot();
    const blob = () => (raw.prepare("SELECT wrapped_secret FROM profiles WHERE name = 'olivia'").get() as { wrapped_secret: Buffer }).wrapped_secret;
    const blobBefore = blob();
    await expectCode(() => service.changePassword(session, 'not-the-current', 'brand-new-password'), 'auth_failed');
    await service.changePassword(session, OWNER_PASSWORD, 'brand-new-password');
    expect(snapshot()).toEqual(before);
    expect(blob().equals(blobBefore)).toBe(false);
    raw.close();
    service.lock(session);
    await expectCode(() => service.unlock('olivia', OWNER_PASSWORD), 'auth_failed');
    const again = await service.unlock('olivia', 'brand-new-password');
    expect(service.listMemories(again, {}).items[0]!.content).toBe('Something to keep across password changes');
  });

  it('the recovery key resets the owner password; a wrong one does not', async () => {
    await expectCode(() => service.recoverOwner('AAAA-BBBB', 'reset-password-1'), 'auth_failed');
    await service.recoverOwner(v.recoveryKey.toLowerCase(), 'reset-password-1');
    await expectCode(() => service.unlock('olivia', OWNER_PASSWORD), 'auth_failed');
    const session = await service.unlock('olivia', 'reset-password-1');
    expect(service.listSpaces(session).map((s) => s.name)).toEqual(['default']);
  });
});
