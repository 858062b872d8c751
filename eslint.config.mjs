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
  auth: ['config', 'contracts', 'database', 'observability'],
  'dead-letters': ['config', 'contracts', 'database', 'kafka', 'observability'],
  retention: ['config', 'contracts', 'database', 'kafka', 'observability'],
  runtime: ['config', 'contracts', 'database', 'kafka', 'observability'],
};

// One port per outside system: only libs/kafka names kafkajs (the contracts' publisher sends
// through a RecordSink that libs/kafka's producer implements).
const KAFKAJS_ALLOWED = ['kafka'];
const KAFKA_BEHIND_ITS_PORT = { group: ['kafkajs'], message: 'kafkajs only behind libs/kafka: use its exports' };
const apps = fs.readdirSync(new URL('./apps', import.meta.url)).filter((name) => !name.startsWith('.'));
const layering = [
  ...apps.map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: apps.filter((other) => other !== app).map((other) => `**/${other}/src/**`),
              message: 'apps depend on libs, never on each other',
            },
            KAFKA_BEHIND_ITS_PORT,
          ],
        },
      ],
    },
  })),
  ...Object.entries(LIB_LAYERS).map(([lib, below]) => ({
    files: [`libs/${lib}/**/*.ts`],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**'], message: 'libs never depend on apps' },
            ...(KAFKAJS_ALLOWED.includes(lib) ? [] : [KAFKA_BEHIND_ITS_PORT]),
            {
              group: Object.keys(LIB_LAYERS)
                .filter((other) => other !== lib && !below.includes(other))
                .map((other) => `@meshtrail/${other}`),
              message: `libs/${lib} may use only ${below.length > 0 ? below.join(', ') : 'no other lib'} (LIB_LAYERS)`,
            },
          ],
        },
      ],
    },
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
