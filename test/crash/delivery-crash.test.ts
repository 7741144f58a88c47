/**
 * Every page arrives once, whichever process dies or stalls while sending it. Three Vigil processes on one
 * PostgreSQL database, a fake Slack that holds `chat.postMessage` open after posting the message (the DM
 * reached Slack, the sender never learns it):
 *   - `kill -9` of the process sending the DM, five times: each DM is recorded as sent by another
 *     process, which first looks for it in the DM's history (conversations.history with
 *     include_all_metadata: the delivery id is in the message metadata) and finds it: 0 duplicates;
 *   - SIGSTOP of the sending process for twice the lease: another process takes the delivery over
 *     once the lease lapses and finds it sent; the stalled process, woken, records nothing and sends nothing.
 * Slack API: https://docs.slack.dev/reference/methods/chat.postMessage (`metadata`),
 * https://docs.slack.dev/reference/methods/conversations.history (`include_all_metadata`, `oldest`).
 */
import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { createTestDatabaseUrl, postgresAvailable } from '../helpers/databases.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { freePort } from '../realclient/alertmanager-process.js';
import { httpRequest, sleep, VigilProcess } from './vigil-process.js';

const pgUp = await postgresAvailable();
const TOKEN = 'vgl_crash_bootstrap_token_0123456789';
const LEASE_MS = 3000;
const SLACK_USER = 'U0CRASH001';
const START_TIMEOUT_MS = 120_000;

describe.skipIf(!pgUp)('Slack DMs across crashed and stalled processes (postgres, 3 processes)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setUp(): Promise<{ slack: FakeSlack; nodes: VigilProcess[]; db: Database; api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }> }> {
    const slack = await startFakeSlack({ users: [{ id: SLACK_USER, name: 'crash', email: 'crash@example.com' }] });
    cleanups.push(() => slack.close());
    const url = await createTestDatabaseUrl('postgres');
    cleanups.push(() => url.dispose());
    const nodes: VigilProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const node = new VigilProcess({
        databaseUrl: url.url,
        port: await freePort(),
        bootstrapToken: TOKEN,
        env: { VIGIL_SLACK_BOT_TOKEN: 'xoxb-crash-token', VIGIL_SLACK_SIGNING_SECRET: 'crash-signing-secret', VIGIL_SLACK_API_URL: slack.url, VIGIL_ENGINE_LEASE_MS: String(LEASE_MS) },
      });
      cleanups.push(() => node.stop());
      // One after the other: the first start creates the first admin.
      // Generous: process start-up is slow on a loaded machine.
      await node.start(START_TIMEOUT_MS);
      nodes.push(node);
    }
    const db = await openDatabase(url.url);
    cleanups.push(() => db.close());
    const agent = new Agent({ keepAlive: false });
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await httpRequest(
        agent,
        `${nodes[0]!.baseUrl}${path}`,
        method,
        { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body === undefined ? undefined : JSON.stringify(body),
      );
      return { status: res.status, body: res.body ? JSON.parse(res.body) : undefined };
    };
    const me = await api('GET', '/api/v1/me');
    // A Slack identity is linked as Slack's directory lists it for the person's email.
    slack.addUser({ id: SLACK_USER, name: 'crash', email: me.body.user.email });
    expect((await api('PATCH', `/api/v1/users/${me.body.user.id}`, { slackUserId: SLACK_USER })).status).toBe(200);
    const dm = await api('POST', '/api/v1/users/me/contact-methods', { type: 'slack_dm', address: SLACK_USER });
    expect(dm.status).toBe(201);
    expect((await api('POST', '/api/v1/users/me/notification-rules', { urgency: 'high', contactMethodId: dm.body.id, delayMinutes: 0 })).status).toBe(201);
    return { slack, nodes, db, api };
  }

  /** The process whose flush job holds the lease (node ids end in `-<pid>-<hex>`). */
  async function sender(db: Database, nodes: VigilProcess[]): Promise<VigilProcess> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const rows = await db.db.selectFrom('jobs').select('lease_owner').where('kind', '=', 'delivery.flush').where('status', '=', 'running').execute();
      for (const r of rows) {
        const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(r.lease_owner ?? '')?.[1]);
        const node = nodes.find((n) => n.pid === pid);
        if (node) return node;
      }
      if (Date.now() > deadline) throw new Error('no process is sending');
      await sleep(20);
    }
  }

  const deliveryOf = async (db: Database, pageId: string) => db.db.selectFrom('deliveries').selectAll().where('page_id', '=', pageId).executeTakeFirst();
  const waitSent = async (db: Database, pageId: string, timeoutMs: number): Promise<number> => {
    const start = Date.now();
    for (;;) {
      const d = await deliveryOf(db, pageId);
      if (d?.status === 'sent') return Date.now() - start;
      if (Date.now() - start > timeoutMs) throw new Error(`delivery of page ${pageId} not sent after ${timeoutMs} ms: ${JSON.stringify(d)}`);
      await sleep(50);
    }
  };
  /** Delivery ids carried by the DMs in Slack, with repeats. */
  const carried = (slack: FakeSlack) =>
    slack
      .allMessages()
      .filter((m) => m.metadata?.event_type === 'vigil_delivery')
      .flatMap((m) => String(m.metadata!.event_payload.delivery_ids).split(','));

  it('kill -9 of the sending process, 5 times: every page delivered, 0 duplicate DMs', { timeout: 900_000 }, async () => {
    const { slack, nodes, db, api } = await setUp();
    const pageIds: string[] = [];
    for (let round = 0; round < 5; round++) {
      slack.holdNext('chat.postMessage');
      const page = await api('POST', '/api/v1/pages/test');
      expect(page.status).toBe(201);
      pageIds.push(page.body.id);
      await slack.waitFor(() => slack.heldCount() === 1, 15_000);
      const victim = await sender(db, nodes);
      await victim.kill();
      // Another process takes the delivery over after the lease, finds the DM in Slack, records it.
      await waitSent(db, page.body.id, LEASE_MS + 15_000);
      await victim.start(START_TIMEOUT_MS);
    }
    const ids = carried(slack);
    const deliveryIds = await Promise.all(pageIds.map(async (id) => (await deliveryOf(db, id))!.id));
    expect(ids.sort()).toEqual(deliveryIds.sort());
    expect(slack.messages(slack.dmChannelOf(SLACK_USER)!)).toHaveLength(5);
    // Each was found in the history, not sent again.
    expect(slack.callsTo('conversations.history').length).toBeGreaterThanOrEqual(5);
  });

  it('SIGSTOP of the sending process for twice the lease: taken over once the lease lapses, no duplicate', { timeout: 600_000 }, async () => {
    const { slack, nodes, db, api } = await setUp();
    slack.holdNext('chat.postMessage');
    const page = await api('POST', '/api/v1/pages/test');
    await slack.waitFor(() => slack.heldCount() === 1, 15_000);
    const victim = await sender(db, nodes);
    victim.signal('SIGSTOP');
    const stoppedAt = Date.now();
    let woken = false;
    cleanups.push(async () => {
      if (!woken) victim.signal('SIGCONT');
    });
    // Taken over once the lease lapses (bench/delivery-faults.ts measures how soon: lease + 5 s is the target;
    // timings are not asserted here, on a shared machine).
    await waitSent(db, page.body.id, LEASE_MS + 30_000);
    // Still stopped until twice the lease, then its held call is answered and it wakes.
    await sleep(Math.max(0, stoppedAt + 2 * LEASE_MS - Date.now()));
    slack.releaseHeld();
    victim.signal('SIGCONT');
    woken = true;
    // A second page goes out normally, through whichever process.
    const second = await api('POST', '/api/v1/pages/test');
    await waitSent(db, second.body.id, 15_000);
    await sleep(LEASE_MS);
    const ids = carried(slack);
    expect(ids.filter((id) => id === ids[0])).toHaveLength(1);
    expect(slack.messages(slack.dmChannelOf(SLACK_USER)!)).toHaveLength(2);
    expect((await deliveryOf(db, page.body.id))!.status).toBe('sent');
  });
});
