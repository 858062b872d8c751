import type { DatabaseSettings } from './data-source.factory';

export type DatabaseModuleOptions = DatabaseSettings;
export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');
