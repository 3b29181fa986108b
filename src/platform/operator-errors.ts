import { ConfigError } from '../config.ts';
import { DatabaseOpenError } from '../db/database.ts';
import { DataDirLockedError, DataDirUnusableError } from '../db/lock.ts';
import { MigrationError } from '../db/migrate.ts';

/** A failure an operator can fix (port taken, file unreadable…), told in one French sentence. */
export class OperatorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OperatorError';
  }
}

const EXPECTED = [
  ConfigError,
  DatabaseOpenError,
  DataDirLockedError,
  DataDirUnusableError,
  MigrationError,
  OperatorError,
];

/** Prints the failure (one sentence for expected ones, never a stack) and exits non-zero. */
export function fail(error: unknown): never {
  if (EXPECTED.some((kind) => error instanceof kind)) {
    console.error(`Erreur : ${(error as Error).message}`);
  } else {
    console.error('Erreur inattendue :', error);
  }
  process.exit(1);
}
