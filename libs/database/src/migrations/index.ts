import { MonthlyPartitions1763900000000 } from './1763900000000-monthly-partitions';

/** Every migration, in order. Migrations are never edited once released: add a new one. */
export const MIGRATIONS: Function[] = [MonthlyPartitions1763900000000];
