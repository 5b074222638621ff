import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { VaultService } from '../vault/vault-service.js';
import { createMcpServer } from './mcp-tools.js';

/**
 * Serves one agent over standard input and output until the client closes the pipe. The token
 * is checked once here and the session lives as long as the process.
 */
export async function serveMcpOverStdio(service: VaultService, token: string): Promise<void> {
  const session = service.authenticateAgent(token);
  const server = createMcpServer(service, session);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
