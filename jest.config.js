// Three projects by reach: unit (pure, beside the code), int (real PostgreSQL and Kafka),
// e2e (the compiled services as processes, talking over the real broker).
const { compilerOptions } = require('./tsconfig.base.json');

// swc rewrites the @meshtrail/* aliases itself, so they resolve in global setup too (which runs
// outside jest's module registry and ignores moduleNameMapper).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      baseUrl: __dirname,
      paths: compilerOptions.paths,
    },
    module: { type: 'commonjs', ignoreDynamic: true },
    sourceMaps: 'inline',
  },
];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

// Only suites that touch PostgreSQL and Kafka pay for the per-run template database and broker check.
const realStack = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  // a global option: jest ignores it inside projects
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    { ...shared, ...realStack, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'] },
    { ...shared, ...realStack, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
