// ESLint keeps the import rules of docs/architecture.md ("Rules"). Formatting is prettier's (npm run format).
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { readdirSync } from 'node:fs';

/** Every folder of src/ but the sandbox: the product, which must never reach the sandbox. */
const PRODUCT = readdirSync('src', { withFileTypes: true })
  .filter((e) => e.name !== 'sandbox')
  .map((e) => `./src/${e.name}`);

const SDKS = ['@azure/*', '@kubernetes/client-node', '@kubernetes/client-node/*'];
const BOTBUILDER = ['botbuilder', 'botbuilder-*', 'botframework-*'];

/** `no-restricted-imports` patterns: `groups` of package names, with the message saying where they may be imported. */
const restricted = (...rules) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns: rules.map(([group, message]) => ({ group, message })) }],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'test/.tls/', 'test-artifacts/', 'data/', 'devTools/', 'appPackage/build/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './src', from: './test', message: 'Nothing in src/ imports test/.' },
            { target: './scripts', from: './test', message: 'Nothing in scripts/ imports test/.' },
            { target: PRODUCT, from: './src/sandbox', message: 'The product never imports the sandbox (the sandbox may import the product).' },
            { target: './src/diagnosis', from: ['./src/teams', './src/alerts', './src/fixes', './src/app'], message: 'The diagnosis core knows nothing of Teams, alerts, fixes or the composition root.' },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  // Only src/teams/ speaks Bot Framework; only src/clients/ (and the sandbox's fakes) speak the Azure and Kubernetes SDKs.
  { files: ['src/**/*.ts'], ignores: ['src/teams/**', 'src/clients/**', 'src/sandbox/**'], rules: restricted([BOTBUILDER, 'Only src/teams/ imports botbuilder.'], [SDKS, 'Only src/clients/ imports the Azure and Kubernetes SDKs.']) },
  { files: ['src/teams/**/*.ts'], rules: restricted([SDKS, 'Only src/clients/ imports the Azure and Kubernetes SDKs.']) },
  { files: ['src/clients/**/*.ts', 'src/sandbox/**/*.ts'], rules: restricted([BOTBUILDER, 'Only src/teams/ imports botbuilder.']) },
);
