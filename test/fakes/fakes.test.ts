/**
 * The fakes themselves: wire format, signing helpers and failure modes, checked with plain fetch and a tiny
 * receiver that verifies Slack signatures like Vigil must.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { verifySlackSignature } from '../../src/integrations/outbound/slack/signature.js';
import { startFakeSlack, type FakeSlack } from './slack.js';
import { startSmtpSink } from './smtp.js';
import { startFakeTwilio } from './twilio.js';

const SECRET = 'slack-signing-secret';

interface Inbound {
  path: string;
  contentType: string;
  body: string;
  verified: boolean;
}

let receiver: Server;
let receiverUrl: string;
const inbound: Inbound[] = [];
let slack: FakeSlack;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verified = verifySlackSignature({
        signingSecret: SECRET,
        timestamp: req.headers['x-slack-request-timestamp'] as string,
        signature: req.headers['x-slack-signature'] as string,
        rawBody: body,
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      inbound.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body, verified });
      res.writeHead(verified ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(verified ? JSON.stringify({ response_type: 'ephemeral', text: 'ok' }) : '');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  slack = await startFakeSlack({ users: [{ id: 'U001', email: 'ada@example.com', name: 'ada' }] });
});

afterAll(async () => {
  await slack.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function slackApi(
  method: string,
  init: { body?: string; json?: unknown; token?: string } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { Authorization: `Bearer ${init.token ?? 'xoxb-1'}` };
  let body: string | undefined = init.body;
  if (init.json !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    body = JSON.stringify(init.json);
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  const response = await fetch(`${slack.url}${method}`, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

describe('fake Slack wire format', () => {
  it('accepts form and JSON bodies and answers in the ok envelope with ts strings', async () => {
    const form = await slackApi('chat.postMessage', { body: new URLSearchParams({ channel: 'C1', text: 'hi', blocks: '[{"type":"divider"}]' }).toString() });
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ ok: true, channel: 'C1', ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    const json = await slackApi('chat.postMessage', { json: { channel: 'C1', text: 'there' } });
    expect(json.body.ok).toBe(true);
    expect(Number(json.body.ts)).toBeGreaterThan(Number(form.body.ts));
    expect(slack.messages('C1').map((m) => m.text)).toEqual(['hi', 'there']);
    expect(slack.messages('C1')[0]!.blocks).toEqual([{ type: 'divider' }]);
    expect(await slackApi('chat.postMessage', { json: { channel: 'C1' } })).toMatchObject({ body: { ok: false, error: 'no_text' } });
    expect(await slackApi('chat.postMessage', { json: { channel: 'C1', text: 'x' }, token: 'bad' })).toMatchObject({
      body: { ok: false, error: 'invalid_auth' },
    });
    expect(await slackApi('nope.method', { json: {} })).toMatchObject({ body: { ok: false, error: 'unknown_method' } });
    expect(await slackApi('auth.test')).toMatchObject({ body: { ok: true, user_id: slack.botUserId } });
  });

  it('paginates conversations.list with cursors', async () => {
    for (let i = 0; i < 5; i++) slack.addChannel({ name: `page-${i}` });
    const names: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const r = await slackApi('conversations.list', {
        body: new URLSearchParams({ limit: '2', exclude_archived: 'true', ...(cursor ? { cursor } : {}) }).toString(),
      });
      names.push(...r.body.channels.map((c: { name: string }) => c.name));
      cursor = r.body.response_metadata.next_cursor;
      pages += 1;
    } while (cursor);
    expect(names.filter((n) => n.startsWith('page-'))).toHaveLength(5);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('tracks user groups and lists them with members', async () => {
    await slackApi('usergroups.users.update', { body: 'usergroup=S1&users=U001,U002' });
    expect(slack.userGroupMembers('S1')).toEqual(['U001', 'U002']);
    const list = await slackApi('usergroups.list', { body: 'include_users=true' });
    expect(list.body.usergroups).toEqual([expect.objectContaining({ id: 'S1', users: ['U001', 'U002'], user_count: 2 })]);
  });

  it('pages through a channel\'s members with cursors (conversations.members)', async () => {
    slack.addChannel({ id: 'CMEMBERS1', name: 'members', members: ['U1', 'U2', 'U3', 'U4', 'U5'] });
    const seen: string[] = [];
    let cursor = '';
    do {
      const r = await slackApi('conversations.members', { body: new URLSearchParams({ channel: 'CMEMBERS1', limit: '2', ...(cursor ? { cursor } : {}) }).toString() });
      seen.push(...r.body.members);
      cursor = r.body.response_metadata.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['U1', 'U2', 'U3', 'U4', 'U5']);
    expect((await slackApi('conversations.members', { body: 'channel=CMEMBERS1&cursor=bm9wZQ==' })).body.error).toBe('invalid_cursor');
  });

  it('failNext, down and per-channel rate limits', async () => {
    slack.failNext('*', { status: 429, retryAfter: 4 }, 2);
    const limited = await slackApi('users.info', { body: 'user=U001' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('4');
    expect((await slackApi('users.info', { body: 'user=U001' })).status).toBe(429);
    expect((await slackApi('users.info', { body: 'user=U001' })).body).toMatchObject({ ok: true, user: { id: 'U001', profile: { email: 'ada@example.com' } } });

    slack.down(true);
    expect((await slackApi('auth.test')).status).toBe(503);
    slack.down(true, 'refuse');
    await expect(slackApi('auth.test')).rejects.toThrow();
    slack.down(false);
    expect((await slackApi('auth.test')).status).toBe(200);

    slack.rateLimitPerChannel(2);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await slackApi('chat.postMessage', { json: { channel: 'CRATE', text: `m${i}` } })).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    slack.rateLimitPerChannel(null);
    expect(
      slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === 'CRATE')
        .map((c) => c.status),
    ).toEqual([200, 200, 429, 429]);
  });
});

describe('fake Slack signed requests to Vigil', () => {
  it('sends a signed, form-encoded slash command with a working response_url', async () => {
    const reply = await slack.sendSlashCommand(`${receiverUrl}/slack/commands`, SECRET, { command: '/oncall', text: 'who', user_id: 'U001', channel_id: 'C1' });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ response_type: 'ephemeral', text: 'ok' });
    const last = inbound.at(-1)!;
    expect(last).toMatchObject({ path: '/slack/commands', contentType: 'application/x-www-form-urlencoded', verified: true });
    const fields = Object.fromEntries(new URLSearchParams(last.body));
    expect(fields).toMatchObject({ command: '/oncall', text: 'who', user_id: 'U001', channel_id: 'C1', team_id: slack.teamId });
    expect(fields.response_url).toMatch(new RegExp(`^${slack.origin}/response/`));
    const post = await fetch(fields.response_url!, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'You are on call' }),
    });
    expect(post.status).toBe(200);
    expect(slack.responses().at(-1)!.body).toEqual({ text: 'You are on call' });
  });

  it('a wrong secret or a stale timestamp fails verification on the receiver', async () => {
    expect((await slack.sendSlashCommand(`${receiverUrl}/c`, 'wrong-secret', { command: '/oncall', user_id: 'U001', channel_id: 'C1' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 600;
    expect(
      (await slack.sendSlashCommand(`${receiverUrl}/c`, SECRET, { command: '/oncall', user_id: 'U001', channel_id: 'C1' }, { timestampSeconds: stale })).status,
    ).toBe(401);
  });

  it('presses a button of a posted message as a block_actions payload', async () => {
    const posted = await slackApi('chat.postMessage', {
      json: {
        channel: 'CBTN',
        text: 'Alert',
        blocks: [
          {
            type: 'actions',
            block_id: 'vigil_actions',
            elements: [{ type: 'button', action_id: 'alert.ack', value: 'alert_42', text: { type: 'plain_text', text: 'Ack' } }],
          },
        ],
      },
    });
    const reply = await slack.pressButton(`${receiverUrl}/slack/interactions`, SECRET, {
      channel: 'CBTN',
      ts: posted.body.ts,
      actionId: 'alert.ack',
      userId: 'U001',
    });
    expect(reply.status).toBe(200);
    const last = inbound.at(-1)!;
    expect(last.verified).toBe(true);
    const payload = JSON.parse(new URLSearchParams(last.body).get('payload')!);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U001', username: 'ada' },
      channel: { id: 'CBTN' },
      container: { type: 'message', message_ts: posted.body.ts, channel_id: 'CBTN' },
      message: { ts: posted.body.ts },
      actions: [{ type: 'button', action_id: 'alert.ack', block_id: 'vigil_actions', value: 'alert_42' }],
    });
    expect(payload.response_url).toMatch(/\/response\//);
    expect(payload.trigger_id).toBeTruthy();
  });

  it('sends signed JSON events wrapped in event_callback', async () => {
    await slack.sendEvent(`${receiverUrl}/slack/events`, SECRET, {
      type: 'app_mention',
      user: 'U001',
      text: '<@UBOT00001> status',
      channel: 'C1',
      ts: '1.000001',
    });
    const last = inbound.at(-1)!;
    expect(last.verified).toBe(true);
    expect(last.contentType).toBe('application/json');
    expect(JSON.parse(last.body)).toMatchObject({ type: 'event_callback', team_id: slack.teamId, event: { type: 'app_mention', user: 'U001' } });
    await slack.sendEvent(`${receiverUrl}/slack/events`, SECRET, { type: 'url_verification', challenge: 'abc', token: 't' });
    expect(JSON.parse(inbound.at(-1)!.body)).toEqual({ type: 'url_verification', challenge: 'abc', token: 't' });
  });
});

describe('SMTP sink', () => {
  it('records a message and times out waiting for one that never comes', async () => {
    const sink = await startSmtpSink();
    try {
      const transport = nodemailer.createTransport({ host: sink.host, port: sink.port, ignoreTLS: true });
      await transport.sendMail({ from: 'a@example.com', to: ['b@example.com', 'c@example.com'], subject: 'Hi', text: 'Hello' });
      transport.close();
      const mail = await sink.waitFor((m) => m.subject === 'Hi');
      expect(mail).toMatchObject({
        envelopeFrom: 'a@example.com',
        to: ['b@example.com', 'c@example.com'],
        text: 'Hello\n',
        html: undefined,
        contentType: 'text/plain',
      });
      await expect(sink.waitFor((m) => m.subject === 'never', 100)).rejects.toThrow(/no matching message/);
    } finally {
      await sink.close();
    }
  });
});

describe('fake Twilio', () => {
  it('checks Basic auth and the account in the path', async () => {
    const twilio = await startFakeTwilio();
    try {
      const post = (path: string, auth: string) =>
        fetch(`${twilio.url}${path}`, {
          method: 'POST',
          headers: { Authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'To=%2B15005550006&From=%2B15005550001&Body=hi',
        });
      const good = await post(`/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`, `${twilio.accountSid}:${twilio.authToken}`);
      expect(good.status).toBe(201);
      expect(await good.json()).toMatchObject({ status: 'queued', to: '+15005550006', body: 'hi' });
      const bad = await post(`/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`, `${twilio.accountSid}:nope`);
      expect(bad.status).toBe(401);
      expect(await bad.json()).toMatchObject({ code: 20003, status: 401 });
      const other = await post('/2010-04-01/Accounts/ACother/Messages.json', `${twilio.accountSid}:${twilio.authToken}`);
      expect(other.status).toBe(404);
      expect(twilio.messages).toHaveLength(1);
    } finally {
      await twilio.close();
    }
  });
});
