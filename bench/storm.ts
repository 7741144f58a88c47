/**
 * Alert storm: one service with the default storm threshold, one on-call person reached by Slack DM; 1,000
 * OpsGenie creates sent within one second (open loop) to that service. Measures the time from the first create
 * to the first DM, records every message the fake Slack receives for that person over the following minute
 * (expected: the first page(s), then one storm summary, never a message per alert), and checks through the API
 * that all the alerts were recorded.
 *
 *   node --import tsx bench/storm.ts [--alerts=1000] [--spread-ms=1000] [--observe=60] [--postgres]
 *     [--raise-intake-limit]
 *
 * Vigil runs in a child process (real clock, engine running) with its default intake rate limit (100/s per
 * integration, burst 1000) unless --raise-intake-limit; the fake Slack (test/fakes/slack.ts) and the load client
 * run in this process. --postgres runs on PostgreSQL too, when reachable. Writes bench/results/storm.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeSlack } from '../test/fakes/slack.js';
import { createTestDatabaseUrl, postgresAvailable, type DialectName } from '../test/helpers/databases.js';

const arg = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const ALERTS = arg('alerts', 1000);
const SPREAD_MS = arg('spread-ms', 1000);
const OBSERVE_S = arg('observe', 60);
const RAISE_LIMIT = process.argv.includes('--raise-intake-limit');
const TOKEN = 'vgl_bench_bootstrap_token_0123456789';
const SLACK_ID = 'U0STORM001';
const HERE = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function serveVigil(): Promise<void> {
  const { loadConfig } = await import('../src/config/config.js');
  const { createVigil } = await import('../src/app/vigil.js');
  const vigil = await createVigil({ config: loadConfig({ env: process.env }), logger: false });
  const { url } = await vigil.start();
  process.stdout.write(`LISTENING ${url.replace('[::1]', '127.0.0.1')}\n`);
  process.on('SIGTERM', () => void vigil.stop().then(() => process.exit(0)));
}

async function startVigil(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HERE, '--serve'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
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

function httpJson(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; json: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((ok, fail) => {
    const req = request(
      url,
      { method, agent, headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}) } },
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function intakeWaiting(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const m = /^vigil_intake_queue\{measure="waiting"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

interface StormResult {
  dialect: DialectName;
  sent: number;
  accepted: number;
  refused: Record<string, number>;
  sendSeconds: number;
  firstDmMs: number | undefined;
  messages: Array<{ afterMs: number; text: string }>;
  recorded: number;
  stormFlagged: number;
  stormPaged: number;
  stormThreshold: number;
}

async function runOnce(dialect: DialectName): Promise<StormResult> {
  const slack = await startFakeSlack();
  const db = await createTestDatabaseUrl(dialect);
  const vigil = await startVigil({
    VIGIL_DATABASE_URL: db.url,
    PORT: '0',
    VIGIL_HOST: '127.0.0.1',
    VIGIL_BOOTSTRAP_TOKEN: TOKEN,
    VIGIL_LOG_LEVEL: 'silent',
    VIGIL_SLACK_BOT_TOKEN: 'xoxb-bench-token',
    VIGIL_SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
    VIGIL_SLACK_API_URL: slack.url,
    ...(RAISE_LIMIT ? { VIGIL_INTAKE_RATE_PER_SECOND: '1000000', VIGIL_INTAKE_BURST: '10000000' } : {}),
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await httpJson(agent, `${vigil.url}${path}`, method, { authorization: `Bearer ${TOKEN}` }, body);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json;
    };
    const user = await api('POST', '/api/v1/users', { name: 'Storm on-call', email: 'storm@example.com', role: 'responder', slackUserId: SLACK_ID, timeZone: 'UTC' });
    const dm = await api('POST', `/api/v1/users/${user.id}/contact-methods`, { type: 'slack_dm', address: SLACK_ID });
    await api('POST', `/api/v1/users/${user.id}/notification-rules`, { urgency: 'high', contactMethodId: dm.id, delayMinutes: 0 });
    await api('POST', '/api/v1/teams', { name: 'Storm', slug: 'storm', memberIds: [user.id] });
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await api('POST', '/api/v1/schedules', {
      name: 'Storm schedule',
      slug: 'storm-s',
      teamId: 'storm',
      timeZone: 'UTC',
      layers: [{ name: 'Weekly', participants: [user.id], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: day }],
    });
    await api('POST', '/api/v1/escalation-policies', { name: 'Storm policy', slug: 'storm-p', teamId: 'storm', repeat: 0, steps: [{ delayMinutes: 30, targets: [{ type: 'schedule', id: 'storm-s' }] }] });
    // Default storm threshold: not given.
    const service = await api('POST', '/api/v1/services', { name: 'Checkout', slug: 'checkout', teamId: 'storm', escalationPolicyId: 'storm-p' });
    const integ = await api('POST', '/api/v1/services/checkout/integrations', { name: 'Prometheus', type: 'opsgenie' });
    await sleep(1000);
    slack.reset();

    // Open loop: create i is sent at start + i * SPREAD_MS / ALERTS.
    const refused: Record<string, number> = {};
    let accepted = 0;
    const inFlight: Array<Promise<void>> = [];
    const start = performance.now();
    const firstCreateAt = Date.now();
    for (let i = 0; i < ALERTS; i++) {
      const wait = start + (i * SPREAD_MS) / ALERTS - performance.now();
      if (wait > 1) await sleep(wait);
      inFlight.push(
        httpJson(agent, `${vigil.url}/v2/alerts`, 'POST', { authorization: `GenieKey ${integ.key}` }, { message: `Checkout errors on pod ${i}`, alias: `storm-${i}`, priority: 'P1' }).then(
          (res) => {
            if (res.status === 202) accepted++;
            else refused[String(res.status)] = (refused[String(res.status)] ?? 0) + 1;
          },
          () => {
            refused.error = (refused.error ?? 0) + 1;
          },
        ),
      );
    }
    await Promise.all(inFlight);
    const sendSeconds = (performance.now() - start) / 1000;

    const mine = () => {
      const channels = new Set([SLACK_ID, slack.dmChannelOf(SLACK_ID)].filter(Boolean));
      return slack.allMessages().filter((m) => channels.has(m.channel));
    };
    const observeUntil = firstCreateAt + OBSERVE_S * 1000;
    while (Date.now() < observeUntil) await sleep(200);
    const messages = mine().map((m) => ({ afterMs: m.at - firstCreateAt, text: String(m.text ?? '') }));

    // Every alert recorded: the intake queue is empty, and the service lists them.
    const deadline = Date.now() + 120_000;
    while ((await intakeWaiting(vigil.url)) > 0 && Date.now() < deadline) await sleep(100);
    let recorded = 0;
    let stormFlagged = 0;
    for (let offset = 0; ; offset += 500) {
      const page = await api('GET', `/api/v1/alerts?service=checkout&limit=500&offset=${offset}`);
      recorded = page.total;
      stormFlagged += (page.data as Array<{ storm: boolean }>).filter((a) => a.storm).length;
      if (page.data.length < 500) break;
    }
    const timeline = await api('GET', '/api/v1/services/checkout/timeline');
    const stormPaged = (timeline.data as Array<{ type: string }>).filter((e) => e.type === 'alert.storm_paged').length;
    return {
      dialect,
      sent: ALERTS,
      accepted,
      refused,
      sendSeconds,
      firstDmMs: messages.length ? Math.min(...messages.map((m) => m.afterMs)) : undefined,
      messages,
      recorded,
      stormFlagged,
      stormPaged,
      stormThreshold: service.stormThreshold,
    };
  } finally {
    agent.destroy();
    await vigil.stop();
    await slack.close();
    await db.dispose();
  }
}

/** When the storm summary reached the person (it is scheduled 30 s after the storm begins). */
function summaryAt(r: StormResult): string {
  const m = r.messages.find((x) => x.text.startsWith('Alert storm'));
  return m ? `${(m.afterMs / 1000).toFixed(1)} s after the first create` : `none within ${OBSERVE_S} s (it is scheduled 30 s after the storm begins; a longer --observe sees it)`;
}

async function main(): Promise<string> {
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' / ');
  const dialects: DialectName[] = process.argv.includes('--postgres') && (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
  const results: StormResult[] = [];
  for (const d of dialects) results.push(await runOnce(d));
  const loadAfter = loadavg().map((x) => x.toFixed(2)).join(' / ');
  const name = (d: DialectName) => (d === 'sqlite' ? 'SQLite' : 'PostgreSQL');
  const cmd = `node --import tsx bench/storm.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  const oneLine = (t: string) => t.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 110);
  return [
    '# Alert storm benchmark',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${availableParallelism()} CPUs (nproc), ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}`,
    `- Load average (1 / 5 / 15 min) before: ${loadBefore}; after: ${loadAfter}${Number(loadBefore.split(' ')[0]) > 0.5 * availableParallelism() ? ' — **a figure from a loaded machine**' : ''}`,
    `- Command: \`${cmd}\``,
    '',
    '## Method',
    '',
    `One service (default storm threshold), one person on call (a one-person weekly schedule, step 1 of the service's policy;`,
    'a Slack DM contact method and a high-urgency rule with delay 0). Vigil in a child process (real clock, engine running,',
    `intake rate limit ${RAISE_LIMIT ? 'raised' : 'at its default: 100/s per integration, burst 1000'}); the fake Slack (test/fakes/slack.ts) and the client in the bench process.`,
    `${ALERTS} OpsGenie creates (P1, distinct aliases) are sent open loop over ${SPREAD_MS} ms to that service. Every`,
    `\`chat.postMessage\` the fake Slack receives in the person's DM within ${OBSERVE_S} s of the first create is listed. Then, once`,
    '`vigil_intake_queue{measure="waiting"}` is 0, the alerts are counted through `GET /api/v1/alerts?service=checkout`, and',
    "the storm pages through the service's timeline (`alert.storm_paged`).",
    '',
    '## Results',
    '',
    '| Database | Sent | Accepted (202) | Refused | Sent in s | First create → first DM | Messages to the person | Alerts recorded | Marked storm | Storm summaries |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${name(r.dialect)} | ${r.sent} | ${r.accepted} | ${Object.entries(r.refused).map(([k, v]) => `${v}×${k}`).join(', ') || 0} | ${r.sendSeconds.toFixed(2)} | ${r.firstDmMs === undefined ? 'none' : `${r.firstDmMs} ms`} | ${r.messages.length} | ${r.recorded} | ${r.stormFlagged} | ${r.stormPaged} |`,
    ),
    '',
    ...results.flatMap((r) => [
      `### ${name(r.dialect)}: every message to the person (storm threshold ${r.stormThreshold})`,
      '',
      `**All ${r.sent} alerts recorded: ${r.recorded === r.sent ? 'yes' : `NO (${r.recorded})`}; messages to the person within ${OBSERVE_S} s: ${r.messages.length} (${r.messages.length < r.sent / 10 ? 'not one per alert' : 'about one per alert'}); storm summary DM: ${summaryAt(r)}.**`,
      '',
      '| After the first create | Text (first 110 characters) |',
      '| ---: | --- |',
      ...r.messages.map((m) => `| ${(m.afterMs / 1000).toFixed(2)} s | ${oneLine(m.text)} |`),
      '',
    ]),
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
  const out = fileURLToPath(new URL('./results/storm.md', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${report}\n`);
  process.stdout.write(`${report}\n(wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
