/**
 * Intake throughput: single-event OpsGenie creates (`POST /v2/alerts`, distinct aliases) from 32 concurrent
 * keep-alive connections against Vigil on embedded SQLite, as a ratio to a bare `node:http` server answering
 * 202 with a small JSON body, measured in the same run with the same client.
 *
 *   node --import tsx bench/intake.ts [--profile]
 *
 * Each server runs in its own process (this script with `--serve=bare|vigil`), the load client in this one.
 * Warm-up 2 s, then 10 s measured. The bare server is measured before and after Vigil and the mean is used.
 * When the ratio misses the target (or with --profile) Vigil is run once more under `node --cpu-prof` and the
 * top self-time costs are reported. Writes bench/results/intake.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { Session } from 'node:inspector';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONNECTIONS = 32;
const WARMUP_MS = 2000;
const MEASURE_MS = 10_000;
const PROFILE_MS = 8000;
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

// ---------------------------------------------------------------------------------------------------
// Load client

interface LoadResult {
  /** Requests answered with the expected status over the whole run, warm-up included. */
  total: number;
  requests: number;
  errors: number;
  nonAccepted: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function post(agent: Agent, url: URL, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolvePost, reject) => {
    const req = request(
      { hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolvePost(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** CONNECTIONS loops, each one request at a time over its keep-alive connection. */
async function load(baseUrl: string, key: string, label: string, durationMs = MEASURE_MS, expectStatus = 202): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS, maxFreeSockets: CONNECTIONS });
  const url = new URL('/v2/alerts', baseUrl);
  const headers = { authorization: `GenieKey ${key}`, 'content-type': 'application/json' };
  const start = performance.now();
  const measureFrom = start + WARMUP_MS;
  const end = measureFrom + durationMs;
  const latencies: number[] = [];
  let errors = 0;
  let nonAccepted = 0;
  let total = 0;
  let n = 0;
  const worker = async (w: number) => {
    while (performance.now() < end) {
      const i = n++;
      const body = JSON.stringify({
        message: `Bench alert ${label} ${i}: checkout error rate above 5%`,
        alias: `bench-${label}-${w}-${i}`,
        priority: 'P3',
        source: 'bench',
      });
      const t0 = performance.now();
      let status = 0;
      try {
        status = await post(agent, url, headers, body);
      } catch {
        errors++;
      }
      const t1 = performance.now();
      if (status === expectStatus) total++;
      if (t0 >= measureFrom && t1 <= end) {
        if (status === expectStatus) latencies.push(t1 - t0);
        else if (status) nonAccepted++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const seconds = durationMs / 1000;
  return {
    total,
    requests: latencies.length,
    errors,
    nonAccepted,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

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

async function measureBare(label: string, kind: 'bare' | 'bare-sqlite' = 'bare'): Promise<LoadResult> {
  const bare = await startChild(kind);
  try {
    return await load(bare.url, 'unused', label);
  } finally {
    await bare.stop();
  }
}

async function run(profileAlways: boolean): Promise<string> {
  const loadBefore = loadavg()[0]!;
  const bare1 = await measureBare('bare1');
  const vigil = await startChild('vigil');
  let v: LoadResult;
  let backlog: Backlog;
  let unauthorized: LoadResult;
  try {
    const key = await setupVigil(vigil.url);
    v = await load(vigil.url, key, 'vigil');
    backlog = await backlogAfter(vigil.url, v.total);
    // Diagnostic: the same requests with an unknown key are answered 401 by the same stack (routing, hooks,
    // body parsing, key cache, error serialization) without the alert transaction.
    unauthorized = await load(vigil.url, 'not-a-key-0123456789abcdef', 'unauth', MEASURE_MS / 2, 401);
  } finally {
    await vigil.stop();
  }
  const bare2 = await measureBare('bare2');
  const bareSqlite = await measureBare('baresqlite', 'bare-sqlite');
  const bareRps = (bare1.rps + bare2.rps) / 2;
  const ratio = v.rps / bareRps;

  let profileSection: string[] = [];
  if (profileAlways || ratio < TARGET_RATIO) {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-prof-'));
    const file = join(dir, 'vigil.cpuprofile');
    const profiled = await startChild('vigil', { BENCH_PROFILE_OUT: file });
    let pr: LoadResult;
    try {
      const key = await setupVigil(profiled.url);
      profiled.process.kill('SIGUSR2');
      pr = await load(profiled.url, key, 'prof', PROFILE_MS);
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
        `## CPU profile of Vigil under the same load (${PROFILE_MS / 1000} s + warm-up, ${Math.round(pr.rps)} req/s while profiled)`,
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

  const ms = (x: number) => x.toFixed(1);
  const row = (name: string, r: LoadResult) => `| ${name} | ${r.requests} | ${Math.round(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.errors + r.nonAccepted} |`;
  return [
    '# Intake throughput benchmark',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${availableParallelism()} CPUs (nproc), ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `- Node ${process.version}; Vigil on embedded SQLite (better-sqlite3, WAL, file in tmp), engine running, log off`,
    `- Load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${loadavg()[0]!.toFixed(2)} (the machine is shared; absolute numbers drift, the ratio less so)`,
    '- Command: `node --import tsx bench/intake.ts`',
    '',
    `Load: ${CONNECTIONS} concurrent keep-alive connections (node:http Agent, one request in flight per connection), each`,
    'request a single-event OpsGenie create `POST /v2/alerts` with a distinct alias and `Authorization: GenieKey`.',
    `Warm-up ${WARMUP_MS / 1000} s, then ${MEASURE_MS / 1000} s measured. Each server in its own process; the client in the bench process.`,
    'Vigil: a service without an escalation policy, storm threshold 10000, intake rate limit raised. A create is',
    'answered once its event is committed on the intake queue (group commit); the queue applies it (the alert, its',
    'timeline events, the OpsGenie request status) in batched transactions, with a tenth of the event loop while',
    'requests keep it busy and all of it otherwise (docs/adr/0008-intake-queue.md).',
    'The bare server reads the body and answers 202 with a ~90-byte JSON body; it is measured before and after Vigil.',
    '',
    '| Server | Requests answered | Req/s | p50 ms | p99 ms | Errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('bare node:http (before)', bare1),
    row('Vigil OpsGenie intake, SQLite', v),
    row('Vigil, same requests with an unknown key (401, no transaction; diagnostic)', unauthorized),
    row('bare node:http (after)', bare2),
    row('bare node:http + one SQLite INSERT per request (diagnostic)', bareSqlite),
    '',
    `**Ratio Vigil / bare node:http: ${ratio.toFixed(3)}** (target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}).`,
    `Vigil's HTTP stack alone (the 401 row) reaches ${(unauthorized.rps / bareRps).toFixed(2)} of bare node:http; the rest is accepting (parsing and validating the event, the queue commit) and the applying share.`,
    `A bare server doing one durable SQLite INSERT per request (its own transaction) reaches ${(bareSqlite.rps / bareRps).toFixed(2)}; Vigil reaches ${(v.rps / bareSqlite.rps).toFixed(2)} of that.`,
    '',
    '### Applying what was accepted',
    '',
    `Over the run (${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s), Vigil accepted ${backlog.accepted} creates; ${backlog.accepted - backlog.waitingAtEnd} were applied during`,
    `the load (${Math.round((backlog.accepted - backlog.waitingAtEnd) / ((WARMUP_MS + MEASURE_MS) / 1000))}/s, the share applying gets while intake saturates the process) and ${backlog.waitingAtEnd} were waiting when it`,
    `stopped; they were all applied ${backlog.drainSeconds.toFixed(1)} s later (${Math.round(backlog.waitingAtEnd / Math.max(0.1, backlog.drainSeconds))}/s with the process to itself). Nothing was lost or refused.`,
    '',
    ...profileSection,
  ].join('\n');
}

const serve = process.argv.find((a) => a.startsWith('--serve='))?.slice(8);
const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === HERE;
if (serve === 'bare') await serveBare();
else if (serve === 'bare-sqlite') await serveBareSqlite();
else if (serve === 'vigil') await serveVigil();
else if (invokedDirectly && process.argv.includes('--vigil-only')) {
  // Quick iteration: Vigil alone, no bare baseline, no report file.
  const profileFile = process.argv.includes('--profile') ? join(mkdtempSync(join(tmpdir(), 'vigil-bench-prof-')), 'vigil.cpuprofile') : undefined;
  const vigil = await startChild('vigil', profileFile ? { BENCH_PROFILE_OUT: profileFile } : {});
  try {
    const key = await setupVigil(vigil.url);
    if (profileFile) vigil.process.kill('SIGUSR2');
    const r = await load(vigil.url, key, 'vigil');
    process.stdout.write(`Vigil: ${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors + r.nonAccepted}\n`);
    if (profileFile) process.stdout.write(`profile: ${profileFile}\n`);
    else {
      const b = await backlogAfter(vigil.url, r.total);
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
