import tseslint from 'typescript-eslint';

/**
 * Layer boundaries (ARCHITECTURE.md, "One core, three front doors"), enforced the way VS Code
 * enforces common/node/browser: the core knows nothing of Electron or React, the contract
 * imports nothing from Node, and the renderer reaches the core only through src/contract.
 */
const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'net', 'stream', 'url', 'util', 'events', 'buffer'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'scratch/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*', 'react', 'react-dom', 'react/*', 'react-dom/*'], message: 'src/ is the core: no Electron or React.' },
            { group: ['**/electron/**', '**/renderer/**'], message: 'src/ must not import the shell or the renderer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_BUILTINS, message: 'src/contract crosses into the renderer: no Node modules.' },
            { group: ['../*', '!../contract/*'], message: 'src/contract imports only itself and zod.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
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
