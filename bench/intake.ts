/**
 * Intake throughput: single-event OpsGenie creates (`POST /v2/alerts`, distinct aliases) against Vigil on
 * embedded SQLite, as a ratio to a bare `node:http` server answering 202 with a small JSON body, and a real
 * Prometheus Alertmanager 0.25 (`POST /api/v2/alerts`, one alert per request, distinct labels) as a ratio to the
 * same bare server: all measured in the same run with the same client command, Debian's wrk
 * (`wrk -t2 -c32 -d<N>s --latency -s <lua>`).
 *
 *   node --import tsx bench/intake.ts [--seconds=10] [--warmup=2] [--connections=32] [--threads=2] [--profile]
 *     [--profile-seconds=8] [--no-alertmanager] [--no-diagnostics] [--alertmanager=/usr/bin/prometheus-alertmanager]
 *
 * Order: bare (before), Vigil, Alertmanager, bare (after); the bare figure used for the ratios is the mean of the
 * two. Each server runs in its own process (this script with `--serve=bare|vigil`, or Alertmanager), wrk in its
 * own. Each server gets a warm-up wrk run (not measured) before the measured one. When Vigil's ratio misses the
 * target (or with --profile) Vigil is run once more under the V8 CPU profiler and the top costs are reported.
 * Without wrk, says how to install it and exits 2. Writes bench/results/intake.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { Session } from 'node:inspector';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const flag = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const CONNECTIONS = flag('connections', 32);
const THREADS = flag('threads', 2);
const WARMUP_S = flag('warmup', 2);
const MEASURE_S = flag('seconds', 10);
const PROFILE_S = flag('profile-seconds', 8);
const ALERTMANAGER_BIN = process.argv.find((a) => a.startsWith('--alertmanager='))?.slice(15) ?? '/usr/bin/prometheus-alertmanager';
const WITH_ALERTMANAGER = !process.argv.includes('--no-alertmanager');
const WITH_DIAGNOSTICS = !process.argv.includes('--no-diagnostics');
const TARGET_RATIO = 0.5;
const TOKEN = 'vgl_bench_bootstrap_token_0123456789';
const HERE = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

// ---------------------------------------------------------------------------------------------------
// Servers (child processes)

async function serveBare(): Promise<void> {
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      const body = JSON.stringify({ result: 'Request will be processed', took: 0.001, requestId: randomUUID() });
      res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 72_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  process.stdout.write(`LISTENING http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

/** Diagnostic baseline: bare node:http plus one durable SQLite INSERT (its own transaction) per request. */
async function serveBareSqlite(): Promise<void> {
  const { default: SQLite } = await import('better-sqlite3');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-bare-sqlite-'));
  const db = new SQLite(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table alerts (id text primary key, alias text not null unique, body text not null, created_at integer not null)');
  const insert = db.prepare('insert into alerts (id, alias, body, created_at) values (?, ?, ?, ?)');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      const { alias } = JSON.parse(raw) as { alias: string };
      const id = randomUUID();
      insert.run(id, alias, raw, Date.now());
      const body = JSON.stringify({ result: 'Request will be processed', took: 0.001, requestId: id });
      res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 72_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  process.stdout.write(`LISTENING http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
  process.on('SIGTERM', () =>
    server.close(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }),
  );
}

async function serveVigil(): Promise<void> {
  const { loadConfig } = await import('../src/config/config.js');
  const { createVigil } = await import('../src/app/vigil.js');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-intake-'));
  const config = loadConfig({
    env: { VIGIL_INTAKE_RATE_PER_SECOND: '1000000', VIGIL_INTAKE_BURST: '10000000' },
    overrides: { databaseUrl: `sqlite:${join(dir, 'vigil.db')}`, port: 0, host: '127.0.0.1', bootstrapToken: TOKEN, logLevel: 'silent' },
  });
  const vigil = await createVigil({ config, logger: false });
  const { url } = await vigil.start();
  // Profiling window: SIGUSR2 starts the V8 CPU profiler (what `node --cpu-prof` runs, minus start-up);
  // SIGTERM stops it and writes the .cpuprofile to BENCH_PROFILE_OUT.
  const profileOut = process.env.BENCH_PROFILE_OUT;
  const session = profileOut ? new Session() : undefined;
  const post = <T>(method: string): Promise<T> => new Promise((res, rej) => session!.post(method, (err, result) => (err ? rej(err) : res(result as T))));
  if (session) {
    session.connect();
    process.on('SIGUSR2', () => void post('Profiler.enable').then(() => post('Profiler.start')));
  }
  process.stdout.write(`LISTENING ${url.replace('[::1]', '127.0.0.1')}\n`);
  process.on('SIGTERM', () => {
    void (async () => {
      if (session && profileOut) {
        const { profile } = await post<{ profile: unknown }>('Profiler.stop').catch(() => ({ profile: undefined }));
        if (profile) writeFileSync(profileOut, JSON.stringify(profile));
      }
      await vigil.stop();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
}

interface Child {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function startChild(kind: 'bare' | 'bare-sqlite' | 'vigil', env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', HERE, `--serve=${kind}`], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolveUrl(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}: ${out}`)));
  });
  return {
    url,
    process: child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A free TCP port on 127.0.0.1 (for Alertmanager, which takes its port on the command line). */
async function freePort(): Promise<number> {
  const srv = createTcpServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const address = srv.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const ALERTMANAGER_CONFIG = `route:
  receiver: 'null'
  group_by: ['alertname']
receivers:
  - name: 'null'
`;

/** Prometheus Alertmanager with a null receiver, its own storage in tmp, clustering off. */
async function startAlertmanager(): Promise<Child & { command: string; version: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-am-'));
  writeFileSync(join(dir, 'alertmanager.yml'), ALERTMANAGER_CONFIG);
  const port = await freePort();
  const args = [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'];
  const version = (spawnSync(ALERTMANAGER_BIN, ['--version'], { encoding: 'utf8' }).stdout || '').split('\n')[0]!.trim() || 'unknown version';
  const child = spawn(ALERTMANAGER_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Alertmanager exited with ${child.exitCode}: ${err}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`Alertmanager not ready after 20 s: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    process: child,
    version,
    command: `${ALERTMANAGER_BIN} --config.file=<tmp>/alertmanager.yml --storage.path=<tmp>/data --web.listen-address=127.0.0.1:<port> --cluster.listen-address= --log.level=warn`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Load client: Debian's wrk (C, epoll), so the client is never what limits the bare server.

interface LoadResult {
  /** Requests answered with the expected status over the measured run. */
  requests: number;
  /** Socket errors (connect, read, write, timeout) plus answers with another status. */
  errors: number;
  nonExpected: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** CPU seconds the server process used over the measured run (user + system), when known. */
  serverCpu?: number;
  command: string;
}

/** The Lua script given to wrk: POSTs with a distinct alias (OpsGenie) or distinct labels (Alertmanager) per request, counting answers other than the expected status. */
const WRK_LUA = `-- args: expected status, body kind (opsgenie|alertmanager), Authorization header ('' for none), run label
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  expected = tonumber(args[1])
  kind = args[2]
  if args[3] ~= nil and args[3] ~= "" then wrk.headers["Authorization"] = args[3] end
  label = args[4] or "run"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  n = 0
  unexpected = 0
end
function request()
  n = n + 1
  local id = label .. "-" .. tid .. "-" .. n
  local body
  if kind == "alertmanager" then
    body = '[{"labels":{"alertname":"BenchAlert","severity":"page","instance":"bench-' .. id .. '"},"annotations":{"summary":"Bench alert ' .. id .. ': checkout error rate above 5%"}}]'
  else
    body = '{"message":"Bench alert ' .. id .. ': checkout error rate above 5%","alias":"bench-' .. id .. '","priority":"P3","source":"bench"}'
  end
  return wrk.format(nil, nil, nil, body)
end
function response(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1 end
end
function done(summary, latency, requests)
  local u = 0
  for _, t in ipairs(threads) do u = u + t:get("unexpected") end
  io.write(string.format("UNEXPECTED %d\\n", u))
end
`;

let luaFile: string | undefined;
function wrkScript(): string {
  if (!luaFile) {
    luaFile = join(mkdtempSync(join(tmpdir(), 'vigil-bench-wrk-')), 'post.lua');
    writeFileSync(luaFile, WRK_LUA);
  }
  return luaFile;
}

function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;
}

/** wrk prints 1.23ms, 456.00us, 1.20s. */
function wrkMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(v.trim());
  if (!m) return Number.NaN;
  const x = Number(m[1]);
  return m[2] === 'us' ? x / 1000 : m[2] === 'ms' ? x : m[2] === 's' ? x * 1000 : x * 60_000;
}

/** utime + stime of a process, in seconds (Linux /proc). */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

interface LoadOptions {
  path: string;
  kind: 'opsgenie' | 'alertmanager';
  authorization: string;
  expectStatus: number;
  seconds: number;
  label: string;
  /** Server pid, for its CPU time over the run. */
  pid?: number;
}

function runWrk(baseUrl: string, o: LoadOptions): Promise<LoadResult> {
  const url = new URL(o.path, baseUrl).toString();
  const args = ['-t', String(THREADS), '-c', String(CONNECTIONS), '-d', `${o.seconds}s`, '--latency', '-s', wrkScript(), url, '--', String(o.expectStatus), o.kind, o.authorization, o.label];
  const shown = `wrk -t${THREADS} -c${CONNECTIONS} -d${o.seconds}s --latency -s post.lua ${url} -- ${o.expectStatus} ${o.kind} ${o.authorization ? `'${o.authorization.replace(/ .*/, ' <key>')}'` : "''"} ${o.label}`;
  return new Promise((ok, fail) => {
    const cpu0 = cpuSeconds(o.pid);
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('error', fail);
    child.once('exit', (code) => {
      const cpu1 = cpuSeconds(o.pid);
      if (code !== 0) return fail(new Error(`wrk exited with ${code}: ${out}`));
      const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? 0);
      const total = num(/(\d+) requests in /);
      const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const sockets = socketErrors ? socketErrors.slice(1).reduce((a, x) => a + Number(x), 0) : 0;
      const unexpected = num(/UNEXPECTED (\d+)/);
      const seconds = wrkMs(/requests in ([\d.]+\w+),/.exec(out)?.[1] ?? `${o.seconds}s`) / 1000;
      const requests = total - unexpected;
      ok({
        requests,
        errors: sockets + unexpected,
        nonExpected: unexpected,
        seconds,
        rps: requests / seconds,
        p50: wrkMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? ''),
        p99: wrkMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? ''),
        ...(cpu0 !== undefined && cpu1 !== undefined ? { serverCpu: cpu1 - cpu0 } : {}),
        command: shown,
      });
    });
  });
}

/** A warm-up run (not measured), then the measured run. Returns the measured run and every request accepted over both. */
async function load(baseUrl: string, o: Omit<LoadOptions, 'seconds'> & { seconds?: number }): Promise<LoadResult & { accepted: number }> {
  const warm = WARMUP_S > 0 ? await runWrk(baseUrl, { ...o, seconds: WARMUP_S, label: `${o.label}w` }) : undefined;
  const r = await runWrk(baseUrl, { ...o, seconds: o.seconds ?? MEASURE_S });
  return { ...r, accepted: r.requests + (warm?.requests ?? 0) };
}

const opsgenie = (key: string, label: string, pid?: number, expectStatus = 202) =>
  ({ path: '/v2/alerts', kind: 'opsgenie', authorization: `GenieKey ${key}`, expectStatus, label, ...(pid ? { pid } : {}) }) as const;

/** Intake events committed and not yet applied, from Vigil's /metrics. */
async function intakeWaiting(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const m = /^vigil_intake_queue\{measure="waiting"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

interface Backlog {
  /** Requests answered 202 over the whole run (warm-up included). */
  accepted: number;
  /** Events still waiting to be applied when the load stopped. */
  waitingAtEnd: number;
  /** Seconds from the end of the load until every event was applied. */
  drainSeconds: number;
}

/** After the load: how many accepted events were still queued, and how long applying them took. */
async function backlogAfter(baseUrl: string, accepted: number): Promise<Backlog> {
  const t0 = performance.now();
  const waitingAtEnd = await intakeWaiting(baseUrl);
  let waiting = waitingAtEnd;
  while (waiting > 0 && performance.now() - t0 < 600_000) {
    await new Promise((r) => setTimeout(r, 100));
    waiting = await intakeWaiting(baseUrl);
  }
  return { accepted, waitingAtEnd, drainSeconds: (performance.now() - t0) / 1000 };
}

async function setupVigil(baseUrl: string): Promise<string> {
  const api = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 201) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  await api('POST', '/api/v1/teams', { name: 'Bench' });
  await api('POST', '/api/v1/services', { name: 'Bench service', slug: 'bench', teamId: 'bench', stormThreshold: 10000 });
  const integ = await api('POST', '/api/v1/services/bench/integrations', { name: 'Prometheus', type: 'opsgenie' });
  return String(integ.key);
}

// ---------------------------------------------------------------------------------------------------
// CPU profile summary

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function where(url: string): string {
  if (!url) return '(native/V8)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return `vigil ${url.slice(src + 1)}`;
  return url.replace(/^file:\/\//, '');
}

/** Library frames worth naming by their inclusive time. */
const LIBRARY_FRAMES: Array<[string, (fn: string, url: string) => boolean]> = [
  ['better-sqlite3 prepare() (a statement prepared per query)', (fn, url) => fn === 'prepare' && url.includes('better-sqlite3')],
  ['kysely SqliteDriver executeQuery (SQLite runs the statement)', (fn, url) => fn === 'executeQuery' && url.includes('sqlite-driver')],
  ['kysely commitTransaction (COMMIT, WAL append)', (fn, url) => fn === 'commitTransaction' && url.includes('sqlite-driver')],
  ['kysely compileQuery (SQL text built per query)', (fn, url) => fn === 'compileQuery' && url.includes('kysely')],
  ['fastify reply serialization', (fn, url) => fn === 'serialize' && url.includes('fastify')],
];

interface ProfileSummary {
  totalMs: number;
  places: Array<[string, number]>;
  selfFunctions: Array<[string, number]>;
  vigilInclusive: Array<[string, number]>;
  libraryInclusive: Array<[string, number]>;
}

function summarizeProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const selfFunctions = new Map<string, number>();
  const places = new Map<string, number>();
  const vigilInclusive = new Map<string, number>();
  const libraryInclusive = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') continue;
    total += us;
    const place = ['(garbage collector)', '(program)'].includes(name) ? name : where(n.callFrame.url);
    const fn = `${name} — ${place}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    selfFunctions.set(fn, (selfFunctions.get(fn) ?? 0) + us);
    places.set(place, (places.get(place) ?? 0) + us);
    // Inclusive: every distinct frame on the stack of this sample, once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      const fname = f.functionName || '(anonymous)';
      if (f.url.includes('/src/') && !f.url.includes('/node_modules/')) {
        const k = `${fname} — ${where(f.url)}`;
        if (!seen.has(k)) {
          seen.add(k);
          vigilInclusive.set(k, (vigilInclusive.get(k) ?? 0) + us);
        }
      }
      for (const [label, match] of LIBRARY_FRAMES) {
        if (!seen.has(label) && match(fname, f.url)) {
          seen.add(label);
          libraryInclusive.set(label, (libraryInclusive.get(label) ?? 0) + us);
        }
      }
    }
  }
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  return {
    totalMs: total / 1000,
    places: top(places, 12),
    selfFunctions: top(selfFunctions, 15),
    vigilInclusive: top(vigilInclusive, 15),
    libraryInclusive: top(libraryInclusive, 10),
  };
}

// ---------------------------------------------------------------------------------------------------

type Measured = LoadResult & { accepted: number };

async function measureBare(label: string, kind: 'bare' | 'bare-sqlite' = 'bare', seconds = MEASURE_S): Promise<Measured> {
  const bare = await startChild(kind);
  try {
    return await load(bare.url, { ...opsgenie('unused', label, bare.process.pid), seconds });
  } finally {
    await bare.stop();
  }
}

async function measureAlertmanager(): Promise<{ result: Measured; command: string; version: string }> {
  const am = await startAlertmanager();
  try {
    const result = await load(am.url, { path: '/api/v2/alerts', kind: 'alertmanager', authorization: '', expectStatus: 200, label: 'am', ...(am.process.pid ? { pid: am.process.pid } : {}) });
    return { result, command: am.command, version: am.version };
  } finally {
    await am.stop();
  }
}

function loadLine(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
}

async function run(profileAlways: boolean): Promise<string> {
  const loadBefore = loadLine();
  const bare1 = await measureBare('bare1');
  const vigil = await startChild('vigil');
  let v: Measured;
  let backlog: Backlog;
  let unauthorized: Measured | undefined;
  try {
    const key = await setupVigil(vigil.url);
    v = await load(vigil.url, opsgenie(key, 'vigil', vigil.process.pid));
    backlog = await backlogAfter(vigil.url, v.accepted);
    // Diagnostic: the same requests with an unknown key are answered 401 by the same stack (routing, hooks,
    // body parsing, key cache, error serialization) without the alert transaction.
    if (WITH_DIAGNOSTICS) unauthorized = await load(vigil.url, { ...opsgenie('not-a-key-0123456789abcdef', 'unauth', vigil.process.pid, 401), seconds: Math.max(1, Math.round(MEASURE_S / 2)) });
  } finally {
    await vigil.stop();
  }
  const am = WITH_ALERTMANAGER ? await measureAlertmanager() : undefined;
  const bare2 = await measureBare('bare2');
  const bareSqlite = WITH_DIAGNOSTICS ? await measureBare('baresqlite', 'bare-sqlite', Math.max(1, Math.round(MEASURE_S / 2))) : undefined;
  const bareRps = (bare1.rps + bare2.rps) / 2;
  const ratio = v.rps / bareRps;
  const amRatio = am ? am.result.rps / bareRps : undefined;
  const loadAfter = loadLine();

  let profileSection: string[] = [];
  if (profileAlways || ratio < TARGET_RATIO) {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-prof-'));
    const file = join(dir, 'vigil.cpuprofile');
    const profiled = await startChild('vigil', { BENCH_PROFILE_OUT: file });
    let pr: LoadResult;
    try {
      const key = await setupVigil(profiled.url);
      profiled.process.kill('SIGUSR2');
      pr = await runWrk(profiled.url, { ...opsgenie(key, 'prof', profiled.process.pid), seconds: PROFILE_S });
    } finally {
      await profiled.stop();
    }
    if (existsSync(file)) {
      const s = summarizeProfile(file);
      const pct = (us: number) => `${((us / 1000 / s.totalMs) * 100).toFixed(1)}%`;
      const table = (head: string, rows: Array<[string, number]>) => [
        `| ${head} | Share of CPU |`,
        '| --- | ---: |',
        ...rows.map(([k, us]) => `| ${k.replace(/\|/g, '\\|')} | ${pct(us)} |`),
        '',
      ];
      profileSection = [
        `## CPU profile of Vigil under the same load (${PROFILE_S} s of wrk, no warm-up, ${Math.round(pr.rps)} req/s while profiled)`,
        '',
        `V8 CPU profiler (the one \`node --cpu-prof\` runs) started after start-up and set-up, stopped at the end of the load:`,
        `${(s.totalMs / 1000).toFixed(1)} s of non-idle CPU in the Vigil process. Shares are of that time.`,
        '',
        '### Self time by package / file',
        '',
        ...table('Where', s.places),
        '### Self time by function',
        '',
        ...table('Function — where', s.selfFunctions),
        '### Inclusive time of library steps',
        '',
        ...table('Step', s.libraryInclusive),
        '### Inclusive time of Vigil functions',
        '',
        ...table('Function — file', s.vigilInclusive),
      ];
    }
    rmSync(dir, { recursive: true, force: true });
  }

  const ms = (x: number) => (Number.isNaN(x) ? '—' : x.toFixed(2));
  const cpu = (r: LoadResult) => (r.serverCpu === undefined ? '—' : `${Math.round((r.serverCpu / r.seconds) * 100)}%`);
  const row = (name: string, r: LoadResult) => `| ${name} | ${r.requests} | ${Math.round(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.errors} | ${cpu(r)} |`;
  const verdict = ratio >= TARGET_RATIO && (amRatio === undefined || ratio > amRatio);
  const applied = backlog.accepted - backlog.waitingAtEnd;
  const loadSeconds = WARMUP_S + MEASURE_S;
  return [
    '# Intake throughput benchmark',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${availableParallelism()} CPUs (nproc), ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}; ${spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]!.replace(/ Copyright.*/, '').trim()}${am ? `; ${am.version}` : ''}`,
    `- Load average (1 / 5 / 15 min) before: ${loadBefore}; after: ${loadAfter}${Number(loadBefore.split(' ')[0]) > 0.5 * availableParallelism() ? ' — **a figure from a loaded machine**: the absolute numbers are low and drift; the ratios, measured in one run, less so' : ''}`,
    `- Command: \`node --import tsx bench/intake.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\``,
    '',
    '## Method',
    '',
    `Client: wrk, the same command for every server: \`wrk -t${THREADS} -c${CONNECTIONS} -d${MEASURE_S}s --latency -s post.lua <url> -- <expected status> <body kind> <auth> <label>\`,`,
    `${CONNECTIONS} keep-alive connections over ${THREADS} threads, one request in flight per connection. Each server first gets a ${WARMUP_S} s wrk run`,
    `(not measured), then ${MEASURE_S} s measured. The Lua script (in bench/intake.ts) POSTs JSON with a distinct alias (OpsGenie) or`,
    'distinct labels (Alertmanager) per request and counts answers other than the expected status; "Errors" is those',
    'plus socket errors. p50/p99 are from wrk\'s `--latency` distribution. "Server CPU" is the user + system time of the server',
    'process over the measured run (from /proc), as a share of one core: below 100% for a single-threaded server means the',
    'client or the machine held it back.',
    '',
    '- **bare node:http**: reads the body, answers 202 with a ~90-byte JSON body. Measured before and after the others; the mean is used.',
    `- **Vigil**: OpsGenie intake, \`POST /v2/alerts\` with \`Authorization: GenieKey <key>\`, a single-alert create, expected 202;`,
    '  embedded SQLite (better-sqlite3, WAL, file in tmp), engine running, log off, intake rate limit raised; a service',
    '  without an escalation policy, storm threshold 10000. A create is answered once its event is committed on the intake',
    '  queue (group commit); the queue applies it (the alert, its timeline events, the OpsGenie request status) in batched',
    '  transactions (docs/adr/0008-intake-queue.md).',
    ...(am
      ? [
          `- **Alertmanager** (${am.version}): \`${am.command}\`, with a route to a null receiver;`,
          '  `POST /api/v2/alerts` with a JSON array of one alert per request (distinct `instance` label), expected 200.',
        ]
      : []),
    '',
    '## Results',
    '',
    '| Server | Requests answered | Req/s | p50 ms | p99 ms | Errors | Server CPU |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    row('bare node:http (before)', bare1),
    row('Vigil OpsGenie intake, SQLite', v),
    ...(am ? [row('Prometheus Alertmanager, one alert per request', am.result)] : []),
    row('bare node:http (after)', bare2),
    ...(unauthorized ? [row('Vigil, same requests with an unknown key (401, no transaction; diagnostic)', unauthorized)] : []),
    ...(bareSqlite ? [row('bare node:http + one SQLite INSERT per request (diagnostic)', bareSqlite)] : []),
    '',
    `- **Vigil / bare node:http: ${ratio.toFixed(3)}** (target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
    ...(amRatio !== undefined
      ? [
          `- **Alertmanager / bare node:http: ${amRatio.toFixed(3)}** (Vigil's ratio ${ratio > amRatio ? 'above' : 'NOT above'} Alertmanager's; Vigil / Alertmanager ${(v.rps / am!.result.rps).toFixed(2)})`,
        ]
      : []),
    `- Targets (Vigil ≥ ${TARGET_RATIO}× bare${amRatio !== undefined ? " and above Alertmanager's ratio" : ''}): **${verdict ? 'met' : 'NOT met'}**`,
    ...(unauthorized ? [`- Vigil's HTTP stack alone (the 401 row) reaches ${(unauthorized.rps / bareRps).toFixed(2)} of bare node:http; the rest is accepting (parsing and validating the event, the queue commit) and the applying share.`] : []),
    ...(bareSqlite ? [`- A bare server doing one durable SQLite INSERT per request (its own transaction) reaches ${(bareSqlite.rps / bareRps).toFixed(2)}; Vigil reaches ${(v.rps / bareSqlite.rps).toFixed(2)} of that.`] : []),
    `- Bare node:http before / after: ${Math.round(bare1.rps)} / ${Math.round(bare2.rps)} req/s (${((Math.abs(bare1.rps - bare2.rps) / bareRps) * 100).toFixed(0)}% apart${Math.abs(bare1.rps - bare2.rps) / bareRps > 0.1 ? ': **the machine\'s capacity changed during the run; the ratios are not reliable**' : ''}).`,
    '- Alertmanager is written in Go and uses both cores; Vigil and the bare server are one Node.js process (one core for JavaScript).',
    '',
    '### Applying what was accepted',
    '',
    `Over Vigil's load (${WARMUP_S} s warm-up + ${MEASURE_S} s), Vigil accepted ${backlog.accepted} creates; ${applied} were applied during`,
    `the load (${Math.round(applied / loadSeconds)}/s, the share applying gets while intake saturates the process) and ${backlog.waitingAtEnd} were waiting when it`,
    `stopped (\`vigil_intake_queue{measure="waiting"}\` on /metrics); they were all applied ${backlog.drainSeconds.toFixed(1)} s later (${Math.round(backlog.waitingAtEnd / Math.max(0.1, backlog.drainSeconds))}/s with the process to itself).`,
    '',
    '### Commands',
    '',
    '```sh',
    `node --import tsx bench/intake.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    '# inside it, per server (warm-up run with -d' + WARMUP_S + 's first):',
    bare1.command,
    v.command,
    ...(am ? [am.command, am.result.command] : []),
    '```',
    '',
    ...profileSection,
  ].join('\n');
}

const serve = process.argv.find((a) => a.startsWith('--serve='))?.slice(8);
const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === HERE;
if (serve === 'bare') await serveBare();
else if (serve === 'bare-sqlite') await serveBareSqlite();
else if (serve === 'vigil') await serveVigil();
else if (invokedDirectly && !wrkAvailable()) {
  process.stderr.write('bench/intake.ts needs wrk (an HTTP load generator written in C) as the load client.\nInstall it: sudo apt-get install wrk   (Debian/Ubuntu; elsewhere see https://github.com/wg/wrk)\n');
  process.exit(2);
} else if (invokedDirectly && process.argv.includes('--vigil-only')) {
  // Quick iteration: Vigil alone, no bare baseline, no report file.
  const profileFile = process.argv.includes('--profile') ? join(mkdtempSync(join(tmpdir(), 'vigil-bench-prof-')), 'vigil.cpuprofile') : undefined;
  const vigil = await startChild('vigil', profileFile ? { BENCH_PROFILE_OUT: profileFile } : {});
  try {
    const key = await setupVigil(vigil.url);
    if (profileFile) vigil.process.kill('SIGUSR2');
    const r = await load(vigil.url, opsgenie(key, 'vigil', vigil.process.pid));
    process.stdout.write(`Vigil: ${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, errors ${r.errors}\n`);
    if (profileFile) process.stdout.write(`profile: ${profileFile}\n`);
    else {
      const b = await backlogAfter(vigil.url, r.accepted);
      process.stdout.write(`Backlog: ${b.accepted} accepted, ${b.waitingAtEnd} waiting at the end of the load, applied ${b.drainSeconds.toFixed(1)} s later\n`);
    }
  } finally {
    await vigil.stop();
  }
} else if (invokedDirectly) {
  const started = Date.now();
  const report = await run(process.argv.includes('--profile'));
  const out = fileURLToPath(new URL('./results/intake.md', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${report}\n`);
  process.stdout.write(`${report}\n(wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
