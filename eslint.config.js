import tseslint from 'typescript-eslint';

/**
 * Layer boundaries (ARCHITECTURE.md, "One core, three front doors"), enforced the way VS Code
 * enforces common/node/browser: the core knows nothing of Electron or React, the contract
 * imports nothing from Node, and the renderer reaches the core only through src/contract.
 */
const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'net', 'stream', 'url', 'util', 'events', 'buffer'];

/** Bans every layer of the core carries: the core knows nothing of Electron, React, the shell or the renderer. */
const CORE_BANS = [
  { group: ['electron', 'electron/*', 'react', 'react-dom', 'react/*', 'react-dom/*'], message: 'src/ is the core: no Electron or React.' },
  { group: ['**/electron/**', '**/renderer/**'], message: 'src/ must not import the shell or the renderer.' },
];

/** Which other layers of src/ each layer may import. */
const LAYERS = {
  contract: [],
  crypto: [],
  store: [],
  embed: [],
  audit: ['contract', 'crypto', 'store'],
  backup: ['contract', 'crypto'],
  vault: ['audit', 'backup', 'contract', 'crypto', 'embed', 'store'],
  api: ['contract', 'vault/index.js'],
  host: ['api', 'contract', 'vault/index.js'],
  cli: ['api', 'contract', 'host', 'vault/index.js'],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'scratch/**', 'test-results/**', 'renderer/dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Every folder of src/ is a layer and may import only the layers listed for it (VS Code's
  // code-import-patterns): front doors reach the core only through src/vault/index.ts.
  ...Object.entries(LAYERS).map(([layer, allowed]) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...CORE_BANS,
            ...(layer === 'contract' ? [{ group: NODE_BUILTINS, message: 'src/contract crosses into the renderer: no Node modules.' }] : []),
            {
              // A regex, not a gitignore group: gitignore cannot re-include a file under an excluded folder.
              regex: `^\\.\\./(?!(?:${allowed.map((a) => (a.endsWith('.js') ? `${a.replace(/\./g, '\\.')}$` : `${a}/`)).join('|') || '$^'}))`,
              message: `src/${layer} may import only ${allowed.length ? allowed.map((a) => `src/${a}`).join(', ') : 'itself'} (layers in eslint.config.js).`,
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!contract/|vault/index\\.js$|host/|api/server\\.js$|api/loopback\\.js$)',
              message: 'The shell reaches the core only through src/vault/index.ts, src/contract, the app service (src/host) and the agent API server.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    // Vite's configuration runs in Node at build time, not in the page.
    ignores: ['renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src/*', '!**/src/contract', '!**/src/contract/*'], message: 'The renderer reaches the core only through src/contract.' },
            { group: NODE_BUILTINS, message: 'The renderer runs in a browser.' },
          ],
        },
      ],
    },
  },
);
