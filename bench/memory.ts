/**
 * Start-up time and memory of `node bin/vigil.js server` on a fresh SQLite file: the time from spawn to the first
 * `/healthz` 200 (polled every 10 ms), resident memory (VmRSS) at idle and what it is made of (/proc/<pid>/smaps),
 * then while 100,000 alerts are accepted through OpsGenie intake and applied (sampled every 100 ms), and after.
 *
 *   node --import tsx bench/memory.ts [--idle=30] [--alerts=100000] [--connections=32] [--sample-ms=100]
 *     [--settle=10] [--no-probe]
 *
 * The server is the built JavaScript (dist/, built first when stale, as bin/vigil.js does), with log level warn and
 * the intake rate limit raised. Unless --no-probe, node is started with `--import <probe>`: a few lines that answer
 * SIGUSR2 by writing process.memoryUsage() to a file, to split the anonymous memory into V8 heap and the rest
 * (Vigil's code is not changed). Targets: /healthz within 1.5 s, idle RSS < 100 MB, peak RSS < 200 MB.
 * Writes bench/results/memory.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const arg = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const IDLE_S = arg('idle', 30);
const ALERTS = arg('alerts', 100_000);
const CONNECTIONS = arg('connections', 32);
const SAMPLE_MS = arg('sample-ms', 100);
const SETTLE_S = arg('settle', 10);
const PROBE = !process.argv.includes('--no-probe');
const TARGET_HEALTHZ_MS = 1500;
const TARGET_IDLE_MB = 100;
const TARGET_PEAK_MB = 200;
const TOKEN = 'vgl_bench_bootstrap_token_0123456789';
const HERE = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const PROBE_SOURCE = `import { writeFileSync } from 'node:fs';
process.on('SIGUSR2', () => writeFileSync(process.env.BENCH_MEMORY_PROBE_OUT, JSON.stringify(process.memoryUsage())));
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (kb: number) => kb / 1024;
const fmt = (kb: number) => `${mb(kb).toFixed(1)} MB`;

/** Fields of /proc/<pid>/status in kB (VmRSS, VmHWM, RssAnon, RssFile, RssShmem). */
function status(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Resident memory by mapping, from /proc/<pid>/smaps, in kB. */
function smapsBreakdown(pid: number): Array<[string, number]> {
  const node = realpathSync(process.execPath);
  const groups = new Map<string, number>();
  let current = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header) {
      const path = header[1]!.trim();
      if (!path) current = 'anonymous mappings (V8 heap, JIT code, malloc arenas, buffers)';
      else if (path === node) current = `the node binary (${node})`;
      else if (path === '[heap]') current = '[heap] (C/C++ malloc, brk area)';
      else if (path === '[stack]') current = '[stack]';
      else if (path.endsWith('.node')) current = `native addons (${path.split('/').slice(-1)[0]}...)`;
      else if (/\.so(\.|$)/.test(path)) current = 'shared libraries (.so)';
      else if (path.startsWith('[')) current = `${path}`;
      else if (/vigil\.db/.test(path)) current = 'the SQLite database files (mmap)';
      else current = 'other files';
      continue;
    }
    const m = /^Rss:\s+(\d+) kB/.exec(line);
    if (m) groups.set(current, (groups.get(current) ?? 0) + Number(m[1]));
  }
  // One line for every native addon.
  const merged = new Map<string, number>();
  for (const [k, v] of groups) {
    const key = k.startsWith('native addons') ? 'native addons (.node: better-sqlite3, ...)' : k;
    merged.set(key, (merged.get(key) ?? 0) + v);
  }
  return [...merged].sort((a, b) => b[1] - a[1]);
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const address = srv.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function post(agent: Agent, url: URL, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request(
      { hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => ok(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

async function intakeWaiting(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const m = /^vigil_intake_queue\{measure="waiting"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

async function main(): Promise<string> {
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' / ');
  // What bin/vigil.js would do on a stale build, done first so that it is not timed.
  const build = (await import(pathToFileURL(join(ROOT, 'scripts/build-server.mjs')).href)) as { serverIsStale(): boolean; buildServer(): Promise<void> };
  if (build.serverIsStale()) {
    process.stderr.write('building dist/ (src is newer)...\n');
    await build.buildServer();
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-memory-'));
  const probeFile = join(dir, 'probe.mjs');
  const probeOut = join(dir, 'memory-usage.json');
  writeFileSync(probeFile, PROBE_SOURCE);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    VIGIL_DATABASE_URL: `sqlite:${join(dir, 'vigil.db')}`,
    PORT: String(port),
    VIGIL_HOST: '127.0.0.1',
    VIGIL_BOOTSTRAP_TOKEN: TOKEN,
    VIGIL_LOG_LEVEL: 'warn',
    VIGIL_INTAKE_RATE_PER_SECOND: '1000000',
    VIGIL_INTAKE_BURST: '10000000',
    BENCH_MEMORY_PROBE_OUT: probeOut,
  };
  const nodeArgs = [...(PROBE ? ['--import', pathToFileURL(probeFile).href] : []), 'bin/vigil.js', 'server'];
  const t0 = performance.now();
  const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const pid = child.pid!;
  const memoryUsage = async (): Promise<Record<string, number> | undefined> => {
    if (!PROBE) return undefined;
    rmSync(probeOut, { force: true });
    child.kill('SIGUSR2');
    for (let i = 0; i < 100 && !existsSync(probeOut); i++) await sleep(20);
    await sleep(20);
    return existsSync(probeOut) ? (JSON.parse(readFileSync(probeOut, 'utf8')) as Record<string, number>) : undefined;
  };
  try {
    let healthzMs = Number.NaN;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Vigil exited with ${child.exitCode}`);
      const ok = await fetch(`${baseUrl}/healthz`).then((r) => r.status === 200, () => false);
      if (ok) {
        healthzMs = performance.now() - t0;
        break;
      }
      if (performance.now() - t0 > 60_000) throw new Error('no /healthz 200 within 60 s');
      await sleep(10);
    }
    const rssAtHealthz = status(pid).VmRSS!;

    // Set-up through the API: a service without an escalation policy and an OpsGenie integration.
    const api = async (path: string, body: unknown) => {
      const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    await api('/api/v1/teams', { name: 'Bench' });
    await api('/api/v1/services', { name: 'Bench service', slug: 'bench', teamId: 'bench', stormThreshold: 10000 });
    const key = String((await api('/api/v1/services/bench/integrations', { name: 'Prometheus', type: 'opsgenie' })).key);

    const idleFrom = performance.now();
    while (performance.now() - idleFrom < IDLE_S * 1000) await sleep(200);
    const idle = status(pid);
    const idleSmaps = smapsBreakdown(pid);
    const idleUsage = await memoryUsage();

    // Apply ALERTS alerts: CONNECTIONS concurrent keep-alive connections, then until the intake queue is empty.
    const samples: Array<[number, number]> = [];
    const applyStart = performance.now();
    const sampler = setInterval(() => {
      try {
        samples.push([performance.now() - applyStart, status(pid).VmRSS!]);
      } catch {
        // the process is gone
      }
    }, SAMPLE_MS);
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const url = new URL('/v2/alerts', baseUrl);
    let next = 0;
    let accepted = 0;
    const refused: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < ALERTS) {
          const i = next++;
          const body = JSON.stringify({ message: `Memory bench alert ${i}: checkout error rate above 5%`, alias: `mem-${i}`, priority: 'P3', source: 'bench' });
          const s = await post(agent, url, { authorization: `GenieKey ${key}` }, body).catch(() => 0);
          if (s === 202) accepted++;
          else refused[String(s)] = (refused[String(s)] ?? 0) + 1;
        }
      }),
    );
    agent.destroy();
    const acceptSeconds = (performance.now() - applyStart) / 1000;
    while ((await intakeWaiting(baseUrl)) > 0 && performance.now() - applyStart < 1_800_000) await sleep(250);
    const applySeconds = (performance.now() - applyStart) / 1000;
    clearInterval(sampler);
    const afterApply = status(pid);
    const afterUsage = await memoryUsage();
    await sleep(SETTLE_S * 1000);
    const settled = status(pid);
    const settledSmaps = smapsBreakdown(pid);
    const peakKb = Math.max(...samples.map((s) => s[1]));
    const peakAt = samples.find((s) => s[1] === peakKb)?.[0] ?? 0;
    const loadAfter = loadavg().map((x) => x.toFixed(2)).join(' / ');

    const idleMb = mb(idle.VmRSS!);
    const peakMb = mb(peakKb);
    const yes = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const usageRows = (u: Record<string, number> | undefined) =>
      u ? ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'].map((k) => `| process.memoryUsage().${k} | ${fmt((u[k] ?? 0) / 1024)} |`) : [];
    const cmd = `node --import tsx bench/memory.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
    // RSS over the apply phase, one figure per second.
    const perSecond: string[] = [];
    for (let s = 0; s * 1000 <= (samples.at(-1)?.[0] ?? 0); s++) {
      const inSec = samples.filter((x) => x[0] >= s * 1000 && x[0] < (s + 1) * 1000).map((x) => x[1]);
      if (inSec.length) perSecond.push(mb(Math.max(...inSec)).toFixed(0));
    }
    return [
      '# Start-up and memory benchmark',
      '',
      `- Date: ${new Date().toISOString()}`,
      `- Machine: ${availableParallelism()} CPUs (nproc), ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}`,
      `- Load average (1 / 5 / 15 min) before: ${loadBefore}; after: ${loadAfter}${Number(loadBefore.split(' ')[0]) > 0.5 * availableParallelism() ? ' — **a figure from a loaded machine**: the start-up time and the apply rate are slowed by other work' : ''}`,
      `- Command: \`${cmd}\``,
      `- Server: \`node ${PROBE ? '--import <probe.mjs> ' : ''}bin/vigil.js server\` (built dist/), env VIGIL_DATABASE_URL=sqlite:<fresh tmp file>, PORT, VIGIL_HOST=127.0.0.1, VIGIL_BOOTSTRAP_TOKEN, VIGIL_LOG_LEVEL=warn, VIGIL_INTAKE_RATE_PER_SECOND=1000000, VIGIL_INTAKE_BURST=10000000`,
      ...(PROBE ? ['- The probe (`--import`, 2 lines, in bench/memory.ts) writes process.memoryUsage() on SIGUSR2; run with --no-probe to leave it out.'] : []),
      '',
      '## Results',
      '',
      '| Measure | Value | Target |',
      '| --- | ---: | --- |',
      `| spawn → first \`/healthz\` 200 (polled every 10 ms) | ${healthzMs.toFixed(0)} ms | < ${TARGET_HEALTHZ_MS} ms: ${yes(healthzMs < TARGET_HEALTHZ_MS)} |`,
      `| RSS at the first /healthz 200 | ${fmt(rssAtHealthz)} | |`,
      `| RSS idle, ${IDLE_S} s after start-up (set-up done) | ${fmt(idle.VmRSS!)} | < ${TARGET_IDLE_MB} MB: ${yes(idleMb < TARGET_IDLE_MB)} |`,
      `| peak RSS while accepting and applying ${ALERTS} alerts (sampled every ${SAMPLE_MS} ms) | ${fmt(peakKb)} (at ${(peakAt / 1000).toFixed(1)} s) | < ${TARGET_PEAK_MB} MB: ${yes(peakMb < TARGET_PEAK_MB)} |`,
      `| VmHWM (kernel's high-water mark of RSS since spawn) | ${fmt(afterApply.VmHWM!)} | |`,
      `| RSS when the intake queue was empty | ${fmt(afterApply.VmRSS!)} | |`,
      `| RSS ${SETTLE_S} s later | ${fmt(settled.VmRSS!)} | |`,
      '',
      `${accepted} of ${ALERTS} creates accepted (202)${Object.keys(refused).length ? `, refused: ${Object.entries(refused).map(([k, v]) => `${v}×${k}`).join(', ')}` : ''}, from ${CONNECTIONS} concurrent keep-alive connections (a Node.js client in the bench process),`,
      `in ${acceptSeconds.toFixed(1)} s; all applied (\`vigil_intake_queue{measure="waiting"}\` 0) ${applySeconds.toFixed(1)} s after the first create.`,
      `Peak RSS per second of that phase (MB): ${perSecond.join(' ')}.`,
      '',
      '## What the resident memory is made of',
      '',
      '| | Idle | After the alerts, settled |',
      '| --- | ---: | ---: |',
      `| VmRSS | ${fmt(idle.VmRSS!)} | ${fmt(settled.VmRSS!)} |`,
      `| RssAnon (anonymous: V8 heap, malloc, buffers) | ${fmt(idle.RssAnon ?? 0)} | ${fmt(settled.RssAnon ?? 0)} |`,
      `| RssFile (file-backed: the node binary, libraries, addons) | ${fmt(idle.RssFile ?? 0)} | ${fmt(settled.RssFile ?? 0)} |`,
      `| RssShmem | ${fmt(idle.RssShmem ?? 0)} | ${fmt(settled.RssShmem ?? 0)} |`,
      '',
      'By mapping (/proc/<pid>/smaps, Rss summed per kind of mapping):',
      '',
      '| Mapping | Idle | After the alerts, settled |',
      '| --- | ---: | ---: |',
      ...idleSmaps
        .map(([k, v]) => [k, v, settledSmaps.find((s) => s[0] === k)?.[1] ?? 0] as const)
        .filter(([, v, w]) => v >= 100 || w >= 100)
        .map(([k, v, w]) => `| ${k} | ${fmt(v)} | ${fmt(w)} |`),
      '(mappings under 0.1 MB left out)',
      '',
      ...(idleUsage
        ? [
            'V8 and Node.js (process.memoryUsage(), from the probe):',
            '',
            '| | Idle | Queue empty |',
            '| --- | ---: | ---: |',
            ...usageRows(idleUsage).map((r, i) => `${r} ${afterUsage ? fmt((afterUsage[['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'][i]!] ?? 0) / 1024) : '—'} |`),
            '',
            'heapTotal is the V8 heap reserved (part of RssAnon); external and arrayBuffers are memory held outside it for',
            'JavaScript objects (Buffers, the SQLite addon\'s allocations reported to V8).',
            '',
          ]
        : []),
      '## Commands',
      '',
      '```sh',
      cmd,
      '```',
      '',
    ].join('\n');
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === HERE;
if (invokedDirectly) {
  const started = Date.now();
  const report = await main();
  const out = fileURLToPath(new URL('./results/memory.md', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${report}\n`);
  process.stdout.write(`${report}\n(wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
