/**
 * Backups. SQLite: an online backup through SQLite's backup API (better-sqlite3's `backup()`),
 * safe while Vigil runs and writes (WAL mode): the copy is one consistent snapshot. PostgreSQL is
 * backed up with its own tools (`pg_dump`); {@link postgresBackupGuidance} says how.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { redactDatabaseUrl } from './database.js';

export interface SqliteBackupResult {
  source: string;
  destination: string;
  pages: number;
  bytes: number;
  /** The newest migration in the copy (it opens and is intact). */
  latestMigration: string | null;
}

export class BackupError extends Error {}

/** Copies the SQLite database at `sourcePath` to `destination` and checks the copy. */
export async function backupSqlite(sourcePath: string, destination: string, options: { overwrite?: boolean } = {}): Promise<SqliteBackupResult> {
  const source = resolve(sourcePath);
  const dest = resolve(destination);
  if (sourcePath === ':memory:') throw new BackupError('an in-memory database cannot be backed up.');
  if (!existsSync(source)) throw new BackupError(`no database at ${source} (check VIGIL_DATABASE_URL).`);
  if (dest === source) throw new BackupError('the backup file must not be the database itself.');
  if (existsSync(dest) && !options.overwrite) throw new BackupError(`${dest} exists; choose another file or pass --force.`);
  const native = new SQLite(source, { fileMustExist: true });
  let pages = 0;
  try {
    native.pragma('busy_timeout = 5000');
    const r = await native.backup(dest, {
      progress: (p: { totalPages: number; remainingPages: number }) => {
        pages = p.totalPages;
        return 1000;
      },
    });
    pages = r.totalPages;
  } finally {
    native.close();
  }
  const copy = new SQLite(dest, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`the copy at ${dest} failed SQLite's quick_check: ${String(check)}`);
    const hasMigrations = copy.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'").get();
    const latest = hasMigrations ? (copy.prepare('SELECT name FROM kysely_migration ORDER BY name DESC LIMIT 1').get() as { name: string } | undefined) : undefined;
    const pageSize = copy.pragma('page_size', { simple: true }) as number;
    return { source, destination: dest, pages, bytes: pages * pageSize, latestMigration: latest?.name ?? null };
  } finally {
    copy.close();
  }
}

/** What to run instead for PostgreSQL (Vigil does not dump PostgreSQL itself). */
export function postgresBackupGuidance(databaseUrl: string, destination: string): string {
  const url = redactDatabaseUrl(databaseUrl);
  return [
    'This Vigil runs on PostgreSQL: back it up with PostgreSQL\'s own tools, while Vigil runs:',
    '',
    `  pg_dump --format=custom --no-owner --file ${JSON.stringify(destination)} "${url}"`,
    '',
    'Restore into an empty database (then point VIGIL_DATABASE_URL at it and start Vigil):',
    '',
    `  createdb vigil_restored && pg_restore --no-owner --dbname vigil_restored ${JSON.stringify(destination)}`,
    '',
    '(Replace *** with the password, or use ~/.pgpass / PGPASSWORD.) For point-in-time recovery use',
    'continuous archiving (WAL) or your provider\'s snapshots: https://www.postgresql.org/docs/current/backup.html',
  ].join('\n');
}
