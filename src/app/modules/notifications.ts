/**
 * Notifications and the Slack app, wired: channels built from the configuration, the outbox and
 * paging jobs, reactions to hand-offs (Slack user group, announcement), reminders and swaps.
 */
import { USERGROUP_SYNC_JOB, HANDOFF_ANNOUNCE_JOB, SHIFT_REMINDER_NOTIFY_JOB, SWAP_REQUESTED_NOTIFY_JOB, SWAP_ACCEPTED_NOTIFY_JOB } from '../../core/shared/jobs.js';
import type { VigilConfig } from '../../config/config.js';
import type { ChannelType, NotificationChannel, SlackDirectory, SlackWorkspace } from '../../core/notifications/channels.js';
import { CONTACTS_IMPORTED_JOB, VERIFY_JOB } from '../../core/notifications/notifications.js';
import { contactsSection } from '../../core/config-as-code/contacts-section.js';
import { FLUSH_JOB, PAGE_FAILOVER_JOB, flushLane, repairLanes, type OutboxDeps } from '../../core/notifications/outbox.js';
import { PAGE_STEP_JOB, acknowledgePageButton, pageFailover, runPageStep } from '../../core/notifications/pages.js';
import { announceHandoff, notifyContactsImported, notifyShiftReminder, notifySwapAccepted, notifySwapRequested, onCallReply, sendVerification, syncUserGroup } from '../../core/notifications/reactions.js';
import { notLinkedReply, type SlackHandlers } from '../../core/notifications/slack-app.js';
import { systemCtx, userCtx } from '../../core/shared/context.js';
import type { CoreDeps } from '../../core/shared/ports.js';
import type { KindHandlers } from '../../engine/types.js';
import { findUserBySlackId, linkSlackByEmail, type User } from '../../core/users/users.js';
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
    ...core,
    channels: messaging.channels,
    maxBackoffMs: d.maxBackoffMs,
    deadlines: { highUrgencyMs: d.highUrgencyDeadlineMinutes * 60_000, lowUrgencyMs: d.lowUrgencyDeadlineMinutes * 60_000, messageMs: d.messageDeadlineMinutes * 60_000 },
  };
}

/** Maps a Slack user to a Vigil user: by linked id, else by the Slack account's email (and links it). */
async function resolveSlackUser(core: CoreDeps, config: VigilConfig, messaging: Messaging, slackUserId: string): Promise<User | undefined> {
  const ctx = () => systemCtx(core.clock.now(), config.publicUrl);
  const linked = await findUserBySlackId(core, ctx(), { slackUserId });
  if (linked || !messaging.slack) return linked;
  let email: string | undefined;
  try {
    const info = await messaging.slack.api.call<{ user?: { profile?: { email?: string } } }>('users.info', { user: slackUserId });
    email = info.user?.profile?.email?.toLowerCase();
  } catch {
    return undefined;
  }
  if (!email) return undefined;
  return linkSlackByEmail(core, ctx(), { email, slackUserId });
}

function slackHandlers(core: CoreDeps, config: VigilConfig): SlackHandlers {
  const ctxOf = (user: User | undefined) => (user ? userCtx(user, core.clock.now(), config.publicUrl) : systemCtx(core.clock.now(), config.publicUrl));
  return {
    commands: {
      '/oncall': async (ctx, text) => onCallReply(core, ctxOf(ctx.user), { text }),
    },
    actions: {
      'page.ack': async (ctx, action) => {
        if (!ctx.user) return notLinkedReply(config.publicUrl);
        const page = await acknowledgePageButton(core, ctxOf(ctx.user), { pageId: action.value, via: 'slack' });
        return page ? { text: `Acknowledged by ${ctx.user.name}: ${page.subject}` } : { text: 'That page no longer exists.' };
      },
    },
  };
}

function jobHandlers({ core, config }: ModuleContext, messaging: Messaging): KindHandlers {
  const outbox = outboxDeps(core, config, messaging);
  const ctx = () => systemCtx(core.clock.now(), config.publicUrl);
  const slackDm = !!messaging.channels.slack_dm;
  return {
    // The run's job lease is its hold on the lane: the engine renews it while a slow send is in flight.
    [FLUSH_JOB]: async (job, signal) => flushLane(outbox, ctx(), { lane: String(job.payload.lane), run: { jobId: job.id, attempt: job.attempt }, signal }),
    [PAGE_STEP_JOB]: async (job) => runPageStep(core, ctx(), job.payload),
    [PAGE_FAILOVER_JOB]: async (job) => pageFailover(core, ctx(), job.payload),
    [VERIFY_JOB]: async (job) => sendVerification(core, ctx(), { contactMethodId: String(job.payload.contactMethodId), code: job.payload.code, link: job.payload.link }),
    [CONTACTS_IMPORTED_JOB]: async (job) => {
      const p = job.payload;
      await notifyContactsImported(core, ctx(), { ...p, ...(messaging.slack ? { slack: messaging.slack.workspace } : {}) });
    },
    // Retried until Slack answers: the group must end up with whoever is on call *now*.
    [USERGROUP_SYNC_JOB]: async (job) => syncUserGroup(core, ctx(), { scheduleId: String(job.payload.scheduleId), ...(messaging.slack ? { slack: messaging.slack.workspace } : {}) }),
    [HANDOFF_ANNOUNCE_JOB]: async (job) => {
      const p = job.payload;
      await announceHandoff(core, ctx(), p);
    },
    [SHIFT_REMINDER_NOTIFY_JOB]: async (job) => {
      const p = job.payload;
      await notifyShiftReminder(core, ctx(), { ...p, slackDm });
    },
    [SWAP_REQUESTED_NOTIFY_JOB]: async (job) => {
      const p = job.payload;
      await notifySwapRequested(core, ctx(), { ...p, slackDm });
    },
    [SWAP_ACCEPTED_NOTIFY_JOB]: async (job) => {
      const p = job.payload;
      await notifySwapAccepted(core, ctx(), { ...p, slackDm });
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
    reconcilers: ({ core }) => [async () => void (await repairLanes(core, systemCtx(core.clock.now(), config.publicUrl)))],
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
      resolveUser: (id) => resolveSlackUser(ctx.core, config, messaging, id),
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
