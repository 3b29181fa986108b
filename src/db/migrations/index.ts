import type { Migration } from 'kysely';
import * as platformExtensions from './0001_platform_extensions.ts';

/**
 * The one migration history, in order. Names never change once released; a new migration goes at the
 * end. `migrations.test.ts` checks that every file of this folder is listed here.
 */
export const migrations: Record<string, Migration> = {
  '0001_platform_extensions': platformExtensions,
};
