import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError, type OutboundMessage } from '../../../core/notifications/channels.js';
import { startFakeSlack, type FakeSlack } from '../../../../test/fakes/slack.js';
import { SlackApi, SlackChannel, SlackWorkspaceClient, parseSlackMessageId, toSlackChannelName } from './client.js';
import { VIGIL_ACTIONS_BLOCK_ID } from './blocks.js';

const TOKEN = 'xoxb-test-token';

let slack: FakeSlack;
let api: SlackApi;
let channelOut: SlackChannel;
let dmOut: SlackChannel;
let workspace: SlackWorkspaceClient;

beforeAll(async () => {
  slack = await startFakeSlack({
    token: TOKEN,
    users: [
      { id: 'U001', email: 'ada@example.com', name: 'ada', real_name: 'Ada Lovelace' },
      { id: 'U002', email: 'bob@example.com', name: 'bob' },
    ],
    channels: [{ id: 'C0ALERTS', name: 'alerts' }],
    userGroups: [{ id: 'S0ONCALL', handle: 'oncall', users: ['U002'] }],
  });
  api = new SlackApi({ botToken: TOKEN, slackApiUrl: slack.url, timeoutMs: 3000 });
  channelOut = new SlackChannel(api, { type: 'slack_channel' });
  dmOut = new SlackChannel(api, { type: 'slack_dm' });
  workspace = new SlackWorkspaceClient(api);
});

afterAll(async () => {
  await slack.close();
});

afterEach(() => {
  slack.reset();
});

function message(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'dlv_1',
    channel: 'slack_channel',
    to: 'C0ALERTS',
    subject: '[P1] #42 Disk full on db-1',
    text: 'Free space < 5% on /var/lib/postgresql & rising',
    actions: [
      { id: 'alert.ack', label: 'Acknowledge', value: 'alert_42', style: 'primary' },
      { id: 'alert.resolve', label: 'Resolve', value: 'alert_42', style: 'danger' },
      { id: 'alert.snooze', label: 'Snooze 1h', value: 'alert_42:3600' },
    ],
    ...overrides,
  };
}

async function expectChannelError(promise: Promise<unknown>): Promise<ChannelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
}

describe('SlackChannel.send', () => {
  it('posts text fallback and Block Kit buttons to a channel and returns channel:ts', async () => {
    const result = await channelOut.send(message());
    const [posted] = slack.messages('C0ALERTS');
    expect(posted).toBeDefined();
    expect(result.providerMessageId).toBe(`C0ALERTS:${posted!.ts}`);
    expect(posted!.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted!.text).toBe('[P1] #42 Disk full on db-1: Free space &lt; 5% on /var/lib/postgresql &amp; rising');
    const blocks = posted!.blocks as any[];
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[P1] #42 Disk full on db-1', emoji: true } });
    expect(blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'Free space &lt; 5% on /var/lib/postgresql &amp; rising' } });
    expect(blocks[2]).toEqual({
      type: 'actions',
      block_id: VIGIL_ACTIONS_BLOCK_ID,
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Acknowledge', emoji: true }, action_id: 'alert.ack', value: 'alert_42', style: 'primary' },
        { type: 'button', text: { type: 'plain_text', text: 'Resolve', emoji: true }, action_id: 'alert.resolve', value: 'alert_42', style: 'danger' },
        { type: 'button', text: { type: 'plain_text', text: 'Snooze 1h', emoji: true }, action_id: 'alert.snooze', value: 'alert_42:3600' },
      ],
    });
    const call = slack.callsTo('chat.postMessage')[0]!;
    expect(call.args).toMatchObject({ channel: 'C0ALERTS', unfurl_links: 'false' });
    expect(call.args.thread_ts).toBeUndefined();
  });

  it('sends caller-provided blocks unchanged', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*custom*' } }];
    await channelOut.send(message({ blocks }));
    expect(slack.messages('C0ALERTS')[0]!.blocks).toEqual(blocks);
  });

  it('opens the DM once (cached) and posts into the IM channel', async () => {
    const first = await dmOut.send(message({ channel: 'slack_dm', to: 'U001' }));
    const second = await dmOut.send(message({ id: 'dlv_2', channel: 'slack_dm', to: 'U001' }));
    const dm = slack.dmChannelOf('U001');
    expect(dm).toMatch(/^D/);
    expect(parseSlackMessageId(first.providerMessageId!).channel).toBe(dm);
    expect(parseSlackMessageId(second.providerMessageId!).channel).toBe(dm);
    expect(slack.callsTo('conversations.open')).toHaveLength(1);
    expect(slack.messages(dm!)).toHaveLength(2);
    expect(slack.calls.map((c) => c.method).filter((m) => m !== 'conversations.open')).toEqual(['chat.postMessage', 'chat.postMessage']);
  });

  it('can post a DM straight to the user id', async () => {
    const direct = new SlackChannel(api, { type: 'slack_dm', dmMode: 'direct' });
    const result = await direct.send(message({ channel: 'slack_dm', to: 'U002' }));
    expect(slack.callsTo('conversations.open')).toHaveLength(0);
    expect(slack.callsTo('chat.postMessage')[0]!.args.channel).toBe('U002');
    expect(parseSlackMessageId(result.providerMessageId!).channel).toBe(slack.dmChannelOf('U002'));
  });

  it('replies in the thread of threadProviderId', async () => {
    const root = await channelOut.send(message());
    const reply = await channelOut.send(
      message({ id: 'dlv_2', subject: 'Acknowledged by Ada', text: '', actions: [], threadProviderId: root.providerMessageId }),
    );
    const [parent, child] = slack.messages('C0ALERTS');
    expect(child!.thread_ts).toBe(parent!.ts);
    expect(parent!.replyCount).toBe(1);
    expect(reply.providerMessageId).toBe(`C0ALERTS:${child!.ts}`);
    // a parent in another conversation is not used as thread
    await channelOut.send(message({ id: 'dlv_3', to: 'C0OTHER', threadProviderId: root.providerMessageId }));
    expect(slack.messages('C0OTHER')[0]!.thread_ts).toBeUndefined();
  });
});

describe('SlackChannel.update', () => {
  it('rewrites the message with chat.update (buttons gone after ack)', async () => {
    const sent = await channelOut.send(message());
    const updated = await channelOut.update(sent.providerMessageId!, message({ subject: '[P1] #42 Disk full on db-1 (acknowledged by Ada)', actions: [] }));
    expect(updated.providerMessageId).toBe(sent.providerMessageId);
    const [msg] = slack.messages('C0ALERTS');
    expect(msg!.history).toHaveLength(1);
    expect(msg!.text).toContain('acknowledged by Ada');
    expect((msg!.blocks as any[]).some((b) => b.type === 'actions')).toBe(false);
    const call = slack.callsTo('chat.update')[0]!;
    expect(call.args).toMatchObject({ channel: 'C0ALERTS', ts: parseSlackMessageId(sent.providerMessageId!).ts });
  });

  it('maps message_not_found to a permanent error', async () => {
    const error = await expectChannelError(channelOut.update('C0ALERTS:1700000000.000001', message()));
    expect(error).toMatchObject({ retryable: false, code: 'message_not_found' });
  });
});

describe('Slack error mapping (the outbox owns retries)', () => {
  it('429 with Retry-After -> retryable with retryAfterMs, at once and without a client-side retry', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 2 });
    const started = Date.now();
    const error = await expectChannelError(channelOut.send(message()));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 2000, code: 'rate_limited' });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    // the client is not paused: the next call goes through immediately
    await channelOut.send(message());
    expect(slack.messages('C0ALERTS')).toHaveLength(1);
  });

  it('the per-channel limit answers 429 on the second message within a second', async () => {
    slack.rateLimitPerChannel(1);
    await channelOut.send(message());
    const error = await expectChannelError(channelOut.send(message({ id: 'dlv_2' })));
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(1000);
    // another channel is not limited
    await channelOut.send(message({ id: 'dlv_3', to: 'C0OTHER' }));
    expect(slack.messages('C0OTHER')).toHaveLength(1);
  });

  it('HTTP 500 -> retryable, one attempt only', async () => {
    slack.failNext('chat.postMessage', { status: 500 });
    const error = await expectChannelError(channelOut.send(message()));
    expect(error).toMatchObject({ retryable: true, code: 'http_500' });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('Slack down (503) and connection dropped -> retryable', async () => {
    slack.down(true);
    expect(await expectChannelError(channelOut.send(message()))).toMatchObject({ retryable: true, code: 'http_503' });
    slack.down(true, 'refuse');
    expect(await expectChannelError(channelOut.send(message()))).toMatchObject({ retryable: true, code: 'network' });
    slack.down(false);
    await channelOut.send(message());
  });

  it.each(['channel_not_found', 'not_in_channel', 'is_archived', 'account_inactive', 'user_not_found', 'invalid_blocks'])(
    '%s -> permanent, with the code',
    async (code) => {
      slack.failNext('chat.postMessage', { error: code });
      const error = await expectChannelError(channelOut.send(message()));
      expect(error).toMatchObject({ retryable: false, code });
    },
  );

  it('internal_error / fatal_error from Slack -> retryable', async () => {
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    expect(await expectChannelError(channelOut.send(message()))).toMatchObject({ retryable: true, code: 'internal_error' });
  });

  it('a revoked or wrong token -> invalid_auth, permanent', async () => {
    const wrong = new SlackChannel({ botToken: 'xoxb-wrong', slackApiUrl: slack.url });
    expect(await expectChannelError(wrong.send(message()))).toMatchObject({ retryable: false, code: 'invalid_auth' });
  });

  it('strict fake: an unknown channel is channel_not_found', async () => {
    const strict = await startFakeSlack({ strict: true });
    try {
      const out = new SlackChannel({ botToken: 'xoxb-x', slackApiUrl: strict.url });
      expect(await expectChannelError(out.send(message({ to: 'C0NOPE' })))).toMatchObject({ retryable: false, code: 'channel_not_found' });
    } finally {
      await strict.close();
    }
  });

  it('an aborted signal stops the send as retryable', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await expectChannelError(channelOut.send(message(), controller.signal))).toMatchObject({ retryable: true, code: 'aborted' });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('a slow Slack times out (retryable), and an abort mid-call is reported as aborted', async () => {
    const impatient = new SlackChannel({ botToken: TOKEN, slackApiUrl: slack.url, timeoutMs: 150 });
    slack.slowNext('chat.postMessage', 1000);
    expect(await expectChannelError(impatient.send(message()))).toMatchObject({ retryable: true, code: 'timeout' });
    slack.slowNext('chat.postMessage', 1000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await expectChannelError(channelOut.send(message(), controller.signal))).toMatchObject({ retryable: true, code: 'aborted' });
  });

  it('an unreachable Slack -> retryable network error', async () => {
    const dead = new SlackChannel({ botToken: TOKEN, slackApiUrl: 'http://127.0.0.1:9/api/', timeoutMs: 1000 });
    expect(await expectChannelError(dead.send(message()))).toMatchObject({ retryable: true });
  });
});

describe('SlackWorkspaceClient', () => {
  it('sets a user group to exactly the given members (comma list)', async () => {
    await workspace.setUserGroupMembers('S0ONCALL', ['U001', 'U002', 'U001']);
    expect(slack.callsTo('usergroups.users.update')[0]!.args).toMatchObject({ usergroup: 'S0ONCALL', users: 'U001,U002' });
    expect(slack.userGroupMembers('S0ONCALL')).toEqual(['U001', 'U002']);
    await workspace.setUserGroupMembers('S0ONCALL', ['U002']);
    expect(slack.userGroupMembers('S0ONCALL')).toEqual(['U002']);
  });

  it('an empty member list is Slack’s no_users_provided, permanent', async () => {
    expect(await expectChannelError(workspace.setUserGroupMembers('S0ONCALL', []))).toMatchObject({ retryable: false, code: 'no_users_provided' });
  });

  it('looks users up by email', async () => {
    expect(await workspace.lookupUserByEmail('ada@example.com')).toEqual({ id: 'U001', name: 'Ada Lovelace' });
    expect(await workspace.lookupUserByEmail('nobody@example.com')).toBeUndefined();
    slack.failNext('users.lookupByEmail', { status: 429, retryAfter: 30 });
    expect(await expectChannelError(workspace.lookupUserByEmail('ada@example.com'))).toMatchObject({ retryable: true, retryAfterMs: 30_000 });
  });

  it('creates a channel, or finds the existing one on name_taken (across pages)', async () => {
    const created = await workspace.createChannel('inc-42-db-disk-full');
    expect(created.id).toMatch(/^C/);
    expect(slack.channel('inc-42-db-disk-full')?.id).toBe(created.id);
    for (let i = 0; i < 230; i++) slack.addChannel({ name: `filler-${i}` });
    const again = await workspace.createChannel('inc-42-db-disk-full');
    expect(again).toEqual({ id: created.id, name: 'inc-42-db-disk-full' });
    expect(slack.callsTo('conversations.list').length).toBeGreaterThanOrEqual(1);
    expect(slack.callsTo('conversations.list')[0]!.args).toMatchObject({ types: 'public_channel', exclude_archived: 'true' });
  });

  it('a name taken by a channel Vigil cannot list stays a permanent name_taken', async () => {
    slack.failNext('conversations.create', { error: 'name_taken' });
    expect(await expectChannelError(workspace.createChannel('inc-99-ghost'))).toMatchObject({ retryable: false, code: 'name_taken' });
  });

  it('rejects invalid names as Slack does', async () => {
    expect(await expectChannelError(workspace.createChannel('Inc 42!'))).toMatchObject({ retryable: false });
    expect(toSlackChannelName('INC-42: Disk full on db-1 (Ünïcode)')).toBe('inc-42-disk-full-on-db-1-unicode');
  });

  it('invites users; already_in_channel is fine', async () => {
    const channel = await workspace.createChannel('inc-43');
    await workspace.inviteToChannel(channel.id, ['U001', 'U002']);
    expect(slack.channel(channel.id)!.members).toEqual(expect.arrayContaining(['U001', 'U002']));
    await workspace.inviteToChannel(channel.id, ['U001']);
    await workspace.inviteToChannel(channel.id, ['U001', 'U002']);
    await workspace.inviteToChannel(channel.id, []);
    expect(slack.callsTo('conversations.invite').map((c) => c.error)).toEqual([undefined, 'already_in_channel', 'already_in_channel']);
  });

  it('sets the topic (at most 250 characters)', async () => {
    const channel = await workspace.createChannel('inc-44');
    await workspace.setChannelTopic(channel.id, `SEV1 · ${'x'.repeat(300)}`);
    expect(slack.channel(channel.id)!.topic).toHaveLength(250);
  });

  it('posts to a response_url; a spent URL is permanent, a 5xx retryable', async () => {
    const url = slack.responseUrl('cmd1');
    await workspace.respond(url, { text: 'You are on call until Monday 10:00', response_type: 'ephemeral' });
    expect(slack.responses('cmd1')).toEqual([expect.objectContaining({ body: { text: 'You are on call until Monday 10:00', response_type: 'ephemeral' } })]);
    for (let i = 0; i < 4; i++) await workspace.respond(url, { text: `again ${i}`, replace_original: true });
    expect(await expectChannelError(workspace.respond(url, { text: 'sixth' }))).toMatchObject({ retryable: false, code: 'used_url' });
    slack.failNext('response_url', { status: 502 });
    expect(await expectChannelError(workspace.respond(slack.responseUrl(), { text: 'x' }))).toMatchObject({ retryable: true });
  });

  it('opens a modal; a trigger id works once', async () => {
    const view = { type: 'modal', title: { type: 'plain_text', text: 'Declare incident' }, blocks: [] };
    await workspace.openModal('12345.98765.abcd', view);
    expect(slack.views()[0]).toMatchObject({ trigger_id: '12345.98765.abcd', view });
    expect(await expectChannelError(workspace.openModal('12345.98765.abcd', view))).toMatchObject({ retryable: false, code: 'exchanged_trigger_id' });
  });
});

// Message metadata: https://docs.slack.dev/messaging/message-metadata (chat.postMessage `metadata` with
// event_type + event_payload); reading it back: https://docs.slack.dev/reference/methods/conversations.history
// (`include_all_metadata`, `oldest`, `inclusive`, newest first, `has_more` + `next_cursor`).
describe('a send whose outcome is unknown is found before it is repeated', () => {
  it('puts the delivery ids in the message metadata', async () => {
    await dmOut.send(message({ id: 'dlv_meta', channel: 'slack_dm', to: 'U001', deliveryIds: ['dlv_meta', 'dlv_meta2'] }));
    const [posted] = slack.messages(slack.dmChannelOf('U001')!);
    expect(posted!.metadata).toEqual({ event_type: 'vigil_delivery', event_payload: { delivery_id: 'dlv_meta', delivery_ids: 'dlv_meta,dlv_meta2' } });
  });

  it('finds a DM that arrived while the sender never learned it (the answer was held and the caller gave up)', async () => {
    const since = Date.now();
    slack.holdNext('chat.postMessage');
    const controller = new AbortController();
    const sending = dmOut.send(message({ id: 'dlv_lost', channel: 'slack_dm', to: 'U002' }), controller.signal);
    await slack.waitFor(() => slack.heldCount() === 1);
    controller.abort();
    await expect(sending).rejects.toBeInstanceOf(ChannelError);
    // A fresh channel (another process) looks in the DM's history.
    const other = new SlackChannel(api, { type: 'slack_dm' });
    const found = await other.findSent('U002', ['dlv_lost', 'dlv_never'], since - 1000);
    expect(Object.keys(found)).toEqual(['dlv_lost']);
    const ref = parseSlackMessageId(found.dlv_lost!.providerMessageId!);
    expect(ref.channel).toBe(slack.dmChannelOf('U002'));
    const history = slack.callsTo('conversations.history')[0]!;
    expect(history.args).toMatchObject({ include_all_metadata: 'true', inclusive: 'true' });
    // Nothing before `oldest`.
    expect(await other.findSent('U002', ['dlv_lost'], Date.now() + 60_000)).toEqual({});
  });

  it('reads further pages of a busy history', async () => {
    const since = Date.now() - 1000;
    await channelOut.send(message({ id: 'dlv_old' }));
    for (let i = 0; i < 205; i++) await api.call('chat.postMessage', { channel: 'C0ALERTS', text: `noise ${i}` });
    const found = await channelOut.findSent('C0ALERTS', ['dlv_old'], since);
    expect(found.dlv_old).toBeDefined();
  });
});
