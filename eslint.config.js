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
  '@typescript-eslint/no-restricted-imports': [
    'error',
    { patterns: rules.map(([group, message]) => ({ group, message, allowTypeImports: true })) },
  ],
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
            {
              target: PRODUCT,
              from: './src/sandbox',
              message: 'The product never imports the sandbox (the sandbox may import the product).',
            },
            {
              target: './src/diagnosis',
              from: ['./src/teams', './src/alerts', './src/fixes', './src/app'],
              message: 'The diagnosis core knows nothing of Teams, alerts, fixes or the composition root.',
            },
          ],
        },
      ],
      // A timer assigned once, after the callback that clears it is defined, stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  // Only src/teams/ speaks Bot Framework; only src/clients/ (and the sandbox's fakes) speak the Azure and Kubernetes SDKs.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/teams/**', 'src/clients/**', 'src/sandbox/**'],
    rules: restricted(
      [BOTBUILDER, 'Only src/teams/ imports botbuilder.'],
      [SDKS, 'Only src/clients/ imports the Azure and Kubernetes SDKs.'],
    ),
  },
  { files: ['src/teams/**/*.ts'], rules: restricted([SDKS, 'Only src/clients/ imports the Azure and Kubernetes SDKs.']) },
  { files: ['src/clients/**/*.ts', 'src/sandbox/**/*.ts'], rules: restricted([BOTBUILDER, 'Only src/teams/ imports botbuilder.']) },
  // The state store's Blob backend is the store's own adapter over the Blob SDK, as src/clients/ is the diagnosis's.
  {
    files: ['src/store/blob/**/*.ts'],
    rules: restricted(
      [BOTBUILDER, 'Only src/teams/ imports botbuilder.'],
      [
        [...SDKS, '!@azure/storage-blob'],
        'Only src/clients/ (and the Blob store, @azure/storage-blob) import the Azure and Kubernetes SDKs.',
      ],
    ),
  },
  // Tests read arbitrary JSON answers of the fakes.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // CommonJS preloads (--require) that patch Node's net/dns/http before anything else loads.
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-this-alias': 'off' },
  },
);
