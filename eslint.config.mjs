// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import fs from 'node:fs';

// Apps depend on libs, never on each other; libs never on apps, and each lib only on the libs
// below it: so importing a low lib (kafka, contracts) never loads a high one (database, TypeORM).
const LIB_LAYERS = {
  config: [],
  contracts: [],
  otlp: [],
  observability: ['config', 'contracts'],
  database: ['config', 'contracts', 'observability'],
  kafka: ['config', 'contracts', 'observability'],
  'audit-store': ['config', 'contracts', 'database', 'observability'],
  'trail-proof': ['audit-store', 'config', 'contracts', 'database', 'observability'],
  auth: ['config', 'contracts', 'database', 'observability'],
  'dead-letters': ['config', 'contracts', 'database', 'kafka', 'observability'],
  retention: ['config', 'contracts', 'database', 'kafka', 'observability', 'trail-proof'],
  runtime: ['config', 'contracts', 'database', 'kafka', 'observability'],
};

// One port per outside system: only libs/kafka names kafkajs (the contracts' publisher sends
// through a RecordSink that libs/kafka's producer implements).
const KAFKAJS_ALLOWED = ['kafka'];
const KAFKA_BEHIND_ITS_PORT = { group: ['kafkajs'], message: 'kafkajs only behind libs/kafka: use its exports' };
// One pool per process: only libs/database opens PostgreSQL connections and loads TypeORM (for
// the migrations); elsewhere pg lends its types and escapeIdentifier. Tests may connect on their own.
const DATABASE_BEHIND_ITS_PORT = {
  paths: [
    { name: 'typeorm', message: 'TypeORM only runs the migrations, inside libs/database' },
    {
      name: 'pg',
      allowTypeImports: true,
      allowImportNames: ['escapeIdentifier'],
      message: 'reach PostgreSQL through libs/database (DatabaseConnection); pg types need `import type`',
    },
  ],
  patterns: [{ group: ['typeorm/*'], message: 'TypeORM only runs the migrations, inside libs/database' }],
};
const TESTS = ['**/*.spec.ts', '**/*.int-spec.ts'];
const restrictImports = (patterns, database) => ({
  'no-restricted-imports': [
    'error',
    database
      ? { paths: DATABASE_BEHIND_ITS_PORT.paths, patterns: [...patterns, ...DATABASE_BEHIND_ITS_PORT.patterns] }
      : { patterns },
  ],
});
const apps = fs.readdirSync(new URL('./apps', import.meta.url)).filter((name) => !name.startsWith('.'));
const appPatterns = (app) => [
  {
    group: apps.filter((other) => other !== app).map((other) => `**/${other}/src/**`),
    message: 'apps depend on libs, never on each other',
  },
  KAFKA_BEHIND_ITS_PORT,
];
const layering = [
  ...apps.flatMap((app) => [
    { files: [`apps/${app}/**/*.ts`], ignores: TESTS, rules: restrictImports(appPatterns(app), true) },
    { files: TESTS.map((test) => `apps/${app}/${test}`), rules: restrictImports(appPatterns(app), false) },
  ]),
  ...Object.entries(LIB_LAYERS).map(([lib, below]) => ({
    files: [`libs/${lib}/**/*.ts`],
    ignores: TESTS,
    rules: restrictImports(
      [
        { group: ['**/apps/**'], message: 'libs never depend on apps' },
        ...(KAFKAJS_ALLOWED.includes(lib) ? [] : [KAFKA_BEHIND_ITS_PORT]),
        {
          group: Object.keys(LIB_LAYERS)
            .filter((other) => other !== lib && !below.includes(other))
            .map((other) => `@meshtrail/${other}`),
          message: `libs/${lib} may use only ${below.length > 0 ? below.join(', ') : 'no other lib'} (LIB_LAYERS)`,
        },
      ],
      lib !== 'database',
    ),
  })),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', 'apps/gateway/web/dist/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  ...layering,
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
