import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { APP_TOKEN_HEADER } from '../contract/client.js';
import { VaultError, parseInput } from '../vault/index.js';
import type { AppService } from './app-service.js';
import { AppSessions, type AppSession } from './app-sessions.js';
import type { LoginCodes } from './login-codes.js';
import type { StaticFile } from './static-files.js';

/** The app session's cookie is named for the port: cookies are not kept apart by port, and two hosts on one machine must not overwrite each other's. */
export const appCookieName = (port: number): string => `memvault_app_${port}`;

/** What the app's HTTP routes need besides the app service: the login link's codes, the browser sessions, the page's files. */
export interface AppHttpHost {
  app: AppService;
  codes: LoginCodes;
  sessions: AppSessions;
  files: ReadonlyMap<string, StaticFile>;
  port(): number;
  clock(): number;
}

const APP = { config: { auth: 'app' as const } };
const loginSchema = z.strictObject({ code: z.string().min(1).max(128) });
const opBodySchema = z.strictObject({ args: z.unknown().default([]) });

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
export function registerAppRoutes(app: FastifyInstance, host: AppHttpHost, origins: ReadonlySet<string>): void {
  const sameOrigin = (req: FastifyRequest): void => {
    const origin = req.headers.origin;
    if (origin === undefined || !origins.has(origin)) throw new VaultError('forbidden', 'the app accepts changes only from its own page');
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') throw new VaultError('forbidden', 'the app accepts changes only from its own page');
  };
  const appSession = (req: FastifyRequest): AppSession => {
    const session = host.sessions.find(cookieOf(req, appCookieName(host.port())) ?? undefined);
    if (!session) throw new VaultError('auth_failed', 'this browser is not signed in to the app: open the login link Memvault printed');
    if (!AppSessions.csrfMatches(session, req.headers[APP_TOKEN_HEADER] as string | undefined)) throw new VaultError('forbidden', 'the request lacks this session’s token: open the login link Memvault printed');
    return session;
  };
  /** A change: the app's own Origin, and it counts as use (reads and polls do not keep an idle session open). */
  const changing = (req: FastifyRequest): AppSession => {
    sameOrigin(req);
    const session = appSession(req);
    session.lastUsed = host.clock();
    return session;
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

  app.get('/app/state', APP, async (req) => host.app.state(appSession(req)));

  app.get('/app/progress', APP, async (req) => ({ event: host.app.progress(appSession(req)) }));

  app.post('/app/create', APP, async (req) => host.app.createVault(changing(req), req.body));
  app.post('/app/unlock', APP, async (req) => host.app.unlock(changing(req), req.body));
  app.post('/app/recover', APP, async (req) => {
    changing(req);
    await host.app.recover(req.body);
    return null;
  });
  app.post('/app/lock', APP, async (req) => {
    host.app.lock(changing(req));
    return null;
  });
  app.post('/app/idle-lock', APP, async (req) => {
    host.app.setIdleLock(changing(req), req.body);
    return null;
  });
  app.post('/app/agent-api', APP, async (req) => {
    await host.app.setAgentApi(changing(req), req.body);
    return null;
  });
  app.post<{ Params: { name: string } }>('/app/op/:name', APP, async (req) => {
    const session = changing(req);
    const { args } = parseInput(opBodySchema, req.body ?? {});
    return { result: (await host.app.call(session, req.params.name, args)) ?? null };
  });
}
