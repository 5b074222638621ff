import { type Command, InvalidArgumentError, Option } from 'commander';
import { AGENT_GRANTS, addAgentSchema, type AgentInfo, type IssuedAgent } from '../contract/agent.js';
import { parseInput } from '../vault/index.js';
import { collect, int } from './args.js';
import { upkeep, withSession, type GlobalOptions } from './context.js';
import { printJson, printLine, table } from './output.js';

const days = (value: string): number => {
  const m = /^(\d{1,4})d$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('use a number of days, e.g. 30d');
  return Number(m[1]);
};

function printIssued(g: GlobalOptions, issued: IssuedAgent, verb: string): void {
  if (g.json) return printJson(issued);
  printLine(`${verb} agent ${issued.agent.name} (${issued.agent.grants.join(', ')} in ${issued.agent.spaces.join(', ')}).`);
  printLine('');
  printLine('Token (shown only now; give it to the agent as MEMVAULT_TOKEN or an Authorization: Bearer header):');
  printLine(`  ${issued.token}`);
}

function agentRow(a: AgentInfo): string[] {
  return [a.name, a.state, a.grants.join(','), a.spaces.join(','), a.createdBy, a.createdAt.slice(0, 16), a.lastUsedAt?.slice(0, 16) ?? '-', a.expiresAt?.slice(0, 16) ?? 'never'];
}

/** `memvault agent ...`: credentials for local agents, managed by a logged-in profile. */
export function registerAgentCommands(program: Command, g: () => GlobalOptions): void {
  const agent = program.command('agent').description('agent credentials for the loopback API and MCP');

  agent
    .command('add')
    .description('create an agent credential; prints its token once')
    .argument('<name>')
    .requiredOption('--space <name>', 'space the agent may use (repeatable or comma-separated)', collect)
    .addOption(new Option('--perm <perms>', `what it may do there: ${AGENT_GRANTS.join(', ')} (comma-separated)`).argParser(collect).makeOptionMandatory())
    .option('--expires <days>', 'lifetime, e.g. 30d (default: no expiry)', days)
    .option('--rate <n>', 'requests per minute over HTTP (default 120)', int)
    .option('--daily-writes <n>', 'writes per UTC day (default 1000)', int)
    .option('--require-signing', 'refuse HTTP requests without an HMAC signature')
    .action(async (name: string, o: { space: string[]; perm: string[]; expires?: number; rate?: number; dailyWrites?: number; requireSigning?: boolean }) =>
      withSession(g(), (service, session) => {
        const issued = service.addAgent(session, parseInput(addAgentSchema, {
          name,
          spaces: o.space,
          grants: o.perm,
          expiresInDays: o.expires,
          requestsPerMinute: o.rate,
          dailyWrites: o.dailyWrites,
          requireSigning: o.requireSigning === true,
        }));
        printIssued(g(), issued, 'Added');
      }),
    );

  agent
    .command('list')
    .description('agents you may manage: grants, last use, expiry, state')
    .action(async () =>
      withSession(g(), (service, session) => {
        const agents = service.listAgents(session);
        if (g().json) return printJson(agents);
        printLine(table([['NAME', 'STATE', 'PERMS', 'SPACES', 'CREATED BY', 'CREATED', 'LAST USED', 'EXPIRES'], ...agents.map(agentRow)]));
      }),
    );

  agent
    .command('rotate')
    .description('issue a new token; the old one stops working at once')
    .argument('<name>')
    .action(async (name: string) => withSession(g(), (service, session) => printIssued(g(), service.rotateAgent(session, name), 'Rotated')));

  const states = [
    ['pause', 'refuse the token until resumed', 'Paused'],
    ['resume', 'accept a paused token again', 'Resumed'],
    ['revoke', 'end the credential for good', 'Revoked'],
  ] as const;
  for (const [verb, description, done] of states)
    agent
      .command(verb)
      .description(description)
      .argument('<name>')
      .action(async (name: string) =>
        withSession(g(), async (service, session) => {
          const info = verb === 'pause' ? service.pauseAgent(session, name) : verb === 'resume' ? service.resumeAgent(session, name) : service.revokeAgent(session, name);
          if (verb === 'revoke') await upkeep(service, session, g().json === true);
          if (g().json) printJson(info);
          else printLine(`${done} agent ${info.name}.`);
        }),
      );
}
