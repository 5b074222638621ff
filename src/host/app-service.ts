import { z } from 'zod';
import {
  APP_OPERATIONS,
  agentApiRequestSchema,
  createVaultRequestSchema,
  idleLockRequestSchema,
  recoverRequestSchema,
  unlockRequestSchema,
  type AppOperationName,
  type AppState,
  type CreatedVaultReply,
} from '../contract/client.js';
import { OPERATIONS } from '../contract/operations.js';
import type { ProgressEvent, SessionInfo } from '../contract/vault.js';
import { VaultError, parseInput, type Session, type VaultService } from '../vault/index.js';
import type { AppSession } from './app-sessions.js';

/** Serving agents off or on; `port` only where the host lets the port be chosen (the desktop shell). */
export interface AgentApiSwitch {
  on(): boolean;
  set(on: boolean, port?: number): void | Promise<void>;
  port?(): number;
}

/** What the app's calls need from the process that hosts them (the browser host, the desktop shell). */
export interface AppHostCore {
  /** The vault, or null before the first run created it. */
  service(): VaultService | null;
  createVault(owner: string, password: string): Promise<{ service: VaultService; recoveryKey: string }>;
  agentApiUrl(): string | null;
  latestProgress(): ProgressEvent | null;
  clock(): number;
  vaultPath: string;
  /** memvault's CLI for stdio agent configurations, or null where none can run (inside a packaged app). */
  binPath: string | null;
  /** System events that also lock (the desktop shell), or absent where none can be seen. */
  systemLock?: readonly ('suspend' | 'lock-screen')[];
  /** Whether the agent API is served, and the switch for it; absent where the host has none. */
  agentApi?: AgentApiSwitch;
  /** Called on every lock (the Lock button, idle, system): the desktop shell takes back its clipboard. */
  onLock?: () => void;
}

const OP_NAMES: ReadonlySet<string> = new Set(APP_OPERATIONS);
const argsSchema = z.array(z.unknown()).max(4);

/**
 * The app's calls, whatever carries them: HTTP routes in the browser host, IPC handlers in the
 * desktop shell. Each takes the caller's app session (who is unlocked in that window or tab)
 * and raw input, validates it, and calls the vault; transports only authenticate the caller
 * and translate.
 */
export class AppService {
  constructor(private readonly host: AppHostCore) {}

  state(session: AppSession): AppState {
    const service = this.host.service();
    const info = this.whoami(session);
    return {
      vault: !service ? 'absent' : info ? 'unlocked' : 'locked',
      profiles: service ? service.profileNames() : [],
      session: info,
      idleLockMs: session.idleLockMs,
      lastUnlockMs: session.lastUnlockMs,
      agentApiUrl: this.host.agentApiUrl(),
      agentApiOn: this.host.agentApi?.on() ?? this.host.agentApiUrl() !== null,
      agentApiPort: this.host.agentApi?.port?.() ?? null,
      systemLock: this.host.systemLock ? [...this.host.systemLock] : null,
      vaultPath: this.host.vaultPath,
      binPath: this.host.binPath,
    };
  }

  /** The host's latest progress event, for an unlocked session only (space names are not for the sign-in page). */
  progress(session: AppSession): ProgressEvent | null {
    const event = this.host.latestProgress();
    if (!event || !this.whoami(session)) return null;
    return this.host.service()!.progressFor(session.vault!, event);
  }

  async createVault(session: AppSession, raw: unknown): Promise<CreatedVaultReply> {
    const { owner, password } = parseInput(createVaultRequestSchema, raw);
    const { service, recoveryKey } = await this.host.createVault(owner, password);
    // The recovery key is in this answer only: it is given even if the unlock after creating fails.
    try {
      this.lock(session);
      session.vault = await service.unlock(owner, password);
      return { recoveryKey, session: service.whoami(session.vault) };
    } catch {
      return { recoveryKey, session: null };
    }
  }

  async unlock(session: AppSession, raw: unknown): Promise<SessionInfo> {
    const { profile, password } = parseInput(unlockRequestSchema, raw);
    const service = this.vault();
    this.lock(session);
    const started = performance.now();
    const vault = await service.unlock(profile, password);
    session.lastUnlockMs = Math.round(performance.now() - started);
    // Another unlock of this session may have finished meanwhile: it is locked, not left behind.
    this.lock(session);
    session.vault = vault;
    try {
      await service.upkeep(vault);
    } catch (err) {
      this.lock(session);
      throw err;
    }
    return service.whoami(vault);
  }

  async recover(raw: unknown): Promise<void> {
    const { recoveryKey, newPassword } = parseInput(recoverRequestSchema, raw);
    await this.vault().recoverOwner(recoveryKey, newPassword);
  }

  /** Zeroes the session's keys (the core wipes them even if the lock's event cannot be written). */
  lock(session: AppSession): void {
    const vault = session.vault;
    session.vault = null;
    try {
      if (vault) this.host.service()?.lock(vault);
    } finally {
      if (vault) this.host.onLock?.();
    }
  }

  setIdleLock(session: AppSession, raw: unknown): void {
    this.unlocked(session);
    session.idleLockMs = parseInput(idleLockRequestSchema, raw).idleLockMs;
  }

  /** Serving agents off or on: for roles whose permissions include managing agents (the policy table, via the session). */
  async setAgentApi(session: AppSession, raw: unknown): Promise<void> {
    const vault = this.unlocked(session);
    const { on, port } = parseInput(agentApiRequestSchema, raw);
    if (!this.vault().whoami(vault).permissions.includes('agent.manage')) throw new VaultError('forbidden', 'only an owner or admin turns the agent API off or on');
    const api = this.host.agentApi;
    if (!api) throw new VaultError('unavailable', 'this host cannot turn its agent API off');
    if (port !== undefined && !api.port) throw new VaultError('unavailable', 'agents share this app’s port; to move them, restart with memvault start --port N');
    await api.set(on, port);
  }

  /** One declared operation on the session's unlocked vault: arguments checked here against the contract and again inside, the result parsed against it on the way out. */
  async call(session: AppSession, name: string, rawArgs: unknown): Promise<unknown> {
    if (!OP_NAMES.has(name)) throw new VaultError('not_found', 'the app has no such operation');
    const vault = this.unlocked(session);
    const spec = OPERATIONS[name as AppOperationName];
    const args = parseInput(z.tuple(spec.args as unknown as [z.ZodType, ...z.ZodType[]]), parseInput(argsSchema, rawArgs)) as unknown[];
    const service = this.vault();
    const method = service[name as AppOperationName] as (session: Session, ...a: unknown[]) => unknown;
    return spec.result.parse(await method.call(service, vault, ...args)) as unknown;
  }

  /** Locks every session unused for longer than its idle timeout. One failure does not spare the others. */
  lockIdle(sessions: Iterable<AppSession>): void {
    const now = this.host.clock();
    for (const session of sessions) {
      if (!session.vault || now - session.lastUsed <= session.idleLockMs) continue;
      try {
        this.lock(session);
      } catch {
        // The core wiped the keys before rethrowing; the failed event is the file's problem, not the sweep's.
      }
    }
  }

  private vault(): VaultService {
    const service = this.host.service();
    if (!service) throw new VaultError('conflict', 'there is no vault yet: create one first');
    return service;
  }

  private unlocked(session: AppSession): Session {
    if (!session.vault) throw new VaultError('locked', 'the vault is locked: unlock it with a profile and its password');
    return session.vault;
  }

  private whoami(session: AppSession): SessionInfo | null {
    const service = this.host.service();
    if (!service || !session.vault) return null;
    try {
      return service.whoami(session.vault);
    } catch (err) {
      if (err instanceof VaultError && err.code === 'locked') {
        session.vault = null;
        return null;
      }
      throw err;
    }
  }
}
