/**
 * Incidents, wired: routes, reminder and channel jobs, the Slack `/incident` command and the
 * alert message's "Declare incident" button.
 */
import type { VigilConfig } from '../../config/config.js';
import {
  CHANNEL_JOB,
  UPDATE_REMINDER_JOB,
  addIncidentNote,
  declareIncident,
  findIncident,
  listIncidents,
  incidentPageUnreached,
  mobilize,
  postUpdate,
  remindUpdate,
  setRole,
  setSeverity,
  setStatus,
  type Incident,
  type IncidentContext,
} from '../../core/incidents/incidents.js';
import type { SlackWorkspace } from '../../core/notifications/channels.js';
import { notLinkedReply, type SlackContext, type SlackReply } from '../../core/notifications/slack-app.js';
import { DomainError } from '../../core/shared/errors.js';
import { shownToEveryone } from '../../core/auth/permissions.js';
import { SYSTEM_ACTOR, type CoreDeps, type Repos } from '../../core/shared/ports.js';
import type { User } from '../../core/users/users.js';
import { incidentRoutes } from '../../http/routes/incidents.js';
import { toSlackChannelName } from '../../integrations/outbound/slack/client.js';
import { incidentSettingsSection, severitiesSection } from '../../core/config-as-code/incident-sections.js';
import type { VigilModule } from '../modules.js';

const HELP = [
  '*/incident* commands:',
  '`/incident declare P2 Checkout is failing` — declare (you become commander unless the service on-call is)',
  '`/incident sev P1 [reason]` · `/incident status monitoring [reason]` · `/incident resolve [summary]`',
  '`/incident update <text>` — a status update to the company and subscribers',
  '`/incident lead @user` · `/incident comms @user` · `/incident page @user|team-slug`',
  '`/incident note <text>` — add to the timeline',
  'Prefix with `INC-42` to act on an incident from another channel.',
].join('\n');

/** `<@U123|name>` or `@name` or `U123` -> a Slack user id or the raw text. */
const mention = (s: string) => /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(s)?.[1] ?? s.replace(/^@/, '');

async function targetIncident(r: Repos, ctx: SlackContext, user: User, ref: string | undefined): Promise<Incident> {
  const viewer = { id: user.id, isAdmin: user.role === 'admin' };
  if (ref) return findIncident(r, ref, viewer);
  if (ctx.channelId) {
    const inChannel = await r.incidents.findBySlackChannel(ctx.channelId);
    if (inChannel) return inChannel;
  }
  // The newest open incident this person is part of.
  const open = await listIncidents(r, { id: user.id }, { status: 'open', limit: 50 });
  for (const i of open) if ((await r.incidents.members(i.id)).some((m) => m.userId === user.id)) return i;
  if (open[0]) return open[0];
  throw new DomainError('not_found', 'incident_not_found', 'No open incident here: run it in the incident channel, or prefix with INC-42.');
}

function incidentCommand(core: CoreDeps, config: VigilConfig) {
  return async (ctx: SlackContext, text: string): Promise<SlackReply> => {
    if (!ctx.user) return notLinkedReply(config.publicUrl);
    const user = ctx.user;
    const words = text.split(/\s+/).filter(Boolean);
    let ref: string | undefined;
    if (words[0] && /^INC-\d+$/i.test(words[0])) ref = words.shift();
    const verb = (words.shift() ?? 'help').toLowerCase();
    const rest = words.join(' ');
    const ictx: IncidentContext = { now: core.clock.now(), publicUrl: config.publicUrl, actor: { type: 'user', id: user.id }, user };
    if (user.role === 'stakeholder' && verb !== 'help') return { text: 'Stakeholders follow incidents; ask the on-call to run it.' };
    try {
      return await core.uow.run(async (r): Promise<SlackReply> => {
        const link = (i: Incident) => `<${config.publicUrl}/incidents/${i.id}|INC-${i.number}>`;
        switch (verb) {
          case 'declare': {
            const sev = /^P\d$/i.test(words[0] ?? '') ? words.shift()!.toUpperCase() : 'P2';
            const title = words.join(' ').trim();
            if (!title) return { text: 'Give a title: `/incident declare P2 Checkout is failing`.' };
            const i = await declareIncident(r, ictx, { title, severity: sev });
            return { text: `${link(i)} [${i.severity}] declared: ${i.title}. Commander: ${(await r.users.findById(i.commanderId ?? ''))?.name ?? 'you'}.`, responseType: 'in_channel' };
          }
          case 'sev':
          case 'severity': {
            const i = await targetIncident(r, ctx, user, ref);
            const [sev, ...why] = words;
            if (!sev) return { text: 'Which severity? `/incident sev P1 reason`.' };
            const u = await setSeverity(r, ictx, i, sev, why.join(' ') || undefined);
            return { text: `${link(u)} is now ${u.severity}.`, responseType: 'in_channel' };
          }
          case 'status': {
            const i = await targetIncident(r, ctx, user, ref);
            const [status, ...why] = words;
            if (!status) return { text: 'Which status? triage, investigating, identified, monitoring, resolved.' };
            const u = await setStatus(r, ictx, i, status.toLowerCase(), why.length ? { reason: why.join(' ') } : {});
            return { text: `${link(u)} status: ${u.status}.`, responseType: 'in_channel' };
          }
          case 'resolve': {
            const i = await targetIncident(r, ctx, user, ref);
            const u = await setStatus(r, ictx, i, 'resolved', rest ? { reason: rest } : {});
            return { text: `${link(u)} resolved.`, responseType: 'in_channel' };
          }
          case 'update': {
            if (!rest) return { text: 'Write the update: `/incident update We found the cause…`.' };
            const i = await targetIncident(r, ctx, user, ref);
            await postUpdate(r, ictx, i, rest);
            return { text: `Update for ${link(i)} sent.`, responseType: 'in_channel' };
          }
          case 'lead':
          case 'commander':
          case 'comms': {
            const i = await targetIncident(r, ctx, user, ref);
            if (!words[0]) return { text: 'Who? `/incident lead @user`.' };
            const who = mention(words[0]);
            const u = await setRole(r, ictx, i, verb === 'comms' ? 'comms' : 'commander', who);
            const name = (await r.users.findById(verb === 'comms' ? u.commsLeadId! : u.commanderId!))?.name;
            return { text: `${name} is now ${verb === 'comms' ? 'comms lead' : 'commander'} of ${link(u)}.`, responseType: 'in_channel' };
          }
          case 'page': {
            const i = await targetIncident(r, ctx, user, ref);
            if (!words[0]) return { text: 'Whom? `/incident page @user` or `/incident page team-slug`.' };
            const raw = words[0];
            const who = mention(raw);
            const isUser = raw.startsWith('<@') || /^[UW][A-Z0-9]+$/.test(who) || who.includes('@');
            const paged = await mobilize(r, ictx, i, { type: isUser ? 'user' : 'team', id: who }, words.slice(1).join(' ') || undefined);
            const names = await Promise.all(paged.map(async (id) => (await r.users.findById(id))?.name ?? id));
            return { text: `Paged ${names.join(', ')} for ${link(i)}.`, responseType: 'in_channel' };
          }
          case 'note': {
            if (!rest) return { text: 'Write the note: `/incident note Rolled back v42`.' };
            const i = await targetIncident(r, ctx, user, ref);
            await addIncidentNote(r, ictx, i, rest, 'slack');
            return { text: `Noted on ${link(i)}.` };
          }
          default:
            return { text: HELP };
        }
      });
    } catch (err) {
      if (err instanceof DomainError) return { text: `That did not work: ${err.message}` };
      throw err;
    }
  };
}

export function incidentsModule(config: VigilConfig, slack?: SlackWorkspace): VigilModule {
  return {
    name: 'incidents',
    routes: [incidentRoutes],
    configSections: [severitiesSection, incidentSettingsSection],
    jobHandlers: ({ core }) => ({
      [UPDATE_REMINDER_JOB]: async (job) => core.uow.run((r) => remindUpdate(r, { now: core.clock.now(), publicUrl: config.publicUrl, actor: SYSTEM_ACTOR }, job.payload)),
      // An incident channel per incident of a level that asks for one: created, responders invited, topic set.
      [CHANNEL_JOB]: async (job) => {
        if (!slack) return;
        const incident = await core.uow.run((r) => r.incidents.find(job.payload.incidentId));
        if (!incident || !shownToEveryone(incident)) return;
        const channel = incident.slackChannelId ? { id: incident.slackChannelId } : await slack.createChannel(toSlackChannelName(`inc-${incident.number}-${incident.title}`));
        const { members, commander } = await core.uow.run(async (r) => {
          await r.incidents.update({ ...incident, slackChannelId: channel.id, updatedAt: core.clock.now() });
          const ids = await Promise.all((await r.incidents.members(incident.id)).map(async (m) => (await r.users.findById(m.userId))?.slackUserId));
          return { members: ids.filter((x): x is string => !!x), commander: incident.commanderId ? await r.users.findById(incident.commanderId) : undefined };
        });
        if (members.length) await slack.inviteToChannel(channel.id, members);
        await slack.setChannelTopic(channel.id, `[${incident.severity}] ${incident.status} · commander: ${commander?.name ?? 'unassigned'} · ${config.publicUrl}/incidents/${incident.id}`);
        await core.uow.run((r) => r.events.append({ entityType: 'incident', entityId: incident.id, type: 'incident.slack_channel', actor: SYSTEM_ACTOR, data: { channelId: channel.id } }));
      },
    }),
    pageAcknowledged: ({ core }) => ({
      incident: async (p) => {
        await core.uow.run(async (r) => {
          const i = await r.incidents.find(p.sourceId);
          if (!i) return;
          if (i.commanderId === p.userId && i.acknowledgedAt === null) await r.incidents.update({ ...i, acknowledgedAt: core.clock.now(), updatedAt: core.clock.now() });
          await r.events.append({ entityType: 'incident', entityId: i.id, type: 'incident.page_acknowledged', actor: { type: 'user', id: p.userId }, data: { userId: p.userId, via: p.via } });
        });
      },
    }),
    pageUnreached: ({ core }) => ({
      incident: async (p) => core.uow.run((r) => incidentPageUnreached(r, { now: core.clock.now(), publicUrl: config.publicUrl, actor: SYSTEM_ACTOR }, p)),
    }),
    slackHandlers: ({ core }) => ({
      commands: { '/incident': incidentCommand(core, config) },
      actions: {
        // From an alert's message: declare an incident at the severity matching the alert's priority.
        'alert.declare_incident': async (ctx, action) => {
          if (!ctx.user) return notLinkedReply(config.publicUrl);
          const user = ctx.user;
          return core.uow.run(async (r) => {
            const alert = await r.alerts.findAlert(action.value);
            if (!alert) return { text: 'That alert no longer exists.' };
            if (alert.incidentId) {
              const existing = await r.incidents.find(alert.incidentId);
              if (existing) return { text: `This alert is already part of INC-${existing.number}.` };
            }
            const severity = { P1: 'P1', P2: 'P2', P3: 'P3', P4: 'P4', P5: 'P4' }[alert.priority];
            const i = await declareIncident(r, { now: core.clock.now(), publicUrl: config.publicUrl, actor: { type: 'user', id: user.id }, user }, { title: alert.message, severity, alertIds: [alert.id], commanderId: user.id });
            return { text: `INC-${i.number} [${i.severity}] declared from alert #${alert.number}; you are commander. ${config.publicUrl}/incidents/${i.id}` };
          });
        },
      },
    }),
  };
}
