import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { VaultError, type VaultService } from '../vault/index.js';
import { createMcpServer } from './mcp-tools.js';
import { sessionOf } from './request-context.js';

/**
 * Streamable HTTP in stateless mode: each POST gets a fresh MCP server bound to the caller's
 * session, so no MCP session outlives its request and the same auth runs every time.
 */
export function registerMcpRoute(app: FastifyInstance, service: VaultService, securityHeaders: Readonly<Record<string, string>>): void {
  app.post('/mcp', { schema: { hide: true } }, async (req: FastifyRequest, reply: FastifyReply) => {
    const session = sessionOf(req);
    const server = createMcpServer(service, () => session, service.agentGrants(session));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    for (const [name, value] of Object.entries({ ...reply.getHeaders(), ...securityHeaders })) if (value !== undefined) reply.raw.setHeader(name, value);
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req.raw, reply.raw, req.body);
  });
  app.route({
    method: ['GET', 'DELETE'],
    url: '/mcp',
    schema: { hide: true },
    handler: () => {
      throw new VaultError('method_not_allowed', 'this MCP endpoint is stateless: POST JSON-RPC messages to it');
    },
  });
}
