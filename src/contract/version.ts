/** The release, as `memvault --version` and the MCP server report it; a test keeps it equal to package.json's. */
export const MEMVAULT_VERSION = '0.3.0';
