import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { VaultService } from '../vault/index.js';
import { createMcpServer } from './mcp-tools.js';

/**
 * Serves one agent over standard input and output until the client closes the pipe. A bad
 * token stops the process at start; afterwards it is checked again at every tool call.
 */
export async function serveMcpOverStdio(service: VaultService, token: string): Promise<void> {
  const first = service.authenticateAgent(token);
  const server = createMcpServer(service, () => service.authenticateAgent(token), service.agentGrants(first));
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
