/**
 * Vigil as the `vigil server` command runs it, for the crash tests: the configuration comes from the
 * environment (VIGIL_DATABASE_URL, PORT, VIGIL_BOOTSTRAP_TOKEN, ...) and nothing else. The test starts this
 * script as a child process (`node --import tsx test/crash/server.ts`) and SIGKILLs it at random moments.
 * With VIGIL_TEST_START_GATE=1 it loads everything, then waits for a line on stdin before starting.
 */
import { runServer } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config/config.js';

// Loaded and waiting: the test starts several processes at the same instant by writing a line to each.
if (process.env.VIGIL_TEST_START_GATE === '1') {
  process.stdout.write('gate: loaded\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
}

await runServer(loadConfig({ env: process.env }));
