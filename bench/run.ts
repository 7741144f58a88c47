/**
 * `npm run bench [name...]`: runs the benchmarks one after another, each in its own process, and
 * leaves their reports in bench/results/. Names: see BENCHES.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHES = ['schedules', 'engine', 'intake', 'notify-latency', 'escalation', 'outbox'];
const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : BENCHES;
let failed = 0;
for (const name of wanted) {
  if (!BENCHES.includes(name)) {
    process.stderr.write(`unknown bench "${name}" (known: ${BENCHES.join(', ')})\n`);
    failed++;
    continue;
  }
  process.stdout.write(`\n=== bench: ${name} ===\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
