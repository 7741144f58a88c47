/**
 * Every page arrives: the outbox through long Slack and SMTP outages, on the fake clock. Pages keep
 * coming while the vendor fails; nothing is marked failed while its page is live; once the vendor is
 * healthy again every message goes out within a minute, what waited in a Slack DM bundled into one
 * message. The failing channel shows as degraded on `/metrics` and on the person's contact methods.
 *
 * Vendor behaviour: Slack answers HTTP 429 with `Retry-After` (https://docs.slack.dev/apis/web-api/rate-limits);
 * messages carry `metadata` (https://docs.slack.dev/messaging/message-metadata). An SMTP server that is
 * down answers 421 at the greeting (RFC 5321 section 3.8).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, postgresAvailable } from '../helpers/databases.js';
import { startWorld, type World } from '../helpers/world.js';

const SEC = 1000;
const MIN = 60 * SEC;

interface Person {
  id: string;
  token: string;
  email: string;
}

const pgUp = await postgresAvailable();

describe.each(DIALECTS.filter((d) => d === 'sqlite' || pgUp))('pages through long outages (%s)', (dialect) => {
  let w: World;
  let dana: Person;
  let erin: Person;
  const DANA_SLACK = 'U0DANA0042';

  const deliveries = (pageIds: string[]) =>
    w.t.vigil.database.db.selectFrom('deliveries').select(['id', 'status', 'sent_at', 'channel', 'page_id']).where('page_id', 'in', pageIds).execute();
  const metric = async (name: string, labels: string): Promise<number | undefined> => {
    const res = await w.t.api('GET', '/metrics', { token: null });
    const line = String(res.body).split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };
  const page = async (p: Person): Promise<string> => {
    const res = await w.t.api('POST', '/api/v1/pages/test', { token: p.token });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  /** Runs the fake clock forward, checking after each step that nothing was marked failed. */
  const runFor = async (ms: number, pageIds: string[], step = 5 * SEC): Promise<void> => {
    const until = w.clock.now() + ms;
    while (w.clock.now() < until) {
      await w.advance(Math.min(step, until - w.clock.now()));
      expect((await deliveries(pageIds)).filter((d) => d.status === 'failed')).toEqual([]);
    }
  };
  /** Every delivery id carried (in metadata) by the DMs Slack accepted since `since` (fake Slack's wall clock). */
  const deliveredToSlack = (since: number) =>
    w.slack
      .allMessages()
      .filter((m) => m.at >= since && m.metadata?.event_type === 'vigil_delivery')
      .flatMap((m) => String(m.metadata!.event_payload.delivery_ids).split(','));

  beforeAll(async () => {
    w = await startWorld({ dialect });
    dana = await w.t.createUserWithToken('responder', 'dana@example.com');
    await w.t.api('PATCH', `/api/v1/users/${dana.id}`, { body: { slackUserId: DANA_SLACK } });
    w.slack.addUser({ id: DANA_SLACK, name: 'dana', email: 'dana@example.com' });
    const dm = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: dana.token, body: { type: 'slack_dm', address: DANA_SLACK, label: 'Slack' } });
    expect((await w.t.api('POST', '/api/v1/users/me/notification-rules', { token: dana.token, body: { urgency: 'high', contactMethodId: dm.body.id, delayMinutes: 0 } })).status).toBe(201);

    erin = await w.t.createUserWithToken('responder', 'erin@example.com');
    const mail = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: erin.token, body: { type: 'email', address: erin.email } });
    await w.settle();
    const code = /(\d{6})/.exec((await w.smtp.waitFor((m) => m.to.includes(erin.email))).text)![1]!;
    expect((await w.t.api('POST', `/api/v1/contact-methods/${mail.body.id}/verify`, { token: erin.token, body: { code } })).status).toBe(200);
    expect((await w.t.api('POST', '/api/v1/users/me/notification-rules', { token: erin.token, body: { urgency: 'high', contactMethodId: mail.body.id, delayMinutes: 0 } })).status).toBe(201);
    w.smtp.reset();
  });
  afterAll(async () => w?.close());

  for (const fault of [
    { name: 'Slack answering 429 (Retry-After: 5) for 5 minutes', failure: { status: 429 as const, retryAfter: 5 } },
    { name: 'Slack answering HTTP 500 for 5 minutes', failure: { status: 500 } },
  ]) {
    it(`${fault.name}: every DM delivered, bundled, within 60 s of recovery`, { timeout: 300_000 }, async () => {
      w.slack.reset();
      w.slack.failNext('chat.postMessage', fault.failure, Number.POSITIVE_INFINITY);
      const pageIds: string[] = [];
      // A page every 15 s during the outage.
      for (let i = 0; i < 20; i++) {
        pageIds.push(await page(dana));
        await runFor(15 * SEC, pageIds);
      }
      expect(w.slack.callsTo('chat.postMessage').filter((c) => c.ok)).toHaveLength(0);
      expect(w.slack.callsTo('chat.postMessage').length).toBeGreaterThan(5);
      // Degraded, where an operator and the person look.
      expect(await metric('vigil_delivery_channel_degraded', 'channel="slack_dm"')).toBe(1);
      expect(await metric('vigil_delivery_channel_degraded', 'channel="email"')).toBe(0);
      const contacts = await w.t.api('GET', '/api/v1/users/me/contact-methods', { token: dana.token });
      expect(contacts.body.warnings.join('\n')).toMatch(/degraded: Slack \(slack_dm\) has been failing since .*20 message\(s\) waiting/);
      const checklist = await w.t.api('GET', '/api/v1/users/me/checklist', { token: dana.token });
      expect(checklist.body.items.find((i: { id: string }) => i.id === 'contacts_delivering')).toMatchObject({ done: false, required: false });

      w.slack.clearFailures();
      const recoveredAt = w.clock.now();
      const wallClock = Date.now();
      await runFor(60 * SEC, pageIds, SEC);
      const rows = await deliveries(pageIds);
      expect(rows).toHaveLength(20);
      expect(rows.every((d) => d.status === 'sent')).toBe(true);
      for (const d of rows) expect(Number(d.sent_at) - recoveredAt).toBeLessThanOrEqual(60 * SEC);
      // Every delivery arrived exactly once, bundled: one message per person for what waited.
      const carried = deliveredToSlack(wallClock);
      expect([...carried].sort()).toEqual(rows.map((d) => d.id).sort());
      expect(w.slack.allMessages().filter((m) => m.at >= wallClock)).toHaveLength(1);
      expect(w.slack.allMessages().at(-1)!.args.text).toContain('20 notifications arrived together');
      expect(await metric('vigil_delivery_channel_degraded', 'channel="slack_dm"')).toBe(0);
      const healthy = await w.t.api('GET', '/api/v1/users/me/checklist', { token: dana.token });
      expect(healthy.body.items.map((i: { id: string }) => i.id)).not.toContain('contacts_delivering');
      for (const id of pageIds) await w.t.api('POST', `/api/v1/pages/${id}/acknowledge`, { token: dana.token });
    });
  }

  it('probes a lane again within seconds after a single 5xx, and resumes at once', async () => {
    w.slack.reset();
    w.slack.failNext('chat.postMessage', { status: 500 }, 1);
    const id = await page(dana);
    await w.settle();
    await w.advance(3 * SEC);
    expect((await deliveries([id]))[0]!.status).toBe('sent');
    expect(w.slack.callsTo('chat.postMessage').map((c) => c.status)).toEqual([500, 200]);
    await w.t.api('POST', `/api/v1/pages/${id}/acknowledge`, { token: dana.token });
  });

  it('stops retrying a page once it is acknowledged', { timeout: 120_000 }, async () => {
    w.slack.reset();
    w.slack.failNext('chat.postMessage', { status: 503 }, Number.POSITIVE_INFINITY);
    const id = await page(dana);
    await runFor(30 * SEC, [id]);
    await w.t.api('POST', `/api/v1/pages/${id}/acknowledge`, { token: dana.token });
    w.slack.clearFailures();
    await w.advance(2 * MIN);
    expect((await deliveries([id]))[0]!.status).toBe('cancelled');
    expect(w.slack.callsTo('chat.postMessage').filter((c) => c.ok)).toHaveLength(0);
  });

  it('SMTP refusing connections for 10 minutes: every queued email delivered afterwards, once', { timeout: 300_000 }, async () => {
    w.smtp.reset();
    w.smtp.refuseConnections(true);
    const pageIds: string[] = [];
    for (let i = 0; i < 10; i++) {
      pageIds.push(await page(erin));
      await runFor(MIN, pageIds, 10 * SEC);
    }
    expect(w.smtp.messages).toHaveLength(0);
    expect(await metric('vigil_delivery_channel_degraded', 'channel="email"')).toBe(1);
    w.smtp.refuseConnections(false);
    const recoveredAt = w.clock.now();
    await runFor(60 * SEC, pageIds, SEC);
    const rows = await deliveries(pageIds);
    expect(rows.every((d) => d.status === 'sent')).toBe(true);
    for (const d of rows) expect(Number(d.sent_at) - recoveredAt).toBeLessThanOrEqual(60 * SEC);
    await w.smtp.waitFor(() => w.smtp.messages.length >= 10);
    expect(w.smtp.messages).toHaveLength(10);
    expect(w.smtp.duplicateMessageIds()).toEqual([]);
    // One stable Message-ID per delivery.
    expect(new Set(w.smtp.messages.map((m) => m.messageId)).size).toBe(10);
  });
});

describe('a page whose deadline passes', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ config: { delivery: { highUrgencyDeadlineMinutes: 10 } } });
  });
  afterAll(async () => w?.close());

  it('is retried until its deadline, then marked failed and the page moves on', { timeout: 120_000 }, async () => {
    const dana = await w.t.createUserWithToken('responder', 'dana2@example.com');
    await w.t.api('PATCH', `/api/v1/users/${dana.id}`, { body: { slackUserId: 'U0DANA0043' } });
    const dm = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: dana.token, body: { type: 'slack_dm', address: 'U0DANA0043' } });
    await w.t.api('POST', '/api/v1/users/me/notification-rules', { token: dana.token, body: { urgency: 'high', contactMethodId: dm.body.id, delayMinutes: 0 } });
    w.slack.failNext('chat.postMessage', { status: 500 }, Number.POSITIVE_INFINITY);
    const p = await w.t.api('POST', '/api/v1/pages/test', { token: dana.token });
    const status = async () => (await w.t.vigil.database.db.selectFrom('deliveries').select('status').where('page_id', '=', p.body.id).executeTakeFirstOrThrow()).status;
    await w.advance(9 * MIN);
    expect(await status()).toBe('pending');
    await w.advance(2 * MIN);
    expect(await status()).toBe('failed');
    const timeline = (await w.t.api('GET', `/api/v1/pages/${p.body.id}`, { token: dana.token })).body.timeline.map((e: { type: string }) => e.type);
    expect(timeline).toContain('notification.failed');
    expect(timeline).toContain('page.exhausted');
  });

  it('tries the next contact method at once while Slack keeps failing, and still delivers the DM afterwards', { timeout: 120_000 }, async () => {
    w.slack.reset();
    const fay = await w.t.createUserWithToken('responder', 'fay@example.com');
    await w.t.api('PATCH', `/api/v1/users/${fay.id}`, { body: { slackUserId: 'U0FAY00001' } });
    const dm = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: fay.token, body: { type: 'slack_dm', address: 'U0FAY00001' } });
    const mail = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: fay.token, body: { type: 'email', address: fay.email } });
    await w.settle();
    const code = /(\d{6})/.exec((await w.smtp.waitFor((m) => m.to.includes(fay.email))).text)![1]!;
    await w.t.api('POST', `/api/v1/contact-methods/${mail.body.id}/verify`, { token: fay.token, body: { code } });
    await w.t.api('POST', '/api/v1/users/me/notification-rules', { token: fay.token, body: { urgency: 'high', contactMethodId: dm.body.id, delayMinutes: 0 } });
    await w.t.api('POST', '/api/v1/users/me/notification-rules', { token: fay.token, body: { urgency: 'high', contactMethodId: mail.body.id, delayMinutes: 15 } });
    w.smtp.reset();
    w.slack.failNext('chat.postMessage', { status: 502 }, Number.POSITIVE_INFINITY);
    const p = await w.t.api('POST', '/api/v1/pages/test', { token: fay.token });
    await w.settle();
    // The second failure hands over to email, long before the rule's 15 minutes.
    await w.advance(10 * SEC);
    expect(w.smtp.messages.filter((m) => m.subject.includes('Vigil test page'))).toHaveLength(1);
    const rows = () => w.t.vigil.database.db.selectFrom('deliveries').select(['channel', 'status']).where('page_id', '=', p.body.id).orderBy('channel').execute();
    expect(await rows()).toEqual([
      { channel: 'email', status: 'sent' },
      { channel: 'slack_dm', status: 'pending' },
    ]);
    // At least once per channel: the DM still goes once Slack is back.
    w.slack.clearFailures();
    await w.advance(MIN);
    expect(await rows()).toEqual([
      { channel: 'email', status: 'sent' },
      { channel: 'slack_dm', status: 'sent' },
    ]);
    const timeline = (await w.t.api('GET', `/api/v1/pages/${p.body.id}`, { token: fay.token })).body.timeline.map((e: { type: string }) => e.type);
    expect(timeline).toContain('page.failover');
  });
});
