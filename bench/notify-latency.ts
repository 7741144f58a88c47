/**
 * Alert-to-first-notification latency: OpsGenie creates sent open loop at a steady rate; for each alert, the
 * time from sending the create to the fake Slack receiving the DM for the on-call person. Three setups: SQLite
 * (one process), PostgreSQL with one Vigil process, PostgreSQL with three Vigil processes on one database (each
 * serving intake and running the engine; the load client spreads its requests round-robin over their ports).
 *
 *   node --import tsx bench/notify-latency.ts [--setups=sqlite,pg1,pg3] [--rate=200] [--seconds=10]
 *     [--search=50,100,200,300,400,600,800] [--step-seconds=5] [--users=400] [--profile=<file>]
 *
 * For each setup: a fixed-rate run at --rate for --seconds, then a rate search: steps of --step-seconds at the
 * rates of --search, in order, until a step's p99 reaches 250 ms (or an alert is not notified); the highest step
 * under it is the setup's sustained rate (--search= skips the search). PostgreSQL setups are skipped when no
 * server answers (VIGIL_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres). --profile=<file> writes a V8
 * CPU profile of the (first) Vigil process over the fixed-rate run and skips the search.
 *
 * Vigil runs in child processes (real clock, real engine) with Slack pointed at the fake Slack
 * (test/fakes/slack.ts), which runs in this process with the load client. Set-up through the API: N people
 * (--users, raised to twice the highest rate so no person's DM lane gets more than 0.5 alerts/s), each with a
 * Slack DM contact method and a high-urgency rule (delay 0), a one-person weekly schedule, a policy whose step 1
 * is that schedule, and a service (storm threshold raised) with an OpsGenie integration. Alerts go round-robin
 * over the services, under Vigil's pacing of about one message per 1.1 s per Slack lane: what is measured is the
 * pipeline (intake queue -> drain: alert, escalation, page, delivery -> outbox flush -> Slack), not the pacing. A
 * DM that bundles several alerts counts as the first notification of each. Writes bench/results/notify-latency.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Session } from 'node:inspector';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeSlack, type FakeSlack } from '../test/fakes/slack.js';
import { createTestDatabaseUrl, postgresAvailable, type DialectName, type TestDatabase } from '../test/helpers/databases.js';

const argValue = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const arg = (name: string, fallback: number): number => Number(argValue(name) ?? fallback);
const RATE = arg('rate', 200);
const SECONDS = arg('seconds', 10);
const STEP_SECONDS = arg('step-seconds', 5);
const SEARCH = (argValue('search') ?? '50,100,200,300,400,600,800')
  .split(',')
  .filter(Boolean)
  .map(Number)
  .filter((x) => x > 0);
const SETUPS = (argValue('setups') ?? 'sqlite,pg1,pg3').split(',').filter(Boolean) as SetupName[];
const USERS = Math.max(arg('users', 400), 2 * Math.max(RATE, ...SEARCH));
type SetupName = 'sqlite' | 'pg1' | 'pg3';
const TARGET_P99_MS = 250;
/** --profile=<file>: write a V8 CPU profile of Vigil over the load (not the set-up) to <file>. */
const PROFILE_OUT = process.argv.find((a) => a.startsWith('--profile='))?.slice(10);
const DRAIN_TIMEOUT_MS = 45_000;
const TOKEN = 'vgl_bench_bootstrap_token_0123456789';
const HERE = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

// ---------------------------------------------------------------------------------------------------
// Vigil (child process)

async function serveVigil(): Promise<void> {
  const { loadConfig } = await import('../src/config/config.js');
  const { createVigil } = await import('../src/app/vigil.js');
  const vigil = await createVigil({ config: loadConfig({ env: process.env }), logger: false });
  const { url } = await vigil.start();
  // --profile: SIGUSR2 starts the V8 CPU profiler once set-up is done; SIGTERM writes the .cpuprofile.
  const profileOut = process.env.BENCH_PROFILE_OUT;
  const session = profileOut ? new Session() : undefined;
  const post = <T>(method: string): Promise<T> => new Promise((ok, fail) => session!.post(method, (err, result) => (err ? fail(err) : ok(result as T))));
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
      process.exit(0);
    })();
  });
}

async function startVigil(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HERE, '--serve'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`Vigil exited with ${code}: ${out}`)));
  });
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------------

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function httpJson(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; json: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((ok, fail) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = text;
          }
          ok({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

async function setupThroughApi(baseUrl: string): Promise<string[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await httpJson(agent, `${baseUrl}${path}`, method, { authorization: `Bearer ${TOKEN}` }, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  };
  const slackIds = Array.from({ length: USERS }, (_, i) => `U0NB${String(i).padStart(5, '0')}`);
  const users = await pool(slackIds, 8, async (slackId, i) => {
    const user = await api('POST', '/api/v1/users', {
      name: `Bench person ${i}`,
      email: `nb${i}@example.com`,
      role: 'responder',
      slackUserId: slackId,
      timeZone: 'UTC',
    });
    const dm = await api('POST', `/api/v1/users/${user.id}/contact-methods`, { type: 'slack_dm', address: slackId });
    if (!dm.verifiedAt) throw new Error('the Slack DM contact method should be trusted (linked Slack account)');
    await api('POST', `/api/v1/users/${user.id}/notification-rules`, { urgency: 'high', contactMethodId: dm.id, delayMinutes: 0 });
    return user.id as string;
  });
  await api('POST', '/api/v1/teams', { name: 'Notify bench', slug: 'nb', memberIds: users });
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const keys = await pool(users, 8, async (userId, i) => {
    await api('POST', '/api/v1/schedules', {
      name: `NB schedule ${i}`,
      slug: `nb-s${i}`,
      teamId: 'nb',
      timeZone: 'UTC',
      layers: [{ name: 'Weekly', participants: [userId], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: day }],
    });
    await api('POST', '/api/v1/escalation-policies', {
      name: `NB policy ${i}`,
      slug: `nb-p${i}`,
      teamId: 'nb',
      repeat: 0,
      steps: [{ delayMinutes: 30, targets: [{ type: 'schedule', id: `nb-s${i}` }] }],
    });
    await api('POST', '/api/v1/services', { name: `NB service ${i}`, slug: `nb-svc${i}`, teamId: 'nb', escalationPolicyId: `nb-p${i}`, stormThreshold: 10000 });
    const integ = await api('POST', `/api/v1/services/nb-svc${i}/integrations`, { name: 'Prometheus', type: 'opsgenie' });
    return integ.key as string;
  });
  agent.destroy();
  return keys;
}

interface RunResult {
  label: string;
  rate: number;
  seconds: number;
  sent: number;
  accepted: number;
  delivered: number;
  undelivered: number;
  latencies: number[];
  worstBySecond: number[];
  intake: number[];
  dms: number;
  bundledDms: number;
  slackCalls: number;
  drainSeconds: number;
}

const SETUP_LABEL: Record<SetupName, string> = { sqlite: 'SQLite, 1 process', pg1: 'PostgreSQL, 1 process', pg3: 'PostgreSQL, 3 processes' };

interface Installation {
  setup: SetupName;
  urls: string[];
  keys: string[];
  slack: FakeSlack;
  children: ChildProcess[];
  setupSeconds: number;
  stop(): Promise<void>;
}

async function install(setup: SetupName): Promise<Installation> {
  const dialect: DialectName = setup === 'sqlite' ? 'sqlite' : 'postgres';
  const processes = setup === 'pg3' ? 3 : 1;
  const slack = await startFakeSlack();
  const db: TestDatabase = await createTestDatabaseUrl(dialect);
  const env = {
    VIGIL_DATABASE_URL: db.url,
    PORT: '0',
    VIGIL_HOST: '127.0.0.1',
    VIGIL_BOOTSTRAP_TOKEN: TOKEN,
    VIGIL_LOG_LEVEL: 'silent',
    VIGIL_INTAKE_RATE_PER_SECOND: '1000000',
    VIGIL_INTAKE_BURST: '10000000',
    VIGIL_SLACK_BOT_TOKEN: 'xoxb-bench-token',
    VIGIL_SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
    VIGIL_SLACK_API_URL: slack.url,
  };
  const vigils: Array<Awaited<ReturnType<typeof startVigil>>> = [];
  const stop = async () => {
    await Promise.all(vigils.map((v) => v.stop()));
    await slack.close();
    await db.dispose();
  };
  try {
    // The first process applies the migrations; the others start on the migrated database.
    vigils.push(await startVigil({ ...env, ...(PROFILE_OUT ? { BENCH_PROFILE_OUT: resolve(PROFILE_OUT) } : {}) }));
    for (let i = 1; i < processes; i++) vigils.push(await startVigil(env));
    const t0 = Date.now();
    const keys = await setupThroughApi(vigils[0]!.url);
    const setupSeconds = (Date.now() - t0) / 1000;
    // Let set-up jobs settle.
    await new Promise((r) => setTimeout(r, 1000));
    const urls = vigils.map((v) => v.url);
    // Warm-up, not measured: one alert per person at a moderate rate, round-robin over the processes, so each
    // process is past its start-up (JIT, first statements, integration keys) and each person's Slack DM
    // conversation is open, as in a running installation. Then the lanes' pacing window passes.
    const warmRate = Math.min(100, RATE);
    const warmAgent = new Agent({ keepAlive: true, maxSockets: 64 });
    const warmStart = performance.now();
    await Promise.all(
      keys.map(async (key, i) => {
        await new Promise((r) => setTimeout(r, (i * 1000) / warmRate));
        await httpJson(warmAgent, `${urls[i % urls.length]}/v2/alerts`, 'POST', { authorization: `GenieKey ${key}` }, { message: `Warm-up WU${i}X`, alias: `wu-${i}`, priority: 'P1' });
      }),
    );
    while (slack.allMessages().filter((m) => /WU\d+X/.test(String(m.text ?? ''))).length < keys.length && performance.now() - warmStart < 120_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    warmAgent.destroy();
    await new Promise((r) => setTimeout(r, 1500));
    slack.reset();
    return { setup, urls, keys, slack, children: vigils.map((v) => v.child), setupSeconds, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One open-loop run: `rate` creates per second for `seconds`, then until every accepted alert was notified (or the timeout). */
async function measure(inst: Installation, rate: number, seconds: number, tag: string): Promise<RunResult> {
  const { slack, keys, urls } = inst;
  slack.reset();
  const total = Math.round(rate * seconds);
  const sentAt = new Array<number>(total);
  const intake: number[] = [];
  let accepted = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const inFlight: Array<Promise<void>> = [];
  const start = performance.now();
  const startWall = Date.now();
  // Open loop: alert i is sent at start + i / rate, whatever happened to the earlier ones.
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const key = keys[i % keys.length]!;
    sentAt[i] = startWall + (performance.now() - start);
    const t = performance.now();
    inFlight.push(
      httpJson(
        agent,
        `${urls[i % urls.length]}/v2/alerts`,
        'POST',
        { authorization: `GenieKey ${key}` },
        { message: `Notify bench ${tag}NB${i}X checkout errors`, alias: `nb-${tag}-${i}`, priority: 'P1' },
      ).then(
        (res) => {
          if (res.status === 202) {
            accepted++;
            intake.push(performance.now() - t);
          }
        },
        () => undefined,
      ),
    );
  }
  await Promise.all(inFlight);
  const sendDone = Date.now();

  // First DM time of each alert (a bundled DM carries several).
  const firstAt = new Map<number, number>();
  const pattern = new RegExp(`${tag}NB(\\d+)X`, 'g');
  const scan = () => {
    for (const m of slack.allMessages()) {
      for (const match of String(m.text ?? '').matchAll(pattern)) {
        const i = Number(match[1]);
        if (!firstAt.has(i) || firstAt.get(i)! > m.at) firstAt.set(i, m.at);
      }
    }
  };
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    scan();
    if (firstAt.size >= accepted || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const drainSeconds = (Date.now() - sendDone) / 1000;
  agent.destroy();
  const latencies = [...firstAt].map(([i, at]) => at - sentAt[i]!).sort((a, b) => a - b);
  // Per second of the run: the worst latency of the alerts sent in it (where the slow ones are).
  const worstBySecond: number[] = [];
  for (const [i, at] of firstAt) {
    const sec = Math.floor((sentAt[i]! - sentAt[0]!) / 1000);
    worstBySecond[sec] = Math.max(worstBySecond[sec] ?? 0, at - sentAt[i]!);
  }
  intake.sort((a, b) => a - b);
  const dms = slack.allMessages().filter((m) => new RegExp(`${tag}NB\\d+X`).test(String(m.text ?? '')));
  const result: RunResult = {
    rate,
    seconds,
    label: `${SETUP_LABEL[inst.setup]}, ${rate} alerts/s for ${seconds} s`,
    sent: total,
    worstBySecond,
    accepted,
    delivered: firstAt.size,
    undelivered: accepted - firstAt.size,
    latencies,
    intake,
    dms: dms.length,
    bundledDms: dms.filter((m) => (String(m.text).match(new RegExp(`${tag}NB\\d+X`, 'g')) ?? []).length > 1).length,
    slackCalls: slack.calls.length,
    drainSeconds,
  };
  process.stderr.write(`${result.label}: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, ${result.undelivered} not notified\n`);
  // The pacing window of every lane passes before the next run.
  await new Promise((r) => setTimeout(r, 1500));
  return result;
}

const passes = (r: RunResult) => r.sent > 0 && r.accepted === r.sent && r.undelivered === 0 && percentile(r.latencies, 99) < TARGET_P99_MS;

interface SetupResult {
  setup: SetupName;
  setupSeconds: number;
  fixed: RunResult;
  steps: RunResult[];
  /** Highest step rate whose p99 stayed under the target (0: none; undefined: no search). */
  sustained?: number;
}

async function runSetup(setup: SetupName): Promise<SetupResult> {
  const inst = await install(setup);
  try {
    if (PROFILE_OUT) inst.children[0]!.kill('SIGUSR2');
    const fixed = await measure(inst, RATE, SECONDS, 'F');
    const steps: RunResult[] = [];
    let sustained: number | undefined;
    if (SEARCH.length && !PROFILE_OUT) {
      sustained = 0;
      for (const [k, rate] of SEARCH.entries()) {
        const r = await measure(inst, rate, STEP_SECONDS, `S${k}`);
        steps.push(r);
        if (!passes(r)) break;
        sustained = rate;
      }
    }
    return { setup, setupSeconds: inst.setupSeconds, fixed, steps, ...(sustained !== undefined ? { sustained } : {}) };
  } finally {
    await inst.stop();
  }
}

async function main(): Promise<string> {
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' / ');
  const pg = SETUPS.some((s) => s !== 'sqlite') && (await postgresAvailable());
  const skipped = SETUPS.filter((s) => s !== 'sqlite' && !pg);
  const results: SetupResult[] = [];
  for (const s of SETUPS) if (s === 'sqlite' || pg) results.push(await runSetup(s));
  const loadAfter = loadavg().map((x) => x.toFixed(2)).join(' / ');
  const ms = (v: number) => (Number.isNaN(v) ? '—' : v.toFixed(0));
  const row = (r: RunResult) =>
    `| ${r.label} | ${r.sent} | ${r.accepted} | ${r.delivered} | ${r.undelivered} | ${ms(percentile(r.latencies, 50))} | ${ms(percentile(r.latencies, 99))} | ${ms(r.latencies.at(-1) ?? Number.NaN)} | ${ms(percentile(r.intake, 50))} / ${ms(percentile(r.intake, 99))} | ${r.dms} (${r.bundledDms}) |`;
  const head = [
    '| Setup | Sent | Accepted (202) | Notified | Not notified | p50 ms | p99 ms | max ms | Intake p50 / p99 ms | DMs (bundled) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const by = (s: SetupName) => results.find((r) => r.setup === s);
  const pg1 = by('pg1');
  const pg3 = by('pg3');
  const searchLine = (r: SetupResult) => {
    if (r.sustained === undefined) return `- ${SETUP_LABEL[r.setup]}: no search.`;
    const last = r.steps.at(-1);
    const stoppedBy = last && !passes(last) ? `; ${last.rate}/s did not (p99 ${ms(percentile(last.latencies, 99))} ms${last.undelivered ? `, ${last.undelivered} not notified` : ''})` : ' (the highest step tried)';
    return `- ${SETUP_LABEL[r.setup]}: **${r.sustained || 'none'}${r.sustained ? ' alerts/s' : ''}** with p99 < ${TARGET_P99_MS} ms${stoppedBy}.`;
  };
  const ratio = pg1?.sustained && pg3?.sustained !== undefined ? pg3.sustained / pg1.sustained : undefined;
  const pg1At200 = pg1 ? [pg1.fixed, ...pg1.steps].find((r) => r.rate === 200) : undefined;
  const cmd = `node --import tsx bench/notify-latency.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  return [
    '# Alert-to-first-notification latency benchmark',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${availableParallelism()} CPUs (nproc), ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}; PostgreSQL on the same machine`,
    `- Load average (1 / 5 / 15 min) before: ${loadBefore}; after: ${loadAfter}${Number(loadBefore.split(' ')[0]) > 0.5 * availableParallelism() ? ' — **a figure from a loaded machine**: latencies are inflated by other work on the same cores' : ''}`,
    `- Command: \`${cmd}\``,
    '- Vigil in child processes (real clock, engine running, concurrency 16), fake Slack and the load client in the bench process',
    ...(skipped.length ? [`- Skipped (PostgreSQL not reachable): ${skipped.map((s) => SETUP_LABEL[s]).join(', ')}`] : []),
    '',
    '## Method',
    '',
    'OpsGenie creates, open loop (create i is sent at start + i/rate whatever happened to the earlier ones), priority P1',
    `(high urgency), round-robin over one service per person. Each of the ${USERS} people has a Slack DM contact method (their`,
    'linked Slack id) and a high-urgency rule with delay 0, and is the only participant of a weekly schedule that is step 1',
    "of their service's escalation policy. The latency of an alert is the wall-clock time from sending its create to the",
    'fake Slack receiving the first `chat.postMessage` that names it. The path: intake queue commit -> intake drain',
    'transaction (alert, first escalation step, page, its delay-0 rule, delivery queued) -> outbox flush job -> Slack Web',
    'API. Before the measured runs, a warm-up sends one alert per person (not measured): the processes are past start-up',
    'and every DM conversation is open, as in a running installation. Vigil paces a Slack DM lane at about one message per',
    `1.1 s and bundles what waits; with ${USERS} people a lane gets at most ${(Math.max(RATE, ...SEARCH) / USERS).toFixed(2)} alerts/s, so pacing does not add delay here.`,
    'With 3 processes, all three serve intake and run the engine on one PostgreSQL database, and the load client sends',
    "create i to process i mod 3; Vigil's intake lanes and jobs spread over them (leases, LISTEN/NOTIFY).",
    '',
    `Rate search: after the fixed-rate run, steps of ${STEP_SECONDS} s at ${SEARCH.join(', ')} alerts/s in order, on the same installation`,
    `(each step waits until the previous one's alerts were all notified), stopping at the first step whose p99 reaches`,
    `${TARGET_P99_MS} ms or that leaves an alert not notified within ${DRAIN_TIMEOUT_MS / 1000} s; the sustained rate is the last step under it.`,
    '',
    `## Fixed rate: ${RATE} alerts/s for ${SECONDS} s`,
    '',
    ...head,
    ...results.map((r) => row(r.fixed)),
    '',
    ...results.map(
      (r) =>
        `- ${r.fixed.label}: worst latency of the alerts sent in each second ${r.fixed.worstBySecond.map((x) => Math.round(x)).join(' / ')} ms; set-up ${r.setupSeconds.toFixed(1)} s; the last notification came ${r.fixed.drainSeconds.toFixed(1)} s after the last create was answered; ${r.fixed.slackCalls} Slack API calls.`,
    ),
    '',
    '## Rate search',
    '',
    ...head,
    ...results.flatMap((r) => r.steps.map(row)),
    '',
    `Highest rate with p99 < ${TARGET_P99_MS} ms (steps of ${STEP_SECONDS} s):`,
    '',
    ...results.map(searchLine),
    '',
    ...(ratio !== undefined ? [`**PostgreSQL 3 processes / 1 process: ${ratio.toFixed(2)}** (target ≥ 1.5: ${ratio >= 1.5 ? 'met' : 'NOT met'}).`, ''] : []),
    ...(ratio === undefined && pg1?.sustained === 0 && pg3 ? [`**PostgreSQL 3 processes / 1 process: no ratio** (1 process sustained none of the steps; 3 processes: ${pg3.sustained || 'none'}).`, ''] : []),
    ...(pg1At200
      ? [
          `**PostgreSQL, 1 process, sustains 200 alerts/s with p99 < ${TARGET_P99_MS} ms: ${passes(pg1At200) ? 'yes' : 'no'}** (${pg1At200.label}: p99 ${ms(percentile(pg1At200.latencies, 99))} ms${pg1At200.undelivered ? `, ${pg1At200.undelivered} not notified` : ''}).`,
          '',
        ]
      : []),
    ...results.map((r) => `- ${SETUP_LABEL[r.setup]} at ${RATE} alerts/s for ${SECONDS} s: p99 ${ms(percentile(r.fixed.latencies, 99))} ms — ${passes(r.fixed) ? 'under' : 'NOT under'} ${TARGET_P99_MS} ms.`),
    '',
    '## Commands',
    '',
    '```sh',
    cmd,
    '```',
    '',
  ].join('\n');
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === HERE;
if (process.argv.includes('--serve')) await serveVigil();
else if (invokedDirectly) {
  const started = Date.now();
  const report = await main();
  const out = fileURLToPath(new URL('./results/notify-latency.md', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${report}\n`);
  process.stdout.write(`${report}\n(wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
