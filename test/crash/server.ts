/**
 * Vigil as the `vigil server` command runs it, for the crash tests: the configuration comes from the
 * environment (VIGIL_DATABASE_URL, PORT, VIGIL_BOOTSTRAP_TOKEN, ...) and nothing else. The test starts this
 * script as a child process (`node --import tsx test/crash/server.ts`) and SIGKILLs it at random moments.
 */
import { runServer } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config/config.js';

await runServer(loadConfig({ env: process.env }));
