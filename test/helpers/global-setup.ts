/**
 * Runs once before the suite: says plainly whether the PostgreSQL half of the suite runs.
 */
import { PG_ADMIN_URL, REQUIRE_PG, postgresAvailable } from './databases.js';

export default async function setup(): Promise<void> {
  const ok = await postgresAvailable();
  if (ok) {
    process.stdout.write(`\n[vigil] PostgreSQL at ${PG_ADMIN_URL}: storage and engine tests run on SQLite and PostgreSQL.\n`);
  } else {
    process.stdout.write(`\n[vigil] PostgreSQL run SKIPPED: no server at ${PG_ADMIN_URL} (set VIGIL_TEST_PG_URL). SQLite tests still run.\n`);
    if (REQUIRE_PG) throw new Error('VIGIL_TEST_REQUIRE_PG=1 but PostgreSQL is unreachable');
  }
}
