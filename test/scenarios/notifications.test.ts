/**
 * Paging a person through their rules, the outbox under Slack's rate limits and outages, the Slack
 * user group following the on-call, signed Slack requests, and the on-call setup checklist.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { queueMessage } from '../../src/core/notifications/outbox.js';
import { twilioSignature } from '../../src/integrations/outbound/sms/twilio.js';
import { SIGNING_SECRET, startWorld, type World } from '../helpers/world.js';

const MIN = 60_000;
let w: World;
let dana: { id: string; token: string; email: string };
const DANA_SLACK = 'U0DANA0001';

/** Slack signs with its own clock; here that is the world's fake clock. */
const now = () => ({ timestampSeconds: Math.floor(w.clock.now() / 1000) });

async function verifyByCode(contactId: string, code: string, token: string): Promise<void> {
  const res = await w.t.api('POST', `/api/v1/contact-methods/${contactId}/verify`, { token, body: { code } });
  expect(res.status).toBe(200);
}

async function addVerifiedEmail(user: { id: string; token: string; email: string }): Promise<string> {
  const c = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: user.token, body: { type: 'email', address: user.email } });
  expect(c.status).toBe(201);
  await w.settle();
  const mail = await w.smtp.waitFor((m) => m.to.includes(user.email) && /verification code/i.test(m.subject));
  await verifyByCode(c.body.id, /(\d{6})/.exec(mail.text)![1]!, user.token);
  return c.body.id;
}

beforeAll(async () => {
  w = await startWorld();
  dana = await w.t.createUserWithToken('responder', 'dana@example.com');
  await w.t.api('PATCH', `/api/v1/users/${dana.id}`, { body: { slackUserId: DANA_SLACK, phone: '+14155550100' } });
  w.slack.addUser({ id: DANA_SLACK, name: 'dana', email: 'dana@example.com' } as never);
});
afterAll(async () => w?.close());

describe('a page walks through the rules until acknowledged', () => {
  let pageId: string;

  it('sets up Slack DM now, email after 1 minute, SMS after 3 minutes', async () => {
    const slackDm = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: dana.token, body: { type: 'slack_dm', address: DANA_SLACK } });
    expect(slackDm.body.verifiedAt).not.toBeNull(); // the linked Slack account needs no code
    const email = await addVerifiedEmail(dana);
    const sms = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: dana.token, body: { type: 'sms', address: '+1 415 555 0100' } });
    await w.settle();
    const text = await w.twilio.waitFor(() => w.twilio.messages.find((m) => m.to === '+14155550100')?.body);
    await verifyByCode(sms.body.id, /(\d{6})/.exec(text)![1]!, dana.token);
    for (const [contactMethodId, delayMinutes] of [
      [slackDm.body.id, 0],
      [email, 1],
      [sms.body.id, 3],
    ] as const) {
      expect((await w.t.api('POST', '/api/v1/users/me/notification-rules', { token: dana.token, body: { urgency: 'high', contactMethodId, delayMinutes } })).status).toBe(201);
    }
    w.twilio.reset();
    w.smtp.reset();
  });

  it('sends the Slack DM at once', async () => {
    const page = await w.t.api('POST', '/api/v1/pages/test', { token: dana.token });
    expect(page.status).toBe(201);
    pageId = page.body.id;
    await w.settle();
    const dm = w.slack.allMessages().find((m) => m.args.text?.includes('Vigil test page') || JSON.stringify(m.args.blocks ?? '').includes('Vigil test page'));
    expect(dm).toBeDefined();
    expect(w.smtp.messages).toHaveLength(0);
  });

  it('sends the email a minute later', async () => {
    await w.advance(MIN - 1000);
    expect(w.smtp.messages).toHaveLength(0);
    await w.advance(1000);
    const mail = await w.smtp.waitFor((m) => m.subject.includes('Vigil test page'));
    expect(mail.to).toContain('dana@example.com');
  });

  it('stops when acknowledged from the Slack button, before the SMS', async () => {
    const dm = w.slack.allMessages().find((m) => JSON.stringify(m.args.blocks ?? '').includes('page.ack'))!;
    const res = await w.slack.pressButton(`${w.t.baseUrl}/slack/interactions`, SIGNING_SECRET, { channel: dm.channel, ts: dm.ts, actionId: 'page.ack', userId: DANA_SLACK }, now());
    expect(res.status).toBe(200);
    const reply = await w.slack.waitFor(() => w.slack.responses().find((r) => String(r.body.text).includes('Acknowledged by')));
    expect(reply.body.text).toContain('dana');
    await w.advance(5 * MIN);
    expect(w.twilio.messages).toHaveLength(0);
    const page = await w.t.api('GET', `/api/v1/pages/${pageId}`, { token: dana.token });
    expect(page.body.page).toMatchObject({ status: 'acknowledged', acknowledgedVia: 'slack' });
    const types = page.body.timeline.map((e: { type: string; data: { channel?: string } }) => (e.data.channel ? `${e.type}:${e.data.channel}` : e.type));
    expect(types).toEqual(['page.created', 'page.notified:slack_dm', 'notification.sent:slack_dm', 'page.notified:email', 'notification.sent:email', 'page.acknowledged']);
  });
});

describe('acknowledging a page by replying to its SMS', () => {
  const TWILIO_TOKEN = 'twilio-test-token';
  /** Twilio's incoming-message webhook, signed as Twilio signs it (or with `signature`). */
  async function smsReply(from: string, body: string, signature?: string) {
    const url = `${w.t.vigil.config.publicUrl.replace(/\/$/, '')}/hooks/twilio/sms`;
    const params = { MessageSid: 'SM00000000000000000000000000000001', AccountSid: 'AC00000000000000000000000000000001', From: from, To: '+15005550006', Body: body };
    const res = await fetch(`${w.t.baseUrl}/hooks/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature ?? twilioSignature(TWILIO_TOKEN, url, params) },
      body: new URLSearchParams(params).toString(),
    });
    return { status: res.status, text: await res.text() };
  }

  it('sends the SMS at 3 minutes, and a reply of ACK acknowledges the page', async () => {
    const page = await w.t.api('POST', '/api/v1/pages/test', { token: dana.token });
    expect(page.status).toBe(201);
    await w.advance(3 * MIN);
    const sms = await w.twilio.waitFor(() => w.twilio.messages.find((m) => m.to === '+14155550100' && m.body.includes('Reply ACK')));
    expect(sms.body).toContain('Vigil test page');

    const res = await smsReply('+14155550100', ' ack ');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<Response><Message>Vigil: acknowledged');
    expect(res.text).toContain('Vigil test page');
    const after = await w.t.api('GET', `/api/v1/pages/${page.body.id}`, { token: dana.token });
    expect(after.body.page).toMatchObject({ status: 'acknowledged', acknowledgedVia: 'sms' });

    // Nothing left to acknowledge; other words get the help text.
    expect((await smsReply('+14155550100', 'ACK')).text).toContain('nothing to acknowledge');
    expect((await smsReply('+14155550100', 'what?')).text).toContain('reply ACK to acknowledge');
    w.twilio.reset();
    w.smtp.reset();
  });

  it('answers a number that is not a verified contact method, and refuses an unsigned request', async () => {
    expect((await smsReply('+14155559999', 'ACK')).text).toContain('not a verified contact method');
    const forged = await smsReply('+14155550100', 'ACK', 'bm90IGEgc2lnbmF0dXJl');
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.text).error.code).toBe('invalid_signature');
  });
});

describe('the outbox under rate limits and outages', () => {
  it('bundles a burst of 50 after a 429 with Retry-After: 2, losing nothing and sending nothing early', async () => {
    w.slack.failNext('chat.postMessage', { status: 429, retryAfter: 2 }, 1);
    const start = w.clock.now();
    await w.t.vigil.core.uow.run(async (r) => {
      for (let i = 0; i < 50; i++) await queueMessage(r, start, { channel: 'slack_channel', address: 'C0ALERTS01', subject: `Alert ${i}`, body: `Disk ${i} full` });
    });
    await w.settle();
    const rows = () => w.t.vigil.database.db.selectFrom('deliveries').select(['status', 'sent_at', 'attempts', 'last_error']).where('address', '=', 'C0ALERTS01').execute();
    expect((await rows()).every((r) => r.status === 'pending')).toBe(true);
    await w.advance(1999);
    expect((await rows()).every((r) => r.status === 'pending')).toBe(true);
    await w.advance(10_000);
    const done = await rows();
    expect(done.filter((r) => r.status === 'sent')).toHaveLength(50);
    expect(Math.min(...done.map((r) => r.sent_at!))).toBeGreaterThanOrEqual(start + 2000);
    const posted = w.slack.messages('C0ALERTS01');
    expect(posted.length).toBeGreaterThanOrEqual(1);
    expect(posted.length).toBeLessThanOrEqual(3);
    const all = posted.map((m) => String(m.args.text)).join('\n');
    for (let i = 0; i < 50; i++) expect(all).toContain(`Alert ${i}`);
  });

  it('still reaches the person by email when Slack is down', async () => {
    w.slack.down(true);
    onTestFinished(() => w.slack.down(false));
    const page = await w.t.api('POST', '/api/v1/pages/test', { token: dana.token });
    await w.advance(2 * MIN);
    const mail = await w.smtp.waitFor((m) => m.subject.includes('Vigil test page'), 5000);
    expect(mail).toBeDefined();
    const timeline = (await w.t.api('GET', `/api/v1/pages/${page.body.id}`, { token: dana.token })).body.timeline.map((e: { type: string }) => e.type);
    expect(timeline).toContain('notification.retrying');
    expect(timeline).toContain('notification.sent');
    await w.t.api('POST', `/api/v1/pages/${page.body.id}/acknowledge`, { token: dana.token });
    w.slack.down(false);
    await w.advance(10 * MIN);
  });
});

describe('the Slack user group follows the on-call', () => {
  const H = 3_600_000;
  let erin: { id: string; token: string };
  it('sets the group to the on-call at each hand-off, overrides included', async () => {
    erin = await w.t.createUserWithToken('responder', 'erin@example.com');
    await w.t.api('PATCH', `/api/v1/users/${erin.id}`, { body: { slackUserId: 'U0ERIN0001' } });
    await w.t.api('POST', '/api/v1/teams', { body: { name: 'Core', memberIds: [dana.id, erin.id] } });
    w.slack.addUserGroup({ id: 'S0CORE0001', handle: 'core-oncall', name: 'Core on-call', users: [] });
    const now = w.clock.now();
    const day = new Date(now).toISOString().slice(0, 10);
    const s = await w.t.api('POST', '/api/v1/schedules', {
      body: {
        name: 'Core',
        teamId: 'core',
        timeZone: 'UTC',
        slackUserGroupId: 'S0CORE0001',
        slackHandoffChannel: 'C0HANDOFF1',
        layers: [{ name: 'Daily', participants: [dana.id, erin.id], shift: { unit: 'day', length: 1 }, handoffTime: '12:00', startDate: day }],
      },
    });
    expect(s.status).toBe(201);
    // Today 12:00 Dana takes over (from the gap before the rotation started); tomorrow 12:00 Erin.
    await w.advance(3 * H + 1000);
    expect(w.slack.userGroupMembers('S0CORE0001')).toEqual([DANA_SLACK]);
    await w.advance(24 * H);
    expect(w.slack.userGroupMembers('S0CORE0001')).toEqual(['U0ERIN0001']);
    const announced = w.slack.messages('C0HANDOFF1').map((m) => String(m.args.text));
    expect(announced.at(-1)).toContain('erin');
    // An override is a hand-off too.
    const o = await w.t.api('POST', '/api/v1/schedules/core/overrides', { body: { userId: dana.id, start: w.clock.now() + H, end: w.clock.now() + 3 * H } });
    expect(o.status).toBe(201);
    await w.advance(H + 1000);
    expect(w.slack.userGroupMembers('S0CORE0001')).toEqual([DANA_SLACK]);
    await w.advance(2 * H);
    expect(w.slack.userGroupMembers('S0CORE0001')).toEqual(['U0ERIN0001']);
  });

  it('puts the group right once Slack comes back after an outage at hand-off time', async () => {
    w.slack.down(true);
    onTestFinished(() => w.slack.down(false));
    await w.advance(24 * H); // Dana's turn, while Slack is down
    expect(w.slack.userGroupMembers('S0CORE0001')).toEqual(['U0ERIN0001']);
    w.slack.down(false);
    await w.advance(2 * MIN);
    expect(w.slack.userGroupMembers('S0CORE0001')).toEqual([DANA_SLACK]);
    const timeline = (await w.t.api('GET', '/api/v1/schedules/core/timeline')).body.data.map((e: { type: string }) => e.type);
    expect(timeline).toContain('slack.usergroup_sync_failed');
    expect(timeline.at(-1)).toBe('slack.usergroup_synced');
  });
});

describe('signed Slack requests', () => {
  it('answers /oncall for a signed request', async () => {
    const res = await w.slack.sendSlashCommand(`${w.t.baseUrl}/slack/commands`, SIGNING_SECRET, { command: '/oncall', text: '', user_id: DANA_SLACK, channel_id: 'C0GENERAL1' }, now());
    expect(res.status).toBe(200);
    expect(res.json.text).toContain('*Core*');
  });

  it('refuses a bad signature, a stale timestamp and a replay with 401, changing nothing', async () => {
    const url = `${w.t.baseUrl}/slack/commands`;
    const forged = await w.slack.sendSlashCommand(url, 'wrong-secret', { command: '/oncall', user_id: DANA_SLACK, channel_id: 'C1' }, now());
    expect(forged.status).toBe(401);
    const stale = await w.slack.sendSlashCommand(url, SIGNING_SECRET, { command: '/oncall', user_id: DANA_SLACK, channel_id: 'C1' }, { timestampSeconds: Math.floor(w.clock.now() / 1000) - 600 });
    expect(stale.status).toBe(401);
    const page = await w.t.api('POST', '/api/v1/pages/test', { token: dana.token });
    await w.advance(2000);
    const dm = w.slack.allMessages().filter((m) => JSON.stringify(m.args.blocks ?? '').includes(page.body.id)).at(-1)!;
    const press = { channel: dm.channel, ts: dm.ts, actionId: 'page.ack', userId: DANA_SLACK };
    const forgedPress = await w.slack.pressButton(`${w.t.baseUrl}/slack/interactions`, 'wrong-secret', press, now());
    expect(forgedPress.status).toBe(401);
    expect((await w.t.api('GET', `/api/v1/pages/${page.body.id}`, { token: dana.token })).body.page.status).toBe('active');
    const body = 'command=%2Foncall&user_id=U0DANA0001&channel_id=C1';
    const ts = String(Math.floor(w.clock.now() / 1000));
    const { slackSignatureHeaders } = await import('../../src/integrations/outbound/slack/signature.js');
    const headers = { 'content-type': 'application/x-www-form-urlencoded', ...slackSignatureHeaders(SIGNING_SECRET, body, Number(ts)) };
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(200);
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(401);
    await w.t.api('POST', `/api/v1/pages/${page.body.id}/acknowledge`, { token: dana.token });
  });

  it('tells an unlinked Slack user how to link their account', async () => {
    const page = await w.t.api('POST', '/api/v1/pages/test', { token: dana.token });
    await w.advance(2000); // the DM lane paces messages about a second apart
    const dm = w.slack.allMessages().filter((m) => JSON.stringify(m.args.blocks ?? '').includes(page.body.id)).at(-1)!;
    await w.slack.pressButton(`${w.t.baseUrl}/slack/interactions`, SIGNING_SECRET, { channel: dm.channel, ts: dm.ts, actionId: 'page.ack', userId: 'U0STRANGER' }, now());
    const reply = await w.slack.waitFor(() => w.slack.responses().find((r) => String(r.body.text).includes('not linked')));
    expect(reply.body.response_type).toBe('ephemeral');
    expect((await w.t.api('GET', `/api/v1/pages/${page.body.id}`, { token: dana.token })).body.page.status).toBe('active');
    await w.t.api('POST', `/api/v1/pages/${page.body.id}/acknowledge`, { token: dana.token });
  });
});

describe('the on-call setup checklist', () => {
  it('guides a new engineer to complete, and shows a lead who is not ready', async () => {
    const fay = await w.t.createUserWithToken('responder', 'fay@example.com');
    const first = await w.t.api('GET', '/api/v1/users/me/checklist', { token: fay.token });
    expect(first.body.complete).toBe(false);
    expect(first.body.items.filter((i: { done: boolean }) => !i.done).map((i: { id: string }) => i.id)).toEqual(
      expect.arrayContaining(['slack_linked', 'contact_verified', 'test_page_acknowledged']),
    );
    // The lead of a team whose schedule has Fay on call soon sees that she is not ready.
    await w.t.api('POST', '/api/v1/teams', { body: { name: 'Edge', leadUserId: dana.id, memberIds: [fay.id] } });
    const day = new Date(w.clock.now() + 86_400_000).toISOString().slice(0, 10);
    await w.t.api('POST', '/api/v1/schedules', { body: { name: 'Edge', teamId: 'edge', timeZone: 'UTC', layers: [{ name: 'L', participants: [fay.id], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: day }] } });
    const readiness = await w.t.api('GET', '/api/v1/teams/edge/readiness', { token: dana.token });
    expect(readiness.body.data.map((x: { user: { email: string } }) => x.user.email)).toEqual(['fay@example.com']);

    await w.t.api('PATCH', `/api/v1/users/${fay.id}`, { body: { slackUserId: 'U0FAY00001' } });
    await addVerifiedEmail(fay);
    const page = await w.t.api('POST', '/api/v1/pages/test', { token: fay.token });
    await w.settle();
    await w.t.api('POST', `/api/v1/pages/${page.body.id}/acknowledge`, { token: fay.token });
    const done = await w.t.api('GET', '/api/v1/users/me/checklist', { token: fay.token });
    expect(done.body.complete).toBe(true);
    expect((await w.t.api('GET', '/api/v1/teams/edge/readiness', { token: dana.token })).body.data).toEqual([]);
  });
});
