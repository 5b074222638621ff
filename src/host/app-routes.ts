import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  APP_OPERATIONS,
  createVaultRequestSchema,
  idleLockRequestSchema,
  recoverRequestSchema,
  unlockRequestSchema,
  type AppOperationName,
  type AppState,
} from '../contract/client.js';
import { OPERATIONS } from '../contract/operations.js';
import type { ProgressEvent, SessionInfo } from '../contract/vault.js';
import { VaultError, parseInput, type Session, type VaultService } from '../vault/index.js';
import { AppSessions, type AppSession } from './app-sessions.js';
import type { LoginCodes } from './login-codes.js';
import type { StaticFile } from './static-files.js';

/** The app session's cookie is named for the port: cookies are not kept apart by port, and two hosts on one machine must not overwrite each other's. */
export const appCookieName = (port: number): string => `memvault_app_${port}`;
export const CSRF_HEADER = 'x-memvault-csrf';

/** What the app's routes need from the host that runs them. */
export interface AppHost {
  /** The vault, or null before the first run created it. */
  service(): VaultService | null;
  createVault(owner: string, password: string): Promise<{ service: VaultService; recoveryKey: string }>;
  codes: LoginCodes;
  sessions: AppSessions;
  files: ReadonlyMap<string, StaticFile>;
  agentApiUrl(): string | null;
  port(): number;
  vaultPath: string;
  binPath: string;
  latestProgress(): ProgressEvent | null;
  clock(): number;
}

const APP = { config: { auth: 'app' as const } };
const loginSchema = z.strictObject({ code: z.string().min(1).max(128) });
const opBodySchema = z.strictObject({ args: z.array(z.unknown()).max(4).default([]) });
const OP_NAMES: ReadonlySet<string> = new Set(APP_OPERATIONS);

/** The session cookie's value; null when it is absent or sent twice (a second one can only have been planted). */
function cookieOf(req: FastifyRequest, name: string): string | null {
  const found: string[] = [];
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) found.push(part.slice(eq + 1).trim());
  }
  return found.length === 1 ? found[0]! : null;
}

/**
 * The app's routes: its files, the login-link exchange, and one route per kind of call. Every
 * call needs the session cookie and the session's token in a header: the token is handed out
 * once, by the login exchange, and kept by the page in its tab (sessionStorage), so a cookie
 * read by another server on a loopback port (cookies ignore ports) is useless alone. A change
 * also needs the app's own Origin. None of these routes reads an agent token, and the agent
 * routes never read the cookie.
 */
export function registerAppRoutes(app: FastifyInstance, host: AppHost, origins: ReadonlySet<string>): void {
  const sameOrigin = (req: FastifyRequest): void => {
    const origin = req.headers.origin;
    if (origin === undefined || !origins.has(origin)) throw new VaultError('forbidden', 'the app accepts changes only from its own page');
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') throw new VaultError('forbidden', 'the app accepts changes only from its own page');
  };
  const appSession = (req: FastifyRequest): AppSession => {
    const session = host.sessions.find(cookieOf(req, appCookieName(host.port())) ?? undefined);
    if (!session) throw new VaultError('auth_failed', 'this browser is not signed in to the app: open the login link Memvault printed');
    if (!AppSessions.csrfMatches(session, req.headers[CSRF_HEADER] as string | undefined)) throw new VaultError('forbidden', 'the request lacks this session’s token: open the login link Memvault printed');
    return session;
  };
  /** A change: the app's own Origin, and it counts as use (reads and polls do not keep an idle session open). */
  const changing = (req: FastifyRequest): AppSession => {
    sameOrigin(req);
    const session = appSession(req);
    session.lastUsed = host.clock();
    return session;
  };
  const vaultOf = (): VaultService => {
    const service = host.service();
    if (!service) throw new VaultError('conflict', 'there is no vault yet: create one first');
    return service;
  };
  const unlocked = (session: AppSession): Session => {
    if (!session.vault) throw new VaultError('locked', 'the vault is locked: unlock it with a profile and its password');
    return session.vault;
  };
  const whoami = (session: AppSession): SessionInfo | null => {
    const service = host.service();
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
  };
  const lockVault = (session: AppSession): void => {
    if (session.vault) host.service()?.lock(session.vault);
    session.vault = null;
  };

  const sendFile = (path: string) => (_req: FastifyRequest, reply: FastifyReply) => {
    const file = host.files.get(path);
    if (!file) throw new VaultError('not_found', 'the app has not been built: run `npm run build`');
    return reply.type(file.type).send(file.body);
  };
  app.get('/', APP, sendFile('/index.html'));
  for (const path of host.files.keys()) if (path !== '/index.html') app.get(path, APP, sendFile(path));

  app.post('/app/login', APP, async (req, reply) => {
    sameOrigin(req);
    const { code } = parseInput(loginSchema, req.body);
    if (!host.codes.redeem(code)) throw new VaultError('auth_failed', 'this login link was used already or has expired: press Enter where Memvault runs for a new one');
    const { cookie, session } = host.sessions.open();
    // Host-only (no Domain), HttpOnly, SameSite=Strict. Plain HTTP on loopback rules out Secure and with it the __Host- prefix.
    reply.header('set-cookie', `${appCookieName(host.port())}=${cookie}; Path=/; HttpOnly; SameSite=Strict`);
    return { csrf: session.csrf };
  });

  app.get('/app/state', APP, async (req): Promise<AppState> => {
    const session = appSession(req);
    const service = host.service();
    const info = whoami(session);
    return {
      vault: !service ? 'absent' : info ? 'unlocked' : 'locked',
      profiles: service ? service.profileNames() : [],
      session: info,
      idleLockMs: session.idleLockMs,
      agentApiUrl: host.agentApiUrl(),
      vaultPath: host.vaultPath,
      binPath: host.binPath,
    };
  });

  app.get('/app/progress', APP, async (req) => {
    appSession(req);
    return { event: host.latestProgress() };
  });

  app.post('/app/create', APP, async (req) => {
    const session = changing(req);
    const { owner, password } = parseInput(createVaultRequestSchema, req.body);
    const { service, recoveryKey } = await host.createVault(owner, password);
    // The recovery key is in this answer only: it is given even if the unlock after creating fails.
    try {
      lockVault(session);
      session.vault = await service.unlock(owner, password);
      return { recoveryKey, session: service.whoami(session.vault) };
    } catch {
      return { recoveryKey, session: null };
    }
  });

  app.post('/app/unlock', APP, async (req) => {
    const session = changing(req);
    const { profile, password } = parseInput(unlockRequestSchema, req.body);
    const service = vaultOf();
    lockVault(session);
    const vault = await service.unlock(profile, password);
    // Another unlock of this session may have finished meanwhile: it is locked, not left behind.
    lockVault(session);
    session.vault = vault;
    try {
      await service.upkeep(vault);
    } catch (err) {
      lockVault(session);
      throw err;
    }
    return service.whoami(vault);
  });

  app.post('/app/recover', APP, async (req) => {
    changing(req);
    const { recoveryKey, newPassword } = parseInput(recoverRequestSchema, req.body);
    await vaultOf().recoverOwner(recoveryKey, newPassword);
    return null;
  });

  app.post('/app/lock', APP, async (req) => {
    lockVault(changing(req));
    return null;
  });

  app.post('/app/idle-lock', APP, async (req) => {
    const session = changing(req);
    unlocked(session);
    session.idleLockMs = parseInput(idleLockRequestSchema, req.body).idleLockMs;
    return null;
  });

  app.post<{ Params: { name: string } }>('/app/op/:name', APP, async (req) => {
    const session = changing(req);
    const name = req.params.name;
    if (!OP_NAMES.has(name)) throw new VaultError('not_found', 'the app has no such operation');
    const vault = unlocked(session);
    const spec = OPERATIONS[name as AppOperationName];
    const { args } = parseInput(opBodySchema, req.body ?? {});
    // Checked here against the declared schemas, and again inside the vault.
    const parsed = parseInput(z.tuple(spec.args as unknown as [z.ZodType, ...z.ZodType[]]), args) as unknown[];
    const service = vaultOf();
    const method = service[name as AppOperationName] as (session: Session, ...a: unknown[]) => unknown;
    // Only what the contract declares leaves the process, as on the REST routes.
    const result = spec.result.parse(await method.call(service, vault, ...parsed)) as unknown;
    return { result: result ?? null };
  });
}

/** Locks every app session unused for longer than its idle timeout; the host runs this on a timer. One failure does not spare the others. */
export function lockIdleAppSessions(host: AppHost): void {
  const now = host.clock();
  for (const session of host.sessions.all()) {
    if (!session.vault || now - session.lastUsed <= session.idleLockMs) continue;
    const vault = session.vault;
    session.vault = null;
    try {
      host.service()?.lock(vault);
    } catch {
      // The core wiped the keys before rethrowing (its lock ends in finally); the failed event is the file's problem, not the sweep's.
    }
  }
}
