/**
 * Alert-to-first-notification latency: OpsGenie creates at a steady 200 alerts per second for 10 s; for each
 * alert, the time from sending the create to the fake Slack receiving the DM for the on-call person.
 *
 *   node --import tsx bench/notify-latency.ts [--rate=200] [--low-rate=50] [--seconds=10] [--users=400] [--postgres] [--profile=<file>]
 *
 * The target applies to --rate; --low-rate (0 to skip) is measured too, to show where the pipeline keeps up.
 * --postgres repeats both on PostgreSQL when reachable.
 *
 * Vigil runs in a child process (real clock, real engine, SQLite by default) with Slack pointed at the fake
 * Slack (test/fakes/slack.ts), which runs in this process with the load client. Set-up through the API:
 * USERS people, each with a Slack DM contact method and a high-urgency rule (delay 0), a one-person weekly
 * schedule, a policy whose step 1 is that schedule, and a service (storm threshold raised) with an OpsGenie
 * integration. Alerts go round-robin over the services, so each person's DM lane gets RATE/USERS messages per
 * second (0.5/s by default), under Vigil's pacing of about one message per 1.1 s per Slack lane: what is
 * measured is the pipeline (intake queue -> drain: alert, escalation, page, delivery -> outbox flush -> Slack), not the
 * pacing. A DM that bundles several alerts counts as the first notification of each. Writes
 * bench/results/notify-latency.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Session } from 'node:inspector';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeSlack } from '../test/fakes/slack.js';
import { createTestDatabaseUrl, postgresAvailable, type DialectName } from '../test/helpers/databases.js';

const arg = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const RATE = arg('rate', 200);
/** A lower rate also measured, for the capacity picture (0: none). */
const LOW_RATE = arg('low-rate', 50);
const SECONDS = arg('seconds', 10);
const USERS = arg('users', 400);
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

async function setup(baseUrl: string): Promise<string[]> {
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
  setupSeconds: number;
  drainSeconds: number;
}

async function runOnce(dialect: DialectName, rate: number): Promise<RunResult> {
  const slack = await startFakeSlack();
  const db = await createTestDatabaseUrl(dialect);
  const vigil = await startVigil({
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
    ...(PROFILE_OUT ? { BENCH_PROFILE_OUT: resolve(PROFILE_OUT) } : {}),
  });
  try {
    const t0 = Date.now();
    const keys = await setup(vigil.url);
    const setupSeconds = (Date.now() - t0) / 1000;
    // Let set-up jobs settle.
    await new Promise((r) => setTimeout(r, 1000));
    // Warm-up, not measured: one alert per person at the same rate, so the process is past its
    // start-up (JIT, first statements) and each person's Slack DM conversation is open, as in a
    // running installation. Then the lanes' pacing window passes before the measured run.
    const warmAgent = new Agent({ keepAlive: true, maxSockets: 64 });
    const warmStart = performance.now();
    await Promise.all(
      keys.map(async (key, i) => {
        await new Promise((r) => setTimeout(r, (i * 1000) / rate));
        await httpJson(warmAgent, `${vigil.url}/v2/alerts`, 'POST', { authorization: `GenieKey ${key}` }, { message: `Warm-up WU${i}X`, alias: `wu-${i}`, priority: 'P1' });
      }),
    );
    while (slack.allMessages().filter((m) => /WU\d+X/.test(String(m.text ?? ''))).length < keys.length && performance.now() - warmStart < 60_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    warmAgent.destroy();
    await new Promise((r) => setTimeout(r, 1500));
    slack.reset();
    if (PROFILE_OUT) vigil.child.kill('SIGUSR2');

    const total = rate * SECONDS;
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
          `${vigil.url}/v2/alerts`,
          'POST',
          { authorization: `GenieKey ${key}` },
          { message: `Notify bench NB${i}X checkout errors`, alias: `nb-${i}`, priority: 'P1' },
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
    const scan = () => {
      for (const m of slack.allMessages()) {
        for (const match of String(m.text ?? '').matchAll(/NB(\d+)X/g)) {
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
    const dms = slack.allMessages().filter((m) => /NB\d+X/.test(String(m.text ?? '')));
    return {
      rate,
      label: `${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${rate} alerts/s for ${SECONDS} s over ${USERS} people`,
      sent: total,
      worstBySecond,
      accepted,
      delivered: firstAt.size,
      undelivered: accepted - firstAt.size,
      latencies,
      intake,
      dms: dms.length,
      bundledDms: dms.filter((m) => (String(m.text).match(/NB\d+X/g) ?? []).length > 1).length,
      slackCalls: slack.calls.length,
      setupSeconds,
      drainSeconds,
    };
  } finally {
    await vigil.stop();
    await slack.close();
    await db.dispose();
  }
}

async function main(): Promise<string> {
  const loadBefore = loadavg()[0]!;
  const dialects: DialectName[] = process.argv.includes('--postgres') && (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
  const results: RunResult[] = [];
  for (const d of dialects) {
    results.push(await runOnce(d, RATE));
    if (LOW_RATE > 0 && LOW_RATE !== RATE) results.push(await runOnce(d, LOW_RATE));
  }
  const ms = (v: number) => (Number.isNaN(v) ? '—' : v.toFixed(0));
  const main = results[0]!;
  const p99 = percentile(main.latencies, 99);
  const low = results.find((r) => r.rate === LOW_RATE && r !== main);
  const met = main.undelivered === 0 && p99 < TARGET_P99_MS;
  return [
    '# Alert-to-first-notification latency benchmark',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${availableParallelism()} CPUs (nproc), ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `- Node ${process.version}; Vigil in a child process (real clock, engine running, concurrency 16), fake Slack and the load client in the bench process`,
    `- Load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${loadavg()[0]!.toFixed(2)} (the machine is shared)`,
    '- Command: `node --import tsx bench/notify-latency.ts`',
    '',
    '## Method',
    '',
    `${RATE} OpsGenie creates per second for ${SECONDS} s, open loop (create i is sent at start + i/${RATE} s whatever`,
    'happened to the earlier ones), priority P1 (high urgency), round-robin over one service per person. Each of the',
    `${USERS} people has a Slack DM contact method (their linked Slack id) and a high-urgency rule with delay 0, and is`,
    "the only participant of a weekly schedule that is step 1 of their service's escalation policy. The latency of an",
    'alert is the wall-clock time from sending its create to the fake Slack receiving the first `chat.postMessage`',
    'that names it. The path: intake queue commit -> intake drain transaction (alert, first escalation step, page,',
    'its delay-0 rule, delivery queued) -> outbox flush job -> Slack Web API. Before the measured run, a warm-up',
    'sends one alert per person at the same rate (not measured): the process is past start-up and every DM',
    'conversation is open, as in a running installation; the pacing window then passes. Vigil paces a Slack DM lane at about one message per 1.1 s and bundles what',
    `waits; with ${USERS} people each lane gets ${(RATE / USERS).toFixed(2)} alerts/s, so pacing does not add delay here, and a`,
    'bundled DM would count as the first notification of every alert in it.',
    '',
    '## Results',
    '',
    '| Setup | Sent | Accepted (202) | Notified | Not notified | p50 ms | p99 ms | max ms | Intake p50 / p99 ms | DMs (bundled) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.label} | ${r.sent} | ${r.accepted} | ${r.delivered} | ${r.undelivered} | ${ms(percentile(r.latencies, 50))} | ${ms(percentile(r.latencies, 99))} | ${ms(r.latencies.at(-1) ?? Number.NaN)} | ${ms(percentile(r.intake, 50))} / ${ms(percentile(r.intake, 99))} | ${r.dms} (${r.bundledDms}) |`,
    ),
    '',
    `**Target p99 < ${TARGET_P99_MS} ms at ${RATE} alerts/s: ${met ? 'met' : 'NOT met'}** (p99 ${ms(p99)} ms${main.undelivered ? `, ${main.undelivered} alerts not notified within ${DRAIN_TIMEOUT_MS / 1000} s of the last create` : ''}).` +
      (low ? ` At ${LOW_RATE} alerts/s: p99 ${ms(percentile(low.latencies, 99))} ms.` : ''),
    '',
    ...(results.some((r) => r.label.startsWith('PostgreSQL'))
      ? [
          'The target is for the embedded SQLite database. On PostgreSQL (the server on the same two cores as Vigil and',
          'the load client), one Vigil process applies fewer alerts per second than on SQLite: every statement is a round',
          'trip and a socket write (about 35 per alert: the alert, its escalation step, the page, the delivery and their',
          "timeline rows), and a CPU profile of Vigil at 200 alerts/s shows a third of its time in those writes. When the",
          'rate exceeds what it applies, alerts wait in the intake queue in order, none lost; the latency then grows',
          'through the run (see the worst latency per second below). Several Vigil processes share the work on',
          'PostgreSQL (the intake lanes and the engine spread over them).',
          '',
        ]
      : []),
    ...results.map(
      (r) =>
        `- ${r.label}: worst latency of the alerts sent in each second ${r.worstBySecond.map((x) => Math.round(x)).join(' / ')} ms; set-up ${r.setupSeconds.toFixed(1)} s; the last notification came ${r.drainSeconds.toFixed(1)} s after the last create was answered; ${r.slackCalls} Slack API calls.`,
    ),
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
