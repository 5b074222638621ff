/**
 * Ready-to-paste MCP client configurations for an agent credential, shown by the app when a
 * token is issued. The README carries the same blocks with placeholders, and a test checks
 * that each README block is what these functions give for those placeholders.
 */
export interface AgentConfigInput {
  /** The MCP endpoint, e.g. http://127.0.0.1:7437/mcp. */
  mcpUrl: string;
  token: string;
  /** For stdio clients: where memvault's bin, the token file and the vault are. */
  binPath: string;
  tokenFile: string;
  vaultPath: string;
}

export const AGENT_CONFIG_CLIENTS = ['claude-desktop', 'claude-code', 'cursor', 'vscode'] as const;
export type AgentConfigClient = (typeof AGENT_CONFIG_CLIENTS)[number];

export const AGENT_CONFIG_LABELS: Readonly<Record<AgentConfigClient, string>> = {
  'claude-desktop': 'Claude Desktop (claude_desktop_config.json)',
  'claude-code': 'Claude Code (.mcp.json)',
  cursor: 'Cursor (~/.cursor/mcp.json)',
  vscode: 'VS Code (.vscode/mcp.json)',
};

export function agentConfig(client: AgentConfigClient, c: AgentConfigInput): unknown {
  const bearer = { Authorization: `Bearer ${c.token}` };
  switch (client) {
    case 'claude-desktop':
      return { mcpServers: { memvault: { command: 'node', args: [c.binPath, 'mcp', '--token-file', c.tokenFile], env: { MEMVAULT_VAULT: c.vaultPath } } } };
    case 'claude-code':
      return { mcpServers: { memvault: { type: 'http', url: c.mcpUrl, headers: bearer } } };
    case 'cursor':
      return { mcpServers: { memvault: { url: c.mcpUrl, headers: bearer } } };
    case 'vscode':
      // VS Code asks for the token once and keeps it as a secret: the file holds no token.
      return {
        inputs: [{ type: 'promptString', id: 'memvault-token', description: 'Memvault agent token', password: true }],
        servers: { memvault: { type: 'http', url: c.mcpUrl, headers: { Authorization: 'Bearer ${input:memvault-token}' } } },
      };
  }
}

/** The placeholders the README uses. */
export const README_CONFIG_PLACEHOLDERS: AgentConfigInput = {
  mcpUrl: 'http://127.0.0.1:7437/mcp',
  token: 'mvat_YOUR_TOKEN',
  binPath: '/ABSOLUTE/PATH/TO/memvault/bin/memvault.js',
  tokenFile: '/ABSOLUTE/PATH/TO/memvault-token',
  vaultPath: '/ABSOLUTE/PATH/TO/vault.db',
};
