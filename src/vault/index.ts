/**
 * The vault's public entry: everything a front door (HTTP, MCP, CLI, the Electron shell) may
 * use of the core besides src/contract. Storage, crypto and audit internals stay behind it;
 * lint refuses a front door that reaches past this file.
 */
export { VaultService, type VaultOptions, type CreateVaultOptions, type CreatedVault } from './vault-service.js';
export type { Session } from './session.js';
export { VaultError, agentAuthFailed, toErrorBody } from './errors.js';
export { parse as parseInput } from './validate.js';
export { diagnose, describeVerify } from './doctor.js';
export type { VerifyReport } from '../audit/chain.js';
export type { KdfPreset } from '../crypto/kdf.js';
export { requestKeyOf } from '../crypto/agent-token.js';
export { zeroize } from '../crypto/zeroize.js';
export { defaultVaultPath } from '../store/default-path.js';
export { defaultEmbedder } from '../embed/static-embedder.js';
