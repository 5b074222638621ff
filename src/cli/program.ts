import { Command, Option } from 'commander';
import { createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import { SEARCH_MODES, MEMORY_STATES, addMemorySchema, searchSchema, updateMemorySchema, type MemoryFilter } from '../contract/memory.js';
import { addProfileSchema, auditQuerySchema, roleSchema } from '../contract/vault.js';
import { ROLES } from '../contract/roles.js';
import { MEMVAULT_VERSION } from '../contract/version.js';
import { VaultService, describeVerify, diagnose, parseInput, type Session } from '../vault/index.js';
import { registerAgentCommands } from './agent-commands.js';
import { registerBackupCommands } from './backup-commands.js';
import { registerEmbedderCommands } from './embedder-commands.js';
import { registerImportCommand } from './import-command.js';
import { collect, int, json, num } from './args.js';
import { registerServerCommands } from './server-commands.js';
import { kdfPreset, openVault, progressPrinter, upkeep, secrets, vaultPath, withSession, type GlobalOptions } from './context.js';
import { hitLine, memoryBlock, memoryLine, printJson, printLine, table } from './output.js';

interface FilterFlags {
  space?: string[];
  kind?: string[];
  tag?: string[];
  source?: string;
  since?: string;
  until?: string;
  state?: string[];
}

function withFilterFlags(cmd: Command): Command {
  return cmd
    .option('--space <name>', 'only these spaces (repeatable)', collect)
    .option('--kind <kind>', 'only these kinds (repeatable)', collect)
    .option('--tag <tag>', 'only memories with all these tags (repeatable)', collect)
    .option('--source <source>', 'only memories written by this source, e.g. profile:alice')
    .option('--since <time>', 'created at or after (ISO 8601)')
    .option('--until <time>', 'created at or before (ISO 8601)')
    .addOption(new Option('--state <state>', 'states to include (default active)').choices(MEMORY_STATES).argParser(collect));
}

function filterFrom(o: FilterFlags): MemoryFilter {
  return {
    spaces: o.space,
    kinds: o.kind,
    tags: o.tag,
    source: o.source,
    since: o.since,
    until: o.until,
    states: o.state as MemoryFilter['states'],
  };
}

/** Ids are UUIDs (36 characters); anything shorter is a prefix the vault resolves among what this profile may read. */
function memoryId(service: VaultService, session: Session, typed: string): string {
  return typed.length === 36 ? typed : service.resolveMemoryId(session, typed);
}

function defaultOwnerName(): string {
  const name = userInfo().username.replace(/[^A-Za-z0-9_.-]/g, '');
  return /^[A-Za-z0-9]/.test(name) ? name.slice(0, 64) : 'owner';
}

/** What `memvault --help` ends with: how to start, where secrets come from, what exit codes mean. */
const PROGRAM_HELP = `
Examples:
  memvault init                                  create a vault (asks for an owner password; prints a recovery key once)
  memvault add "The build uses pnpm" --tag tooling
  memvault search "which package manager"        hybrid search (meaning and keywords)
  memvault agent add coder --space default --perm read,write
  memvault serve                                 the agent API on 127.0.0.1:7437 (REST /v1, MCP /mcp)
  memvault start                                 the app in your browser, with a one-time login link

Environment:
  MEMVAULT_VAULT          vault file (else --vault, else the OS app-data folder)
  MEMVAULT_PASSWORD       the unlocking profile's password, and the owner's for init (else --password-stdin, else a prompt)
  MEMVAULT_NEW_PASSWORD   a new password (profile add, profile passwd, profile reset, recover); at least 8 characters
  MEMVAULT_RECOVERY_KEY   the recovery key for recover
  MEMVAULT_TOKEN          an agent token for memvault mcp (else --token-file)
  MEMVAULT_STATE_DIR      where the last verified audit head is kept (default: the OS config folder)

Roles: ${ROLES.join(', ')} (what each may do: README, Roles).

Exit codes: 0 ok, 1 error, 2 usage or invalid input, 3 locked or wrong credentials,
4 forbidden, 5 not found, 6 a near-identical memory is already stored (add --force stores it),
130 cancelled (Ctrl+C at a prompt).`;

export function buildProgram(): Command {
  const program = new Command('memvault')
    .description('Memvault: an encrypted, local-first memory vault for AI agents')
    .version(MEMVAULT_VERSION)
    .option('--vault <path>', 'vault file (default: $MEMVAULT_VAULT or the OS app-data folder)')
    .option('--profile <name>', 'profile to unlock (default: the owner)')
    .option('--password-stdin', 'read the password (and a new password, if needed) from standard input, one per line')
    .option('--json', 'print machine-readable JSON')
    .showHelpAfterError()
    .addHelpText('after', PROGRAM_HELP)
    .exitOverride();
  const g = (): GlobalOptions => program.opts<GlobalOptions>();

  program
    .command('init')
    .description('create a new vault with an owner profile; prints the recovery key once')
    .option('--owner <name>', 'owner profile name', defaultOwnerName())
    .action(async (o: { owner: string }) => {
      const path = vaultPath(g());
      const password = await secrets(g()).newPassword('MEMVAULT_PASSWORD', 'New owner password: ');
      const preset = kdfPreset();
      if (preset === 'insecure-test-only') process.stderr.write('memvault: warning: MEMVAULT_INSECURE_TEST_KDF=1 gives passwords a test-only KDF cost\n');
      const created = await VaultService.create(path, { ownerName: o.owner, password, kdf: preset });
      created.service.close();
      if (g().json) return printJson({ vault: path, vaultId: created.vaultId, owner: o.owner, recoveryKey: created.recoveryKey });
      printLine(`Created vault ${path} with owner profile "${o.owner}".`);
      printLine('');
      printLine('Recovery key (shown only now; store it offline, it can reset the owner password):');
      printLine(`  ${created.recoveryKey}`);
    });

  program
    .command('add')
    .description('store a memory')
    .argument('<content...>', 'the memory text')
    .option('--space <name>', 'space to store it in (default: the default space)')
    .option('--kind <kind>', 'fact, preference, episode, note, or a custom slug', 'note')
    .option('--tag <tag>', 'tag (repeatable or comma-separated)', collect)
    .option('--context <text>', 'text that helps find it but is not part of it (the conversation or document around it)')
    .option('--meta <json>', 'metadata as a flat JSON object (up to 16 keys; text, numbers, true/false, null, or lists of up to 8 of those)', json)
    .option('--importance <0..1>', 'importance', num)
    .option('--valid-from <time>', 'valid from (ISO 8601)')
    .option('--valid-until <time>', 'valid until (ISO 8601)')
    .option('--vector <json>', 'your own embedding as a JSON array', json)
    .option('--force', 'store even if a near-identical memory exists')
    .action(async (words: string[], o: Record<string, unknown>) =>
      withSession(g(), async (service, session) => {
        const memory = await service.addMemory(session, parseInput(addMemorySchema, {
          content: words.join(' '),
          context: o.context,
          space: o.space,
          kind: o.kind,
          tags: o.tag,
          metadata: o.meta,
          importance: o.importance,
          validFrom: o.validFrom,
          validUntil: o.validUntil,
          vector: o.vector,
          force: o.force === true,
        }));
        if (g().json) printJson(memory);
        else printLine(`Stored ${memory.id} in ${memory.space}.`);
      }),
    );

  program
    .command('get')
    .description('show one memory')
    .argument('<id>')
    .action(async (id: string) =>
      withSession(g(), (service, session) => {
        const memory = service.getMemory(session, memoryId(service, session, id));
        if (g().json) printJson(memory);
        else printLine(memoryBlock(memory));
      }),
    );

  withFilterFlags(program.command('list').description('list memories, newest first'))
    .option('--limit <n>', 'how many', int, 50)
    .option('--cursor <cursor>', 'continue after a previous page')
    .action(async (o: FilterFlags & { limit: number; cursor?: string }) =>
      withSession(g(), (service, session) => {
        const page = service.listMemories(session, { ...filterFrom(o), limit: o.limit, cursor: o.cursor });
        if (g().json) return printJson(page);
        for (const m of page.items) printLine(memoryLine(m));
        if (page.nextCursor) printLine(`\nmore: memvault list --cursor ${page.nextCursor}`);
      }),
    );

  withFilterFlags(program.command('search').description('find memories by meaning and keywords'))
    .argument('[query...]', 'what to look for')
    .addOption(new Option('--mode <mode>', 'search mode').choices(SEARCH_MODES).default('hybrid'))
    .option('-k, --k <n>', 'how many results', int, 10)
    .option('--vector <json>', 'search with your own embedding', json)
    .action(async (words: string[], o: FilterFlags & { mode: string; k: number; vector?: unknown }) =>
      withSession(g(), async (service, session) => {
        const hits = await service.searchMemories(session, parseInput(searchSchema, {
          ...filterFrom(o),
          text: words.length ? words.join(' ') : undefined,
          vector: o.vector,
          mode: o.mode,
          k: o.k,
        }));
        if (g().json) return printJson(hits);
        if (!hits.length) printLine('No matching memories.');
        hits.forEach((h, i) => printLine(hitLine(h, i + 1)));
      }),
    );

  program
    .command('update')
    .description('change a memory (keeps the previous version in its history)')
    .argument('<id>')
    .option('--content <text>', 'new text')
    .option('--kind <kind>', 'new kind')
    .option('--tag <tag>', 'replace the tags (repeatable)', collect)
    .option('--context <text>', 'replace the context')
    .option('--meta <json>', 'replace the metadata', json)
    .option('--importance <0..1>', 'importance', num)
    .option('--valid-from <time>', 'valid from (ISO 8601)')
    .option('--valid-until <time>', 'valid until (ISO 8601)')
    .option('--archive', 'archive it')
    .option('--unarchive', 'make it active again')
    .option('--if-version <n>', 'refuse unless the memory is still at this version', int)
    .action(async (id: string, o: Record<string, unknown>) =>
      withSession(g(), async (service, session) => {
        const memory = await service.updateMemory(session, parseInput(updateMemorySchema, {
          id: memoryId(service, session, id),
          content: o.content,
          context: o.context,
          kind: o.kind,
          tags: o.tag,
          metadata: o.meta,
          importance: o.importance,
          validFrom: o.validFrom,
          validUntil: o.validUntil,
          state: o.archive ? 'archived' : o.unarchive ? 'active' : undefined,
          expectedVersion: o.ifVersion,
        }));
        if (g().json) printJson(memory);
        else printLine(`Updated ${memory.id} (version ${memory.version}).`);
      }),
    );

  program
    .command('rm')
    .description('delete a memory (a tombstone; --purge removes every version for good)')
    .argument('<id>')
    .option('--purge', 'remove it and its history permanently')
    .action(async (id: string, o: { purge?: boolean }) =>
      withSession(g(), (service, session) => {
        id = memoryId(service, session, id);
        if (o.purge) service.purgeMemory(session, id);
        else service.deleteMemory(session, id);
        if (g().json) printJson({ id, purged: o.purge === true });
        else printLine(o.purge ? `Purged ${id}.` : `Deleted ${id} (history kept; --purge removes it for good).`);
      }),
    );

  program
    .command('history')
    .description('every version of a memory, with who changed it')
    .argument('<id>')
    .action(async (id: string) =>
      withSession(g(), (service, session) => {
        const versions = service.memoryHistory(session, memoryId(service, session, id));
        if (g().json) return printJson(versions);
        for (const v of versions) printLine(`v${v.version}  ${v.changedAt}  ${v.change.padEnd(7)} ${v.changedBy.padEnd(20)} ${v.state.padEnd(8)} ${v.content.replace(/\s+/g, ' ').slice(0, 60)}`);
      }),
    );

  const space = program.command('space').description('spaces: named sets of memories with their own key');
  space
    .command('add')
    .description('create a space with a key of its own (you are granted it)')
    .argument('<name>')
    .action(async (name: string) =>
      withSession(g(), (service, session) => {
        const info = service.createSpace(session, name);
        if (g().json) printJson(info);
        else printLine(`Created space ${info.name}.`);
      }),
    );
  space.command('list').description('spaces, their memories and who holds their keys').action(async () =>
    withSession(g(), (service, session) => {
      const spaces = service.listSpaces(session);
      if (g().json) return printJson(spaces);
      printLine(table([['NAME', 'MEMORIES', 'MEMBERS'], ...spaces.map((s) => [s.name, String(s.memories), s.members.join(', ')])]));
    }),
  );
  for (const verb of ['grant', 'revoke'] as const)
    space
      .command(verb)
      .description(
        verb === 'grant'
          ? 'give a profile the space key'
          : "take a profile out of the space: the space gets a new key, the profile's agents lose it, stored versions are re-encrypted",
      )
      .argument('<space>')
      .argument('<profile>')
      .action(async (spaceName: string, profile: string) =>
        withSession(g(), async (service, session) => {
          if (verb === 'grant') service.grantSpace(session, spaceName, profile);
          else {
            service.revokeSpace(session, spaceName, profile);
            await upkeep(service, session, g().json === true);
          }
          if (g().json) printJson({ space: spaceName, profile, [verb === 'grant' ? 'granted' : 'revoked']: true });
          else printLine(verb === 'grant' ? `Granted ${spaceName} to ${profile}.` : `Revoked ${spaceName} from ${profile}.`);
        }),
      );

  space
    .command('rekey')
    .description('re-encrypt stored versions still sealed under a retired space key (resumes where an interrupted run stopped)')
    .action(async () =>
      withSession(g(), (service, session) => {
        const result = service.rekeySpaces(session, g().json ? undefined : progressPrinter('re-encrypting'));
        if (g().json) printJson(result);
        else printLine(`Re-encrypted ${result.rekeyed} versions.`);
      }),
    );

  const profile = program.command('profile').description('local profiles and their roles');
  profile
    .command('add')
    .argument('<name>')
    .addOption(new Option('--role <role>', 'role').choices(ROLES.filter((r) => r !== 'owner')).makeOptionMandatory())
    .option('--space <name>', 'grant this space (repeatable)', collect)
    .description('add a profile; its password comes from MEMVAULT_NEW_PASSWORD, the next stdin line, or a prompt')
    .action(async (name: string, o: { role: string; space?: string[] }) =>
      withSession(g(), async (service, session, source) => {
        const password = await source.newPassword('MEMVAULT_NEW_PASSWORD', `Password for new profile ${name}: `);
        const info = await service.addProfile(session, parseInput(addProfileSchema, { name, role: o.role, password, spaces: o.space ?? [] }));
        if (g().json) printJson(info);
        else printLine(`Added profile ${info.name} (${info.role}).`);
      }),
    );
  profile.command('list').description('profiles, their roles and spaces').action(async () =>
    withSession(g(), (service, session) => {
      const profiles = service.listProfiles(session);
      if (g().json) return printJson(profiles);
      printLine(table([['NAME', 'ROLE', 'SPACES'], ...profiles.map((p) => [p.name, p.role, p.spaces.join(', ')])]));
    }),
  );
  profile
    .command('role')
    .description(`change a profile's role (${ROLES.filter((r) => r !== 'owner').join(', ')}); a demotion ends the agents it minted`)
    .argument('<name>')
    .argument('<role>')
    .action(async (name: string, role: string) =>
      withSession(g(), async (service, session) => {
        const info = service.changeRole(session, name, parseInput(roleSchema, role));
        await upkeep(service, session, g().json === true);
        if (g().json) printJson(info);
        else printLine(`${info.name} is now ${info.role}.`);
      }),
    );
  profile
    .command('passwd')
    .description("change the unlocked profile's password (new one from MEMVAULT_NEW_PASSWORD, the next stdin line, or a prompt)")
    .action(async () =>
      withSession(g(), async (service, session, source) => {
        const current = await source.password('MEMVAULT_PASSWORD', 'Current password: ');
        const next = await source.newPassword('MEMVAULT_NEW_PASSWORD', 'New password: ');
        await service.changePassword(session, current, next);
        if (g().json) printJson({ changed: true });
        else printLine('Password changed.');
      }),
    );
  profile
    .command('reset')
    .description("set another profile's forgotten password (new one from MEMVAULT_NEW_PASSWORD, the next stdin line, or a prompt); spaces you do not hold are lost to it")
    .argument('<name>')
    .action(async (name: string) =>
      withSession(g(), async (service, session, source) => {
        const next = await source.newPassword('MEMVAULT_NEW_PASSWORD', `New password for ${name}: `);
        const reset = await service.resetPassword(session, name, next);
        await upkeep(service, session, g().json === true);
        if (g().json) return printJson(reset);
        printLine(`Password of ${reset.profile.name} reset; its open sessions end.`);
        if (reset.lostSpaces.length > 0) printLine(`It no longer holds ${reset.lostSpaces.join(', ')} (you do not hold those keys; they were rotated).`);
      }),
    );
  profile
    .command('rm')
    .description('remove a profile: its agents end and its spaces get new keys')
    .argument('<name>')
    .action(async (name: string) =>
      withSession(g(), async (service, session) => {
        service.removeProfile(session, name);
        await upkeep(service, session, g().json === true);
        if (g().json) printJson({ removed: name });
        else printLine(`Removed profile ${name}.`);
      }),
    );

  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('list')
    .description('events, oldest first (--newest for newest first), filtered by actor, action or outcome')
    .option('--limit <n>', 'how many', int, 50)
    .option('--after <seq>', 'events after this sequence number', int)
    .option('--newest', 'newest first (default: oldest first)')
    .option('--actor <name>', 'only this actor')
    .option('--action <action>', 'only this action')
    .addOption(new Option('--outcome <outcome>').choices(['ok', 'denied', 'failed']))
    .action(async (o: { limit: number; after?: number; newest?: boolean; actor?: string; action?: string; outcome?: string }) =>
      withSession(g(), (service, session) => {
        const events = service.listAudit(
          session,
          parseInput(auditQuerySchema, { limit: o.limit, afterSeq: o.after, order: o.newest ? 'desc' : 'asc', actorId: o.actor, action: o.action, outcome: o.outcome }),
        );
        if (g().json) return printJson(events);
        for (const e of events)
          printLine(`${String(e.seq).padStart(6)}  ${e.time}  ${`${e.actorType}:${e.actorId}`.padEnd(22)} ${e.action.padEnd(16)} ${e.outcome.padEnd(7)} ${JSON.stringify(e.details)}`);
      }),
    );
  audit
    .command('verify')
    .description('check the hash chain, the signatures and the head pinned on this machine; no password, nothing is signed first; exit 1 unless intact')
    .action(async () => {
      const service = await openVault(g());
      try {
        const report = service.verifyChainNow();
        if (g().json) printJson(report);
        else printLine(describeVerify(report));
        if (!report.ok) process.exitCode = 1;
      } finally {
        service.close();
      }
    });
  audit
    .command('export')
    .description('write every event as JSON lines')
    .option('--out <file>', 'file to write (default: standard output)')
    .action(async (o: { out?: string }) =>
      withSession(g(), async (service, session) => {
        const out = o.out ? createWriteStream(o.out, { mode: 0o600 }) : process.stdout;
        const { exported } = service.exportAudit(session, (e) => out.write(`${JSON.stringify(e)}\n`));
        if (out !== process.stdout) {
          await new Promise<void>((resolve) => out.end(resolve));
          if (!g().json) process.stderr.write(`Exported ${exported} events to ${o.out}.\n`);
        }
      }),
    );

  program
    .command('reindex')
    .description('re-embed memories whose vectors came from another model')
    .action(async () =>
      withSession(g(), async (service, session) => {
        const result = await service.reindex(session, g().json ? undefined : progressPrinter('reindex'));
        if (g().json) printJson(result);
        else printLine(`Re-embedded ${result.reindexed} memories.`);
      }),
    );

  program
    .command('recover')
    .description('reset the owner password with the recovery key (MEMVAULT_RECOVERY_KEY, stdin line, or prompt)')
    .action(async () => {
      const source = secrets(g());
      const service = await openVault(g());
      try {
        const key = await source.password('MEMVAULT_RECOVERY_KEY', 'Recovery key: ');
        const password = await source.newPassword('MEMVAULT_NEW_PASSWORD', 'New owner password: ');
        await service.recoverOwner(key, password);
        if (g().json) printJson({ recovered: true });
        else printLine('Owner password reset.');
      } finally {
        service.close();
      }
    });

  program
    .command('doctor')
    .description('check this machine and the vault file (no password needed)')
    .action(async () => {
      const report = await diagnose(vaultPath(g()));
      if (g().json) printJson(report);
      else for (const c of report.checks) printLine(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`);
      if (!report.ok) process.exitCode = 1;
    });

  registerImportCommand(program, g);
  registerAgentCommands(program, g);
  registerBackupCommands(program, g);
  registerEmbedderCommands(program, g);
  registerServerCommands(program, g);
  return program;
}
