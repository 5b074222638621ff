import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { MEMVAULT_VERSION } from '../contract/version.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { DEFAULT_SPACE_RULE, contentSchema, contextSchema, kindSchema, LIMITS, memoryIdSchema, SEARCH_MODES, spaceNameSchema, tagSchema, tagsSchema, updateMemorySchema } from '../contract/memory.js';
import { textSchema } from '../contract/text.js';
import type { Session, VaultService } from '../vault/index.js';
import type { AgentGrant } from '../contract/agent.js';
import { toProblem } from './problem.js';
import { OUTPUT, compactMemory, compactUpdate, memoryLine, recallResult, recallText, rememberManyText, rememberText } from './mcp-results.js';

export const MCP_SERVER_INFO = { name: 'memvault', version: MEMVAULT_VERSION } as const;

/**
 * The MCP face of the vault for one agent. `session` is asked for at every tool call, so a
 * long-lived stdio server stops at once when its token is paused, revoked, rotated or expires.
 * Tool results carry compact structured content under an output schema, and a short text a model
 * reads (src/api/mcp-results.ts); errors come back as tool errors with the problem's title and
 * detail, never internals.
 */
export function createMcpServer(service: VaultService, session: () => Session, grants: readonly AgentGrant[]): McpServer {
  // An agent is offered only the tools its grant lets it use (no `forget` without delete).
  const offered = (grant: AgentGrant): boolean => grants.includes(grant);
  const server = new McpServer(MCP_SERVER_INFO, {
    instructions:
      'Memvault is your long-term memory. Call `recall` before answering questions that may depend on earlier conversations, ' +
      'and `remember` to store durable facts, preferences and decisions (one self-contained statement per memory).',
  });

  if (offered('write'))
    server.registerTool(
      'remember',
      {
        title: 'Remember',
        description:
          'Store one durable memory: a fact, preference, decision or episode worth recalling later. Write it as a self-contained ' +
          'sentence ("The user prefers pnpm over npm"). Near-duplicates of an existing memory are refused with its id; update that one instead.',
        inputSchema: {
          content: contentSchema.describe(`The memory itself, up to ${LIMITS.contentChars} characters`),
          context: contextSchema
            .optional()
            .describe(
              'Optional text that helps find the memory later but is not part of it: the question it answers, the surrounding ' +
                'conversation, the document or date it comes from. Pass it when the memory is a short reply whose topic is only ' +
                `clear from what came before ("Yes, every Sunday" after "Do you still go hiking?"). Up to ${LIMITS.contextChars} characters.`,
            ),
          kind: kindSchema.optional().describe('fact, preference, episode, note (default) or another lowercase slug'),
          tags: tagsSchema.optional().describe('Short labels for filtering, e.g. ["project-x", "tooling"]'),
          space: spaceNameSchema.optional().describe(`Space to store it in; ${DEFAULT_SPACE_RULE}`),
          importance: z.number().min(0).max(1).optional().describe('0 to 1, default 0.5'),
        },
        outputSchema: OUTPUT.remember,
        annotations: { destructiveHint: false, idempotentHint: false },
      },
      async (args) => run(async () => answer(compactMemory(await service.addMemory(session(), args)), rememberText)),
    );

  if (offered('write'))
    server.registerTool(
      'remember_many',
      {
        title: 'Remember many',
        description:
          `Store up to ${LIMITS.batchMemories} memories at once, all or none (use it to import notes or a conversation's facts). ` +
          'Each item has the fields of `remember`. Near-duplicates of stored memories, or of an earlier item, are left out and listed.',
        inputSchema: {
          memories: z
            .array(
              z.strictObject({
                content: contentSchema,
                context: contextSchema.optional(),
                kind: kindSchema.optional(),
                tags: tagsSchema.optional(),
                space: spaceNameSchema.optional().describe(`Space to store it in; ${DEFAULT_SPACE_RULE}`),
                importance: z.number().min(0).max(1).optional(),
              }),
            )
            .min(1)
            .max(LIMITS.batchMemories)
            .describe('The memories to store, each as for `remember`'),
        },
        outputSchema: OUTPUT.rememberMany,
        annotations: { destructiveHint: false, idempotentHint: false },
      },
      async (args) => run(async () => answer(await service.addMemories(session(), args), rememberManyText)),
    );

  if (offered('read'))
    server.registerTool(
      'recall',
      {
        title: 'Recall',
        description:
          'Search memories by meaning and keywords (hybrid by default). Returns the best matches with their ids, scores, tags and spaces.',
        inputSchema: {
          query: textSchema({ name: 'query', min: 1, max: LIMITS.queryChars }).describe('What to look for, in natural language or keywords'),
          k: z.number().int().min(1).max(LIMITS.maxK).optional().describe(`How many results (default 10, at most ${LIMITS.maxK})`),
          mode: z.enum(SEARCH_MODES).optional().describe('hybrid (default), vector (meaning only) or keyword (exact words)'),
          spaces: z.array(spaceNameSchema).max(64).optional().describe('Only these spaces'),
          tags: z.array(tagSchema).max(16).optional().describe('Only memories carrying all these tags'),
          kinds: z.array(kindSchema).max(16).optional().describe('Only these kinds'),
        },
        outputSchema: OUTPUT.recall,
        annotations: { readOnlyHint: true },
      },
      async ({ query, ...rest }) => run(async () => answer(recallResult(await service.searchMemories(session(), { text: query, ...rest })), recallText)),
    );

  if (offered('read'))
    server.registerTool(
      'get',
      {
        title: 'Get memory',
        description: 'Read one memory by id, with its tags, kind, space and version.',
        inputSchema: { id: memoryIdSchema.describe('Memory id, as returned by remember or recall') },
        outputSchema: OUTPUT.get,
        annotations: { readOnlyHint: true },
      },
      async ({ id }) => run(() => answer(compactMemory(service.getMemory(session(), id)), memoryLine)),
    );

  if (offered('write'))
    server.registerTool(
      'update',
      {
        title: 'Update memory',
        description: 'Correct or refine a memory. Only the fields given change; the previous version is kept in its history.',
        inputSchema: {
          id: memoryIdSchema.describe('Memory id'),
          content: contentSchema.optional().describe('New text'),
          tags: tagsSchema.optional().describe('New tags (replaces the old list)'),
          kind: kindSchema.optional(),
          importance: z.number().min(0).max(1).optional(),
          state: z.enum(['active', 'archived']).optional().describe('archived memories are left out of recall by default'),
          expectedVersion: updateMemorySchema.shape.expectedVersion.describe('The version you read (from get or recall); the update is refused if someone changed the memory since'),
        },
        outputSchema: OUTPUT.update,
        annotations: { destructiveHint: false, idempotentHint: false },
      },
      async (args) =>
        run(async () => {
          const memory = compactUpdate(await service.updateMemory(session(), args));
          return answer({ memory }, () => `Updated ${memory.id} to version ${memory.version}.`);
        }),
    );

  if (offered('delete'))
    server.registerTool(
      'forget',
      {
        title: 'Forget memory',
        description: 'Delete a memory that is wrong or no longer wanted. It stops appearing in recall and get.',
        inputSchema: { id: memoryIdSchema.describe('Memory id') },
        outputSchema: OUTPUT.forget,
        annotations: { destructiveHint: true, idempotentHint: true },
      },
      async ({ id }) =>
        run(() => {
          service.deleteMemory(session(), id);
          return answer({ forgotten: id }, () => `Forgot ${id}.`);
        }),
    );

  server.registerTool(
    'list_spaces',
    {
      title: 'List spaces',
      description: 'The spaces this agent may use, and what it may do in them (read, write, delete).',
      inputSchema: {},
      outputSchema: OUTPUT.listSpaces,
      annotations: { readOnlyHint: true },
    },
    async () => run(() => answer(service.agentSelf(session()), (me) => `Spaces: ${me.spaces.join(', ')}; may: ${me.grants.join(', ')}.`)),
  );

  return server;
}

/** A tool's answer: the structured content its output schema describes, and a short text for the model. */
interface Answer {
  structured: Record<string, unknown>;
  text: string;
}

function answer<T extends object>(structured: T, text: (value: T) => string): Answer {
  return { structured: structured as Record<string, unknown>, text: text(structured) };
}

async function run(work: () => Answer | Promise<Answer>): Promise<CallToolResult> {
  try {
    const { structured, text } = await work();
    return { content: [{ type: 'text', text }], structuredContent: structured };
  } catch (err) {
    const p = toProblem(err);
    const extra = p.details?.existingId ? ` (existing memory: ${String(p.details.existingId)})` : '';
    return { isError: true, content: [{ type: 'text', text: `${p.title}: ${p.detail}${extra}` }] };
  }
}
