/**
 * `npm run bench [name...] [-- --flag=value...]`: runs the benchmarks one after another, each in its own
 * process, and leaves their reports in bench/results/. Names: see BENCHES. Arguments starting with `--` are
 * given to every bench run (e.g. `npm run bench -- intake --seconds=30`).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHES = ['schedules', 'engine', 'intake', 'notify-latency', 'storm', 'memory', 'escalation', 'outbox'];
const here = dirname(fileURLToPath(import.meta.url));
const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const wanted = names.length ? names : BENCHES;
let failed = 0;
for (const name of wanted) {
  if (!BENCHES.includes(name)) {
    process.stderr.write(`unknown bench "${name}" (known: ${BENCHES.join(', ')})\n`);
    failed++;
    continue;
  }
  process.stdout.write(`\n=== bench: ${name} ===\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`), ...flags], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
