/**
 * A child-process engine node for the kill test: claims `slow` jobs under a short lease, keeps
 * renewing it while their handlers hang, and waits to be killed.
 *
 *   node --import tsx test/helpers/engine-worker.ts <database-url> [leaseMs] [nodeId]
 *
 * Prints `ready` once its engine runs. The database must already be migrated.
 */
import { systemClock } from '../../src/core/shared/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { openDatabase } from '../../src/storage/database.js';

const [url, leaseArg, nodeArg] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: engine-worker.ts <database-url> [leaseMs] [nodeId]\n');
  process.exit(2);
}

const database = await openDatabase(url);
const engine = new Engine({
  database,
  clock: systemClock,
  nodeId: nodeArg ?? 'doomed',
  leaseMs: Number(leaseArg ?? 600),
  handlers: {
    // Hangs until aborted: the process is meant to die while holding the lease.
    slow: (_job, signal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      }),
  },
  logger: {
    info: () => undefined,
    warn: (obj, msg) => process.stderr.write(`warn ${msg ?? ''} ${JSON.stringify(obj)}\n`),
    error: (obj, msg) => process.stderr.write(`error ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  },
});
await engine.start();
process.stdout.write('ready\n');

process.on('SIGTERM', () => {
  void engine
    .stop({ timeoutMs: 100 })
    .then(() => database.close())
    .then(() => process.exit(0));
});
