/**
 * Delivery under faults: pages keep arriving while Slack or the SMTP server fails, and while the process
 * sending a DM is killed or stalled. Counts pages sent, delivered, lost and duplicated, and how long after
 * recovery what waited arrived.
 *
 *   node --import tsx bench/delivery-faults.ts [--fault-seconds 60] [--sqlite-only]
 *
 * Part 1, outages (Vigil in-process, real clock, PostgreSQL when reachable, else SQLite): 10 people paged
 * by Slack DM, 10 by email, one page a second to one of them. Each fault lasts `--fault-seconds`:
 *   - Slack answering HTTP 429 with Retry-After: 5 to every chat.postMessage;
 *   - Slack answering HTTP 500;
 *   - the SMTP server refusing connections (421 at the greeting).
 * A page counts as delivered when the fake received a message carrying its delivery id (Slack: message
 * metadata; email: its Message-ID), duplicated when more than one message carried it, lost when nothing
 * did within 120 s of recovery. Time after recovery: arrival minus the end of the fault, for pages that
 * were created during the fault.
 *
 * Part 2, node failures (PostgreSQL only): three `vigil server` processes on one database, engine lease
 * 3 s; the fake Slack holds chat.postMessage open after posting. The process sending the DM is SIGKILLed
 * (5 rounds) or SIGSTOPped for twice the lease (3 rounds); takeover = kill/stop until another process has
 * recorded the DM as sent (it finds it in the DM's history before sending again).
 *
 * Writes bench/results/delivery-faults.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMessaging } from '../src/app/modules/notifications.js';
import { createVigil, type Vigil } from '../src/app/vigil.js';
import type { EmailChannel } from '../src/integrations/outbound/email/smtp.js';
import { loadConfig } from '../src/config/config.js';
import { createPage } from '../src/core/notifications/pages.js';
import { newId } from '../src/core/shared/ids.js';
import { SYSTEM_ACTOR } from '../src/core/shared/ports.js';
import { buildUser, insertUser } from '../src/core/users/users.js';
import { openDatabase, type Database } from '../src/storage/database.js';
import { startFakeSlack, type FakeSlack } from '../test/fakes/slack.js';
import { startSmtpSink, type SmtpSink } from '../test/fakes/smtp.js';
import { httpRequest, sleep, VigilProcess } from '../test/crash/vigil-process.js';
import { freePort } from '../test/realclient/alertmanager-process.js';
import { createTestDatabaseUrl, PG_ADMIN_URL, postgresAvailable, type DialectName } from '../test/helpers/databases.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const FAULT_MS = arg('--fault-seconds', 60) * 1000;
const PEOPLE = 10;
const RECOVERY_WAIT_MS = 120_000;
const TOKEN = 'vgl_bench_bootstrap_token_0123456789';
const LEASE_MS = 3000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Row {
  name: string;
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  providerMessages: number;
  /** ms after recovery, for pages created during the fault. */
  p50: number;
  p99: number;
  failedWhileLive: number;
}

/** Delivery id -> arrival times (wall clock) at the fakes. */
function arrivals(slack: FakeSlack, smtp: SmtpSink, emailIds: Map<string, string>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const add = (id: string, at: number) => out.set(id, [...(out.get(id) ?? []), at]);
  for (const m of slack.allMessages()) {
    if (m.metadata?.event_type !== 'vigil_delivery') continue;
    for (const id of String(m.metadata.event_payload.delivery_ids).split(',')) add(id, m.at);
  }
  for (const mail of smtp.messages) {
    const id = mail.messageId ? emailIds.get(mail.messageId) : undefined;
    if (id) add(id, mail.at);
  }
  return out;
}

async function outages(dialect: DialectName): Promise<Row[]> {
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
  const vigil: Vigil = await createVigil({ config, logger: false, passwordCost: 1 << 10 });
  await vigil.start();
  const rows: Row[] = [];
  try {
    const slackPeople: string[] = [];
    const emailPeople: string[] = [];
    await vigil.core.uow.run(async (r) => {
      const now = Date.now();
      for (let i = 0; i < 2 * PEOPLE; i++) {
        const byEmail = i >= PEOPLE;
        const user = buildUser({ name: `Bench ${i}`, email: `bench${i}@example.com`, role: 'responder' }, now);
        await insertUser(r, SYSTEM_ACTOR, user, null);
        const contactId = newId(now);
        await r.notifications.insertContact({
          id: contactId,
          userId: user.id,
          type: byEmail ? 'email' : 'slack_dm',
          address: byEmail ? user.email : `U0BENCH${String(i).padStart(3, '0')}`,
          label: byEmail ? 'Email' : 'Slack',
          verifiedAt: now,
          disabled: false,
          createdAt: now,
          updatedAt: now,
        });
        await r.notifications.insertRule({ id: newId(now), userId: user.id, urgency: 'high', contactMethodId: contactId, delayMinutes: 0, createdAt: now });
        (byEmail ? emailPeople : slackPeople).push(user.id);
      }
    });
    // The Message-ID the email channel gives a delivery (stable per delivery).
    const email = buildMessaging(config).channels.email as EmailChannel | undefined;

    const faults: Array<{ name: string; people: string[]; on(): void; off(): void }> = [
      { name: 'Slack HTTP 429 (Retry-After: 5)', people: slackPeople, on: () => slack.failNext('chat.postMessage', { status: 429, retryAfter: 5 }, Number.POSITIVE_INFINITY), off: () => slack.clearFailures() },
      { name: 'Slack HTTP 500', people: slackPeople, on: () => slack.failNext('chat.postMessage', { status: 500 }, Number.POSITIVE_INFINITY), off: () => slack.clearFailures() },
      { name: 'SMTP refusing connections', people: emailPeople, on: () => smtp.refuseConnections(true), off: () => smtp.refuseConnections(false) },
    ];
    for (const fault of faults) {
      slack.reset();
      smtp.reset();
      const pages: Array<{ pageId: string; createdAt: number }> = [];
      const pageOnce = async (i: number) => {
        const now = Date.now();
        const page = await vigil.core.uow.run((r) =>
          createPage(r, now, { userId: fault.people[i % fault.people.length]!, urgency: 'high', subject: `Bench page ${i}`, text: 'Checkout error rate above 5%', sourceType: 'bench', publicUrl: 'http://vigil.example' }),
        );
        pages.push({ pageId: page.id, createdAt: now });
      };
      let i = 0;
      // 5 s healthy, the fault, then pages keep coming for 10 s after recovery.
      const t0 = Date.now();
      let faultOn = false;
      let recoveredAt = 0;
      while (Date.now() - t0 < 5000 + FAULT_MS + 10_000) {
        const t = Date.now() - t0;
        if (!faultOn && t >= 5000 && recoveredAt === 0) {
          fault.on();
          faultOn = true;
        }
        if (faultOn && t >= 5000 + FAULT_MS) {
          fault.off();
          faultOn = false;
          recoveredAt = Date.now();
        }
        await pageOnce(i++);
        await sleep(Math.max(0, t0 + i * 1000 - Date.now()));
      }
      const faultStart = t0 + 5000;
      const ids = async () => {
        const list = await vigil.database.db.selectFrom('deliveries').select(['id', 'page_id', 'status']).where('page_id', 'in', pages.map((p) => p.pageId)).execute();
        return list;
      };
      let deliveries = await ids();
      const emailIds = new Map(deliveries.map((d) => [email?.messageIdFor(d.id) ?? d.id, d.id]));
      const deadline = recoveredAt + RECOVERY_WAIT_MS;
      for (;;) {
        deliveries = await ids();
        const got = arrivals(slack, smtp, emailIds);
        if (deliveries.every((d) => got.has(d.id)) || Date.now() > deadline) break;
        await sleep(200);
      }
      await sleep(2000);
      deliveries = await ids();
      const got = arrivals(slack, smtp, emailIds);
      const created = new Map(pages.map((p) => [p.pageId, p.createdAt]));
      const waited = deliveries
        .filter((d) => {
          const c = created.get(d.page_id!)!;
          return c >= faultStart && c < recoveredAt && got.has(d.id);
        })
        .map((d) => Math.min(...got.get(d.id)!) - recoveredAt)
        .sort((a, b) => a - b);
      rows.push({
        name: `${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: ${fault.name} for ${FAULT_MS / 1000} s`,
        sent: pages.length,
        delivered: deliveries.filter((d) => got.has(d.id)).length,
        lost: pages.length - deliveries.filter((d) => got.has(d.id)).length,
        duplicated: deliveries.filter((d) => (got.get(d.id)?.length ?? 0) > 1).length,
        providerMessages: fault.people === slackPeople ? slack.allMessages().length : smtp.messages.length,
        p50: percentile(waited, 50),
        p99: percentile(waited, 99),
        failedWhileLive: deliveries.filter((d) => d.status === 'failed').length,
      });
      // Acknowledge everything before the next fault.
      await vigil.database.db.updateTable('pages').set({ status: 'acknowledged' }).where('id', 'in', pages.map((p) => p.pageId)).execute();
    }
  } finally {
    await vigil.stop();
    await Promise.all([slack.close(), smtp.close()]);
    await db.dispose();
  }
  return rows;
}

interface NodeRow {
  name: string;
  rounds: number;
  delivered: number;
  duplicated: number;
  takeoverMs: number[];
}

async function nodeFailures(): Promise<NodeRow[]> {
  const SLACK_USER = 'U0BENCHNODE';
  const slack = await startFakeSlack({ users: [{ id: SLACK_USER, name: 'bench' }] });
  const url = await createTestDatabaseUrl('postgres');
  const nodes: VigilProcess[] = [];
  let db: Database | undefined;
  const rows: NodeRow[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const node = new VigilProcess({
        databaseUrl: url.url,
        port: await freePort(),
        bootstrapToken: TOKEN,
        env: { VIGIL_SLACK_BOT_TOKEN: 'xoxb-bench-token', VIGIL_SLACK_SIGNING_SECRET: 'bench-signing-secret', VIGIL_SLACK_API_URL: slack.url, VIGIL_ENGINE_LEASE_MS: String(LEASE_MS) },
      });
      await node.start(60_000);
      nodes.push(node);
    }
    db = await openDatabase(url.url);
    const agent = new Agent({ keepAlive: false });
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await httpRequest(agent, `${nodes[0]!.baseUrl}${path}`, method, { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body === undefined ? undefined : JSON.stringify(body));
      return { status: res.status, body: res.body ? JSON.parse(res.body) : undefined };
    };
    const me = await api('GET', '/api/v1/me');
    await api('PATCH', `/api/v1/users/${me.body.user.id}`, { slackUserId: SLACK_USER });
    const dm = await api('POST', '/api/v1/users/me/contact-methods', { type: 'slack_dm', address: SLACK_USER });
    await api('POST', '/api/v1/users/me/notification-rules', { urgency: 'high', contactMethodId: dm.body.id, delayMinutes: 0 });

    const sender = async (): Promise<VigilProcess> => {
      for (;;) {
        const running = await db!.db.selectFrom('jobs').select('lease_owner').where('kind', '=', 'delivery.flush').where('status', '=', 'running').execute();
        for (const r of running) {
          const node = nodes.find((n) => n.pid === Number(/-(\d+)-[0-9a-f]+$/.exec(r.lease_owner ?? '')?.[1]));
          if (node) return node;
        }
        await sleep(10);
      }
    };
    const sentWithin = async (pageId: string, timeoutMs: number): Promise<boolean> => {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const d = await db!.db.selectFrom('deliveries').select('status').where('page_id', '=', pageId).executeTakeFirst();
        if (d?.status === 'sent') return true;
        await sleep(10);
      }
      return false;
    };
    for (const mode of ['SIGKILL', 'SIGSTOP'] as const) {
      const rounds = mode === 'SIGKILL' ? 5 : 3;
      const row: NodeRow = { name: mode === 'SIGKILL' ? 'kill -9 of the sending process' : 'SIGSTOP of the sending process for 2 × lease', rounds, delivered: 0, duplicated: 0, takeoverMs: [] };
      const before = slack.allMessages().length;
      const pageIds: string[] = [];
      for (let round = 0; round < rounds; round++) {
        slack.holdNext('chat.postMessage');
        const page = await api('POST', '/api/v1/pages/test');
        pageIds.push(page.body.id);
        await slack.waitFor(() => slack.heldCount() === 1, 30_000);
        const victim = await sender();
        const at = Date.now();
        if (mode === 'SIGKILL') await victim.kill();
        else victim.signal('SIGSTOP');
        if (await sentWithin(page.body.id, 60_000)) row.takeoverMs.push(Date.now() - at);
        if (mode === 'SIGSTOP') {
          await sleep(Math.max(0, at + 2 * LEASE_MS - Date.now()));
          slack.releaseHeld();
          victim.signal('SIGCONT');
          await sleep(LEASE_MS);
        } else {
          await victim.start(60_000);
        }
      }
      await sleep(2000);
      const ids = await db.db.selectFrom('deliveries').select('id').where('page_id', 'in', pageIds).execute();
      const carried = slack
        .allMessages()
        .slice(before)
        .filter((m) => m.metadata?.event_type === 'vigil_delivery')
        .flatMap((m) => String(m.metadata!.event_payload.delivery_ids).split(','));
      row.delivered = ids.filter((d) => carried.includes(d.id)).length;
      row.duplicated = ids.filter((d) => carried.filter((c) => c === d.id).length > 1).length;
      rows.push(row);
    }
  } finally {
    for (const n of nodes) {
      n.signal('SIGCONT');
      await n.stop();
    }
    await db?.close();
    await slack.close();
    await url.dispose();
  }
  return rows;
}

async function main(): Promise<string> {
  const loadBefore = loadavg()[0]!;
  const pg = !process.argv.includes('--sqlite-only') && (await postgresAvailable());
  const rows = await outages(pg ? 'postgres' : 'sqlite');
  const nodeRows = pg ? await nodeFailures() : [];
  const f = (x: number, d = 0) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  return [
    '# Delivery under faults',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${availableParallelism()} CPUs (nproc), ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `- The machine is shared with other builds and test runs (load average, 1 min, before / after: ${loadBefore.toFixed(2)} / ${loadavg()[0]!.toFixed(2)}): times are indicative.`,
    `- Node ${process.version}; fake Slack and SMTP sink on loopback; ${pg ? `PostgreSQL at ${PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//')}` : 'SQLite (PostgreSQL not reachable or skipped)'}`,
    `- Command: \`node --import tsx bench/delivery-faults.ts --fault-seconds ${FAULT_MS / 1000}\``,
    '',
    '## Outages',
    '',
    `${PEOPLE} people paged by Slack DM and ${PEOPLE} by email, one page a second, 5 s healthy, the fault for ${FAULT_MS / 1000} s, then 10 s`,
    'more pages. After recovery = first arrival − end of the fault, for pages created during the fault.',
    '',
    '| Fault | Pages sent | Delivered | Lost | Duplicated | Messages at the provider | Failed while live | After recovery p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.name} | ${r.sent} | ${r.delivered} | ${r.lost} | ${r.duplicated} | ${r.providerMessages} | ${r.failedWhileLive} | ${f(r.p50)} | ${f(r.p99)} |`),
    '',
    'What waited in a Slack DM goes out bundled (one message per person), so the Slack rows have far fewer messages',
    'than pages. Email is not bundled: each page is one email with its own stable Message-ID.',
    '',
    ...(nodeRows.length
      ? [
          '## Node failures',
          '',
          `Three \`vigil server\` processes on one PostgreSQL database, engine lease ${LEASE_MS / 1000} s (\`VIGIL_ENGINE_LEASE_MS\`); the fake Slack`,
          'posts the DM and holds the answer open. Takeover = kill / stop until another process recorded the DM as sent,',
          'after finding it in the DM history (message metadata): target lease + 5 s.',
          '',
          '| Failure | Rounds | Delivered | Duplicated | Takeover p50 ms | max ms |',
          '| --- | ---: | ---: | ---: | ---: | ---: |',
          ...nodeRows.map((r) => `| ${r.name} | ${r.rounds} | ${r.delivered} | ${r.duplicated} | ${f(percentile(sorted(r.takeoverMs), 50))} | ${f(Math.max(...r.takeoverMs))} |`),
          '',
        ]
      : []),
    'Targets: 0 lost, 0 duplicated.',
    '',
  ].join('\n');
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const started = Date.now();
  const report = await main();
  const out = fileURLToPath(new URL('./results/delivery-faults.md', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${report}\n`);
  process.stdout.write(`${report}\n(wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
