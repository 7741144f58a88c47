/**
 * Notifications and the Slack app, wired: channels built from the configuration, the outbox and
 * paging jobs, reactions to hand-offs (Slack user group, announcement), reminders and swaps.
 */
import { USERGROUP_SYNC_JOB, HANDOFF_ANNOUNCE_JOB, SHIFT_REMINDER_NOTIFY_JOB, SWAP_REQUESTED_NOTIFY_JOB, SWAP_ACCEPTED_NOTIFY_JOB } from '../../core/shared/jobs.js';
import type { VigilConfig } from '../../config/config.js';
import { ChannelError, type ChannelType, type NotificationChannel, type SlackDirectory, type SlackWorkspace } from '../../core/notifications/channels.js';
import { CONTACTS_IMPORTED_JOB, VERIFY_JOB } from '../../core/notifications/notifications.js';
import { contactsSection } from '../../core/config-as-code/contacts-section.js';
import { newId } from '../../core/shared/ids.js';
import { FLUSH_JOB, PAGE_FAILOVER_JOB, flushLane, queueMessage, repairLanes, type OutboxDeps } from '../../core/notifications/outbox.js';
import { PAGE_STEP_JOB, acknowledgePage, pageFailover, runPageStep } from '../../core/notifications/pages.js';
import { notLinkedReply, type SlackHandlers } from '../../core/notifications/slack-app.js';
import { formatLocal, render } from '../../core/notifications/templates.js';
import { checklistFor } from '../../core/notifications/notifications.js';
import { findSchedule, whoIsOnCall } from '../../core/schedules/schedules.js';
import { backlogSuggestionLine } from '../../core/backlog/backlog.js';
import { SYSTEM_ACTOR, type CoreDeps, type Repos } from '../../core/shared/ports.js';
import type { User } from '../../core/users/users.js';
import type { KindHandlers } from '../../engine/types.js';
import { EmailChannel } from '../../integrations/outbound/email/smtp.js';
import { SlackApi, SlackChannel, SlackWorkspaceClient } from '../../integrations/outbound/slack/client.js';
import { SmsChannel, VoiceChannel } from '../../integrations/outbound/sms/provider.js';
import { TwilioProvider } from '../../integrations/outbound/sms/twilio.js';
import { WebhookChannel } from '../../integrations/outbound/webhook/webhook.js';
import { notificationRoutes } from '../../http/routes/notifications.js';
import { slackRoutes } from '../../http/routes/slack.js';
import { smsReplyRoutes } from '../../http/routes/sms.js';
import type { ModuleContext, VigilModule } from '../modules.js';

export { USERGROUP_SYNC_JOB } from '../../core/shared/jobs.js';
export { HANDOFF_ANNOUNCE_JOB } from '../../core/shared/jobs.js';
export { SHIFT_REMINDER_NOTIFY_JOB } from '../../core/shared/jobs.js';
export { SWAP_REQUESTED_NOTIFY_JOB } from '../../core/shared/jobs.js';
export { SWAP_ACCEPTED_NOTIFY_JOB } from '../../core/shared/jobs.js';

export interface Messaging {
  channels: Partial<Record<ChannelType, NotificationChannel>>;
  slack?: { workspace: SlackWorkspace & SlackDirectory; api: SlackApi };
}

/** Builds the outbound channels the configuration enables. */
export function buildMessaging(config: VigilConfig): Messaging {
  const channels: Messaging['channels'] = {};
  let slack: Messaging['slack'];
  if (config.slack.botToken) {
    const api = new SlackApi({ botToken: config.slack.botToken, slackApiUrl: config.slack.apiUrl });
    channels.slack_dm = new SlackChannel(api, { type: 'slack_dm' });
    channels.slack_channel = new SlackChannel(api, { type: 'slack_channel' });
    slack = { api, workspace: new SlackWorkspaceClient(api) };
  }
  if (config.email.smtpUrl) {
    const u = new URL(config.email.smtpUrl);
    channels.email = new EmailChannel({
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 587)),
      secure: u.protocol === 'smtps:',
      ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
      from: config.email.from,
      // One SMTP connection per message costs ~100 ms; a pool keeps a few open.
      pool: true,
      ...(u.searchParams.get('ignoreTLS') === 'true' ? { ignoreTLS: true } : {}),
    });
  }
  if (config.twilio.accountSid && config.twilio.authToken && config.twilio.from) {
    const provider = new TwilioProvider({ accountSid: config.twilio.accountSid, authToken: config.twilio.authToken, from: config.twilio.from, baseUrl: config.twilio.apiUrl });
    channels.sms = new SmsChannel(provider);
    channels.voice = new VoiceChannel(provider);
  }
  channels.webhook = new WebhookChannel();
  return { channels, ...(slack ? { slack } : {}) };
}

/** The outbox's dependencies: channels, deadlines and backoff from the configuration. */
export function outboxDeps(core: CoreDeps, config: VigilConfig, messaging: Messaging): OutboxDeps {
  const d = config.delivery;
  return {
    uow: core.uow,
    clock: core.clock,
    channels: messaging.channels,
    maxBackoffMs: d.maxBackoffMs,
    deadlines: { highUrgencyMs: d.highUrgencyDeadlineMinutes * 60_000, lowUrgencyMs: d.lowUrgencyDeadlineMinutes * 60_000, messageMs: d.messageDeadlineMinutes * 60_000 },
  };
}

const names = async (r: Repos, ids: string[]): Promise<string> => {
  const out: string[] = [];
  for (const id of ids) out.push((await r.users.findById(id))?.name ?? id);
  return out.length ? out.join(', ') : 'nobody';
};

/** Where a person gets a non-paging message: their Slack DM when linked and Slack is on, else email. */
function personalLane(user: User, messaging: Messaging): { channel: ChannelType; address: string } {
  if (user.slackUserId && messaging.channels.slack_dm) return { channel: 'slack_dm', address: user.slackUserId };
  return { channel: 'email', address: user.email };
}

/** Maps a Slack user to a Vigil user: by linked id, else by the Slack account's email (and links it). */
async function resolveSlackUser(core: CoreDeps, messaging: Messaging, slackUserId: string): Promise<User | undefined> {
  const linked = await core.uow.run((r) => r.users.findBySlackId(slackUserId));
  if (linked || !messaging.slack) return linked;
  let email: string | undefined;
  try {
    const info = await messaging.slack.api.call<{ user?: { profile?: { email?: string } } }>('users.info', { user: slackUserId });
    email = info.user?.profile?.email?.toLowerCase();
  } catch {
    return undefined;
  }
  if (!email) return undefined;
  return core.uow.run(async (r) => {
    const user = await r.users.findByEmail(email);
    if (!user || user.slackUserId) return user && user.slackUserId === slackUserId ? user : undefined;
    const next = { ...user, slackUserId, updatedAt: core.clock.now() };
    await r.users.update(next);
    await r.events.append({ entityType: 'user', entityId: user.id, type: 'user.slack_linked', actor: SYSTEM_ACTOR, data: { slackUserId, via: 'email' } });
    return next;
  });
}

function slackHandlers(core: CoreDeps, config: VigilConfig): SlackHandlers {
  return {
    commands: {
      '/oncall': async (ctx, text) => {
        const now = core.clock.now();
        return core.uow.run(async (r) => {
          const schedules = text ? [await findSchedule(r, text.split(/\s+/)[0]!)] : await r.schedules.list();
          if (schedules.length === 0) return { text: 'There are no schedules yet.' };
          const lines: string[] = [];
          for (const o of await whoIsOnCall(r, schedules, now)) {
            const nowNames = o.gap ? '_nobody (gap)_' : await names(r, o.onCall.map((c) => c.userId));
            const until = o.onCall[0] ? ` until ${formatLocal(o.onCall[0].until, o.schedule.timeZone)}` : '';
            const next = o.next.length ? `; next: ${await names(r, o.next.map((n) => n.userId))} from ${formatLocal(o.next[0]!.start, o.schedule.timeZone)}` : '';
            lines.push(`*${o.schedule.name}*: ${nowNames}${until}${next}`);
          }
          // When nothing is open for this person, suggest better-engineering work.
          if (ctx.user) {
            const hint = await backlogSuggestionLine(r, ctx.user.id, config.publicUrl);
            if (hint) lines.push('', hint);
          }
          return { text: lines.join('\n') };
        });
      },
    },
    actions: {
      'page.ack': async (ctx, action) => {
        if (!ctx.user) return notLinkedReply(config.publicUrl);
        const user = ctx.user;
        const page = await core.uow.run(async (r) => {
          const p = await r.notifications.findPage(action.value);
          if (!p) return undefined;
          return acknowledgePage(r, core.clock.now(), p.id, { type: 'user', id: user.id }, 'slack');
        });
        return page ? { text: `Acknowledged by ${user.name}: ${page.subject}` } : { text: 'That page no longer exists.' };
      },
    },
  };
}

function jobHandlers({ core, config }: ModuleContext, messaging: Messaging): KindHandlers {
  const outbox = outboxDeps(core, config, messaging);
  return {
    // The run's job lease is its hold on the lane: the engine renews it while a slow send is in flight.
    [FLUSH_JOB]: async (job, signal) => flushLane(outbox, job.payload.lane, { jobId: job.id, attempt: job.attempt }, signal),
    [PAGE_STEP_JOB]: async (job) => runPageStep(core, config.publicUrl, job.payload),
    [PAGE_FAILOVER_JOB]: async (job) => pageFailover(core, job.payload),
    [VERIFY_JOB]: async (job) => {
      await core.uow.run(async (r) => {
        const c = await r.notifications.findContact(job.payload.contactMethodId);
        if (!c || c.verifiedAt) return;
        const link = job.payload.link ? `\nOr confirm by opening this link: ${config.publicUrl}/verify/${job.payload.link}` : '';
        const t = await render(r, 'contact.verification', { code: job.payload.code, link });
        await queueMessage(r, core.clock.now(), { channel: c.type, address: c.address, subject: t.subject, body: t.body, entityType: 'user', entityId: c.userId });
      });
    },
    // After an import: link the Slack account of the same email (a DM to it needs no code), then one
    // email listing what was imported, with a link to confirm or change it.
    [CONTACTS_IMPORTED_JOB]: async (job) => {
      const p = job.payload;
      const user = await core.uow.run((r) => r.users.findById(p.userId));
      if (!user) return;
      let slackId = user.slackUserId;
      if (!slackId && messaging.slack) {
        slackId = (await messaging.slack.workspace.lookupUserByEmail(user.email).catch(() => undefined))?.id ?? null;
      }
      await core.uow.run(async (r) => {
        const now = core.clock.now();
        const current = await r.users.findById(p.userId);
        if (!current) return;
        if (slackId && !current.slackUserId && !(await r.users.findBySlackId(slackId))) {
          await r.users.update({ ...current, slackUserId: slackId, updatedAt: now });
          await r.events.append({ entityType: 'user', entityId: current.id, type: 'user.slack_linked', actor: SYSTEM_ACTOR, data: { slackUserId: slackId, via: 'email' } });
        }
        const contacts = await r.notifications.listContacts(current.id);
        const linked = (await r.users.findById(current.id))?.slackUserId;
        if (linked && !contacts.some((c) => c.type === 'slack_dm' && c.address === linked)) {
          const c = { id: newId(now), userId: current.id, type: 'slack_dm' as const, address: linked, label: 'Slack (matched by email)', verifiedAt: now, disabled: false, importedFrom: p.importedFrom, confirmedAt: null, createdAt: now, updatedAt: now };
          await r.notifications.insertContact(c);
          contacts.push(c);
          await r.events.append({ entityType: 'user', entityId: current.id, type: 'contact_method.imported', actor: SYSTEM_ACTOR, data: { contactMethodId: c.id, type: c.type, address: c.address, importedFrom: p.importedFrom, verified: true } });
        }
        const label: Record<string, string> = { email: 'Email', sms: 'SMS', voice: 'Voice call', slack_dm: 'Slack DM', webhook: 'Webhook' };
        const listed = contacts.filter((c) => c.importedFrom && !c.confirmedAt).map((c) => `- ${label[c.type] ?? c.type}: ${c.address}${c.verifiedAt ? '' : ' (send yourself a code to verify it)'}`);
        const rules = (await r.notifications.listRules(current.id)).map((rule) => {
          const c = contacts.find((x) => x.id === rule.contactMethodId);
          return `- ${rule.urgency} urgency: ${c ? `${label[c.type] ?? c.type} ${c.address}` : '?'} ${rule.delayMinutes ? `after ${rule.delayMinutes} min` : 'at once'}`;
        });
        const link = `${config.publicUrl}/settings/notifications`;
        const body = [
          `Hello ${current.name},`,
          '',
          `Your on-call setup was imported from ${p.importedFrom} into Vigil${p.reverify ? ', and your admin asks you to verify each contact method again before it is used' : ', as it was there: Vigil pages you through it from now on'}.`,
          '',
          'Contact methods:',
          ...listed,
          '',
          'Notification rules:',
          ...(rules.length ? rules : ['- none: pages go to all your verified contact methods at once']),
          '',
          `Confirm or change them: ${link}`,
        ].join('\n');
        await queueMessage(r, now, { channel: 'email', address: current.email, subject: `Your on-call setup was imported from ${p.importedFrom}`, body, entityType: 'user', entityId: current.id });
      });
    },
    // Retried until Slack answers: the group must end up with whoever is on call *now*.
    [USERGROUP_SYNC_JOB]: async (job) => {
      const scheduleId = job.payload.scheduleId;
      const now = core.clock.now();
      const target = await core.uow.run(async (r) => {
        const s = await r.schedules.findById(scheduleId);
        if (!s?.slackUserGroupId) return undefined;
        const [o] = await whoIsOnCall(r, [s], now);
        const slackIds: string[] = [];
        const missing: string[] = [];
        for (const c of o?.onCall ?? []) {
          const u = await r.users.findById(c.userId);
          if (u?.slackUserId) slackIds.push(u.slackUserId);
          else missing.push(u?.name ?? c.userId);
        }
        return { group: s.slackUserGroupId, slackIds, missing, scheduleId: s.id };
      });
      if (!target) return;
      if (!messaging.slack) return;
      if (target.slackIds.length === 0) {
        // Slack keeps at least one member in a group: with nobody on call who has a Slack account,
        // the group stays as it is, and the schedule's timeline says why.
        await core.uow.run((r) => r.events.append({ entityType: 'schedule', entityId: target.scheduleId, type: 'slack.usergroup_sync_skipped', actor: SYSTEM_ACTOR, data: { userGroupId: target.group, unlinked: target.missing } }));
        return undefined;
      }
      try {
        await messaging.slack.workspace.setUserGroupMembers(target.group, target.slackIds);
      } catch (err) {
        const retryable = !(err instanceof ChannelError) || err.retryable;
        await core.uow.run((r) => r.events.append({ entityType: 'schedule', entityId: target.scheduleId, type: 'slack.usergroup_sync_failed', actor: SYSTEM_ACTOR, data: { userGroupId: target.group, error: (err as Error).message, retrying: retryable } }));
        // A Slack outage is retried until Slack answers; a refusal (no such group, a missing scope)
        // waits for the next hand-off or schedule change instead of being asked again every 30 s.
        return retryable ? { rescheduleAt: core.clock.now() + (err instanceof ChannelError && err.retryAfterMs ? Math.max(err.retryAfterMs, 1000) : 30_000) } : undefined;
      }
      await core.uow.run((r) =>
        r.events.append({ entityType: 'schedule', entityId: target.scheduleId, type: 'slack.usergroup_synced', actor: SYSTEM_ACTOR, data: { userGroupId: target.group, members: target.slackIds, unlinked: target.missing } }),
      );
      return undefined;
    },
    [HANDOFF_ANNOUNCE_JOB]: async (job) => {
      const p = job.payload;
      await core.uow.run(async (r) => {
        const s = await r.schedules.findById(p.scheduleId);
        if (!s?.slackHandoffChannel) return;
        const toNames = await names(r, p.to);
        const t = await render(r, 'schedule.handoff', { scheduleName: s.name, to: toNames, toVerb: p.to.length > 1 ? 'are' : 'is', from: await names(r, p.from), at: formatLocal(p.at, s.timeZone) });
        await queueMessage(r, core.clock.now(), { channel: 'slack_channel', address: s.slackHandoffChannel, subject: t.subject, body: t.body, entityType: 'schedule', entityId: s.id });
      });
    },
    [SHIFT_REMINDER_NOTIFY_JOB]: async (job) => {
      const p = job.payload;
      await core.uow.run(async (r) => {
        const user = await r.users.findById(p.userId);
        if (!user) return;
        const checklist = await checklistFor(r, user.id);
        const missing = checklist.items.filter((i) => !i.done).map((i) => i.label);
        const minutes = Math.max(0, Math.round((p.start - core.clock.now()) / 60_000));
        const t = await render(r, 'shift.reminder', {
          scheduleName: p.scheduleName,
          startsIn: minutes >= 1 ? `in ${minutes} minutes` : 'now',
          startLocal: formatLocal(p.start, user.timeZone),
          endLocal: formatLocal(p.end, user.timeZone),
          readiness: missing.length ? `\nBefore it starts, finish your on-call setup: ${missing.join('; ')}.` : '',
        });
        await queueMessage(r, core.clock.now(), { ...personalLane(user, messaging), subject: t.subject, body: t.body, entityType: 'user', entityId: user.id });
      });
    },
    [SWAP_REQUESTED_NOTIFY_JOB]: async (job) => {
      const p = job.payload;
      await core.uow.run(async (r) => {
        const team = await r.teams.findById(p.teamId);
        const requester = await r.users.findById(p.requesterId);
        for (const memberId of team?.memberIds ?? []) {
          if (memberId === p.requesterId) continue;
          const member = await r.users.findById(memberId);
          if (!member || !member.active) continue;
          const t = await render(r, 'swap.requested', {
            requester: requester?.name ?? 'Someone',
            scheduleName: p.scheduleName,
            startLocal: formatLocal(p.start, member.timeZone),
            endLocal: formatLocal(p.end, member.timeZone),
            note: p.note,
            url: `${config.publicUrl}/shifts`,
          });
          await queueMessage(r, core.clock.now(), { ...personalLane(member, messaging), subject: t.subject, body: t.body, entityType: 'schedule', entityId: p.scheduleId });
        }
      });
    },
    [SWAP_ACCEPTED_NOTIFY_JOB]: async (job) => {
      const p = job.payload;
      await core.uow.run(async (r) => {
        const requester = await r.users.findById(p.requesterId);
        const taker = await r.users.findById(p.takerId);
        if (!requester) return;
        const t = await render(r, 'swap.accepted', { taker: taker?.name ?? 'Someone', scheduleName: p.scheduleName, startLocal: formatLocal(p.start, requester.timeZone), endLocal: formatLocal(p.end, requester.timeZone) });
        await queueMessage(r, core.clock.now(), { ...personalLane(requester, messaging), subject: t.subject, body: t.body, entityType: 'schedule', entityId: p.scheduleId });
      });
    },
  };
}

/** The notifications module; `messaging` is injectable so tests can count what is built. */
export function notificationsModule(config: VigilConfig, messaging: Messaging = buildMessaging(config)): VigilModule {
  return {
    name: 'notifications',
    configSections: [contactsSection],
    routes: [notificationRoutes, slackRoutes, smsReplyRoutes(config.twilio.authToken)],
    jobHandlers: (ctx) => jobHandlers(ctx, messaging),
    reconcilers: ({ core }) => [async () => void (await repairLanes(core.uow, core.clock.now()))],
    subscriptions: {
      'schedule.handoff': [USERGROUP_SYNC_JOB, HANDOFF_ANNOUNCE_JOB],
      // A schedule created or changed: the group follows whoever is on call now, at once.
      'schedule.changed': [USERGROUP_SYNC_JOB],
      'shift.reminder': [SHIFT_REMINDER_NOTIFY_JOB],
      'swap.requested': [SWAP_REQUESTED_NOTIFY_JOB],
      'swap.accepted': [SWAP_ACCEPTED_NOTIFY_JOB],
    },
    slackHandlers: (ctx) => slackHandlers(ctx.core, config),
    slackApp: (ctx) => ({
      signingSecret: config.slack.signingSecret,
      resolveUser: (id) => resolveSlackUser(ctx.core, messaging, id),
      slackIdForEmail: async (email) => {
        if (!messaging.slack) return undefined;
        try {
          const found = await messaging.slack.api.call<{ user?: { id?: string } }>('users.lookupByEmail', { email });
          return found.user?.id;
        } catch {
          return undefined;
        }
      },
      respond: async (url, body) => {
        if (messaging.slack) await messaging.slack.workspace.respond(url, body as { text: string });
      },
    }),
  };
}
