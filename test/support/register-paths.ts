// Global setup and teardown run outside jest's module registry, where moduleNameMapper does not
// apply: resolve the @meshtrail/* aliases from tsconfig for them.
import path from 'node:path';
import { register } from 'tsconfig-paths';

const { compilerOptions } = require('../../tsconfig.base.json') as {
  compilerOptions: { paths: Record<string, string[]> };
};
register({ baseUrl: path.resolve(__dirname, '../..'), paths: compilerOptions.paths });
