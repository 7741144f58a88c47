// Lint rules, including the dependency rule of docs/architecture.md: imports point inward to core.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (from, forbidden, message) => ({
  files: [from],
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});

const PROCESS_ENV = { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Only src/config (and the CLI) read process.env.' };
const DOOR = 'Adapters call a use case of core (deps, ctx, input), which opens its own transaction: see docs/architecture.md, "One door into core".';
const ONE_DOOR = [
  { selector: "MemberExpression[property.name='uow']", message: DOOR },
  { selector: "ImportSpecifier[imported.name=/^(Repos|UnitOfWork)$/]", message: DOOR },
  { selector: "TSTypeReference[typeName.name=/^(Repos|UnitOfWork)$/]", message: DOOR },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'web/dist/', 'data/', 'coverage/', 'docs/openapi.json', 'web/src/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', 'bin/*.js'] }, tsconfigRootDir: import.meta.dirname },
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: false, project: ['web/tsconfig.json'] } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-console': 'off' },
  },
  // core: pure domain code. No HTTP, SQL, vendor SDKs, environment, wall clock or console.
  layer(
    'src/core/**/*.ts',
    ['**/storage/**', '**/http/**', '**/engine/**', '**/integrations/**', '**/app/**', '**/cli/**', '**/config/**', 'fastify', '@fastify/*', 'kysely', 'pg', 'better-sqlite3', '@slack/*', 'nodemailer'],
    'core depends on nothing outside core: declare a port in core and implement it in storage/integrations.',
  ),
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/shared/ids.ts', 'src/core/shared/clock.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the injected Clock.' },
        { object: 'process', property: 'env', message: 'Configuration comes from src/config.' },
      ],
    },
  },
  // http and integrations never reach the database directly.
  layer('src/http/**/*.ts', ['**/storage/**', 'kysely', 'pg', 'better-sqlite3'], 'http talks to core use cases, never to storage.'),
  layer('src/integrations/**/*.ts', ['**/storage/**', '**/http/**', 'kysely', 'pg', 'better-sqlite3'], 'integrations map payloads and call clients; no storage.'),
  // integrations/shared: HTTP helpers (Retry-After, constant-time compares, rate limits) that http,
  // integrations and the migration tools all use; a leaf that imports none of the layers.
  layer(
    'src/integrations/shared/**/*.ts',
    ['**/storage/**', '**/http/**', '**/core/**', '**/engine/**', '**/app/**', '**/cli/**', '**/config/**', '**/migrate/**', '**/inbound/**', '**/outbound/**', 'kysely', 'pg', 'better-sqlite3'],
    'integrations/shared is imported by http and integrations; it imports none of the layers.',
  ),
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/**', 'src/cli/**', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', PROCESS_ENV],
    },
  },
  // One door into core: adapters (routes, modules) call use cases, which open their own
  // transaction; they never hold the unit of work or the repositories.
  {
    files: ['src/http/**/*.ts', 'src/app/modules/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', PROCESS_ENV, ...ONE_DOOR],
    },
  },
);
