/**
 * Outbox throughput: messages per second from `queueMessage` (a row in `deliveries` plus a flush job, written
 * in a transaction as every notification is) to the fake Slack (test/fakes/slack.ts) and the SMTP sink
 * (test/fakes/smtp.ts), through the real engine and the real channel adapters.
 *
 *   node --import tsx bench/outbox.ts [--sqlite-only]
 *
 * Cases:
 *   - Slack, many channels: one message per channel, so the per-lane pacing (one post per 1.1 s per Slack
 *     channel) is not the limit;
 *   - Slack, one channel: every message in one lane: the outbox bundles what waits (up to 40 per post, one post
 *     per 1.1 s) instead of trickling or dropping;
 *   - email, many recipients (one lane each), and one recipient (one lane: sent one after another).
 * Each case is also sent straight through the same channel adapter (SlackChannel.send / EmailChannel.send, 16 at
 * a time, or 1 for the one-lane email case; no database), measured in the same run: the ratio outbox / direct is
 * the outbox's overhead.
 * Vigil runs in-process (real clock, engine concurrency 16) with the fakes, on SQLite and, when reachable,
 * PostgreSQL. Writes bench/results/outbox.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMessaging } from '../src/app/modules/notifications.js';
import { createVigil, type Vigil } from '../src/app/vigil.js';
import { loadConfig, type VigilConfig } from '../src/config/config.js';
import type { ChannelType, OutboundMessage } from '../src/core/notifications/channels.js';
import { queueMessage } from '../src/core/notifications/outbox.js';
import { newId } from '../src/core/shared/ids.js';
import { startFakeSlack, type FakeSlack } from '../test/fakes/slack.js';
import { startSmtpSink, type SmtpSink } from '../test/fakes/smtp.js';
import { createTestDatabaseUrl, PG_ADMIN_URL, postgresAvailable, type DialectName } from '../test/helpers/databases.js';

const SLACK_MANY = 1000;
const SLACK_ONE = 200;
const EMAIL_MANY = 500;
const EMAIL_ONE = 50;
const DIRECT_CONCURRENCY = 16;
const QUEUE_BATCH = 100;
const TIMEOUT_MS = 30_000;
const TOKEN = 'vgl_bench_bootstrap_token_0123456789';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface CaseResult {
  name: string;
  messages: number;
  delivered: number;
  seconds: number;
  perSecond: number;
  /** Provider calls (Slack posts, emails). */
  posts: number;
  /** queue -> received, per message (ms). */
  p50: number;
  p99: number;
  directPerSecond?: number;
}

interface Spec {
  name: string;
  channel: ChannelType;
  count: number;
  address: (i: number) => string;
  /** One lane: the outbox sends one message at a time, so the direct sends go one at a time too. */
  oneLane?: boolean;
}

const token = (tag: string, i: number) => `OB${tag}${i}X`;

/** The tokens of one case the fakes received, with the first arrival of each; scans only what is new. */
class Arrivals {
  readonly firstAt = new Map<number, number>();
  posts = 0;
  private slackSeen = 0;
  private mailSeen = 0;
  private readonly re: RegExp;
  constructor(
    tag: string,
    private readonly slack: FakeSlack,
    private readonly smtp: SmtpSink,
  ) {
    this.re = new RegExp(`OB${tag}(\\d+)X`, 'g');
  }
  private scan(text: string, at: number): void {
    let hit = false;
    for (const m of text.matchAll(this.re)) {
      hit = true;
      const i = Number(m[1]);
      if (!this.firstAt.has(i) || this.firstAt.get(i)! > at) this.firstAt.set(i, at);
    }
    if (hit) this.posts++;
  }
  update(): this {
    const messages = this.slack.allMessages();
    for (; this.slackSeen < messages.length; this.slackSeen++) {
      const m = messages[this.slackSeen]!;
      // The fallback `text` is cut at Slack's limit; a bundle's full list is in the blocks.
      this.scan(`${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`, m.at);
    }
    for (; this.mailSeen < this.smtp.messages.length; this.mailSeen++) {
      const mail = this.smtp.messages[this.mailSeen]!;
      this.scan(mail.subject, mail.at);
    }
    return this;
  }
}

async function throughOutbox(vigil: Vigil, slack: FakeSlack, smtp: SmtpSink, spec: Spec, tag: string): Promise<CaseResult> {
  const queuedAt = new Array<number>(spec.count);
  const seen = new Arrivals(tag, slack, smtp);
  const t0 = Date.now();
  for (let b = 0; b < spec.count; b += QUEUE_BATCH) {
    await vigil.core.uow.run(async (r) => {
      for (let i = b; i < Math.min(spec.count, b + QUEUE_BATCH); i++) {
        const now = Date.now();
        queuedAt[i] = now;
        await queueMessage(r, now, {
          channel: spec.channel,
          address: spec.address(i),
          subject: `Bench notification ${token(tag, i)}`,
          body: `Checkout error rate above 5% (${token(tag, i)})`,
          entityType: 'bench',
          entityId: newId(now),
        });
      }
    });
  }
  seen.update();
  const deadline = Date.now() + TIMEOUT_MS;
  while (seen.firstAt.size < spec.count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    seen.update();
  }
  const last = Math.max(...seen.firstAt.values());
  const seconds = (last - t0) / 1000;
  const lat = [...seen.firstAt].map(([i, at]) => at - queuedAt[i]!).sort((a, b) => a - b);
  return {
    name: spec.name,
    messages: spec.count,
    delivered: seen.firstAt.size,
    seconds,
    perSecond: seen.firstAt.size / seconds,
    posts: seen.posts,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
  };
}

/** The same messages straight through the channel adapter, `concurrency` at a time (no database, no pacing). */
async function direct(config: VigilConfig, spec: Spec, tag: string, concurrency: number): Promise<number> {
  const { channels } = buildMessaging(config);
  const channel = channels[spec.channel]!;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < spec.count) {
        const i = next++;
        const message: OutboundMessage = {
          id: newId(),
          channel: spec.channel,
          to: spec.address(i),
          subject: `Bench notification ${token(tag, i)}`,
          text: `Checkout error rate above 5% (${token(tag, i)})`,
        };
        await channel.send(message);
      }
    }),
  );
  return spec.count / ((performance.now() - t0) / 1000);
}

async function runOnce(dialect: DialectName): Promise<CaseResult[]> {
  const slack = await startFakeSlack();
  const smtp = await startSmtpSink();
  const db = await createTestDatabaseUrl(dialect);
  const config = loadConfig({
    env: {},
    overrides: {
      databaseUrl: db.url,
      port: 0,
      host: '127.0.0.1',
      bootstrapToken: TOKEN,
      logLevel: 'silent',
      slack: { botToken: 'xoxb-bench-token', signingSecret: 'bench-signing-secret-0123456789', apiUrl: slack.url },
      email: { smtpUrl: `smtp://${smtp.host}:${smtp.port}?ignoreTLS=true`, from: 'Vigil <vigil@example.com>' },
    },
  });
  const vigil = await createVigil({ config, logger: false, passwordCost: 1 << 10 });
  const specs: Spec[] = [
    {
      name: `Slack, ${SLACK_MANY} messages to ${SLACK_MANY} channels`,
      channel: 'slack_channel',
      count: SLACK_MANY,
      address: (i) => `C0B${String(i).padStart(6, '0')}`,
    },
    { name: `Slack, ${SLACK_ONE} messages to one channel (bundled)`, channel: 'slack_channel', count: SLACK_ONE, address: () => 'C0BONE0001' },
    { name: `Email, ${EMAIL_MANY} messages to ${EMAIL_MANY} recipients`, channel: 'email', count: EMAIL_MANY, address: (i) => `person${i}@example.com` },
    { name: `Email, ${EMAIL_ONE} messages to one recipient`, channel: 'email', count: EMAIL_ONE, address: () => 'oncall@example.com', oneLane: true },
  ];
  const out: CaseResult[] = [];
  try {
    await vigil.start();
    for (const [n, spec] of specs.entries()) {
      const res = await throughOutbox(vigil, slack, smtp, spec, `${n}o`);
      // Bundling is the point of the one-channel case: a direct send has nothing to compare with.
      if (!(spec.channel === 'slack_channel' && spec.count === SLACK_ONE))
        res.directPerSecond = await direct(config, spec, `${n}d`, spec.oneLane ? 1 : DIRECT_CONCURRENCY);
      out.push(res);
      slack.reset();
      smtp.reset();
    }
  } finally {
    await vigil.stop();
    await Promise.all([slack.close(), smtp.close()]);
    await db.dispose();
  }
  return out.map((r) => ({ ...r, name: `${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: ${r.name}` }));
}

async function main(): Promise<string> {
  const loadBefore = loadavg()[0]!;
  const rows = await runOnce('sqlite');
  const pg = !process.argv.includes('--sqlite-only') && (await postgresAvailable());
  if (pg) rows.push(...(await runOnce('postgres')));
  const f = (x: number, d = 0) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));
  return [
    '# Outbox throughput benchmark',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${availableParallelism()} CPUs (nproc), ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `- Node ${process.version}; Vigil in-process (real clock, engine concurrency 16), fake Slack and SMTP sink (smtp-server + mailparser) in the same process; SQLite (WAL, tmp)${pg ? ` and PostgreSQL at ${PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//')}` : '; PostgreSQL not reachable or skipped'}`,
    `- Load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${loadavg()[0]!.toFixed(2)} (the machine is shared)`,
    '- Command: `node --import tsx bench/outbox.ts`',
    '',
    `Messages are queued with \`queueMessage\` in transactions of ${QUEUE_BATCH} (as the domain code queues them) and counted`,
    'when the fake receives them. Msg/s = messages delivered ÷ (last arrival − first queue). Latency = arrival − queue,',
    `per message. Direct = the same messages through the same channel adapter without the outbox, ${DIRECT_CONCURRENCY} at a time`,
    '(one at a time for the one-recipient case, as its lane sends them).',
    '',
    '| Case | Messages | Delivered | Provider calls | Seconds | Msg/s | p50 ms | p99 ms | Direct msg/s | Outbox / direct |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.messages} | ${r.delivered} | ${r.posts} | ${f(r.seconds, 1)} | ${f(r.perSecond)} | ${f(r.p50)} | ${f(r.p99)} | ${r.directPerSecond ? f(r.directPerSecond) : '—'} | ${r.directPerSecond ? (r.perSecond / r.directPerSecond).toFixed(2) : '—'} |`,
    ),
    '',
    'One Slack channel: Vigil keeps one post per 1.1 s in a lane (Slack allows about one message per second per',
    'channel) and bundles up to 40 waiting messages into each post, so "Provider calls" is far below "Messages".',
    'One email recipient: email has no pacing or bundling, but a lane sends one message at a time.',
    '',
  ].join('\n');
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const started = Date.now();
  const report = await main();
  const out = fileURLToPath(new URL('./results/outbox.md', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${report}\n`);
  process.stdout.write(`${report}\n(wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
