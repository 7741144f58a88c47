/**
 * The Slack `/incident` command: its grammar (pure parsing) and what each verb does, in one
 * transaction, as the linked Slack user. Also the alert message's "Declare incident" button.
 */
import type { SlackReply } from '../notifications/slack-app.js';
import type { Ctx } from '../shared/context.js';
import { DomainError } from '../shared/errors.js';
import type { CoreDeps, Repos } from '../shared/ports.js';
import type { User } from '../users/users.js';
import { addIncidentNote, declareIncident, findIncident, listIncidents, mobilize, postUpdate, setRole, setSeverity, setStatus, type Incident } from './incidents.js';

export const INCIDENT_COMMAND_HELP = [
  '*/incident* commands:',
  '`/incident declare P2 Checkout is failing` — declare (you become commander unless the service on-call is)',
  '`/incident sev P1 [reason]` · `/incident status monitoring [reason]` · `/incident resolve [summary]`',
  '`/incident update <text>` — a status update to the company and subscribers',
  '`/incident lead @user` · `/incident comms @user` · `/incident page @user|team-slug`',
  '`/incident note <text>` — add to the timeline',
  'Prefix with `INC-42` to act on an incident from another channel.',
].join('\n');

/** `<@U123|name>` or `@name` or `U123` -> a Slack user id or the raw text. */
export const mention = (s: string): string => /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(s)?.[1] ?? s.replace(/^@/, '');

/** What to do to the target incident. */
export type IncidentAction =
  | { type: 'severity'; severity: string; reason?: string }
  | { type: 'status'; status: string; reason?: string }
  | { type: 'resolve'; reason?: string }
  | { type: 'update'; text: string }
  | { type: 'role'; role: 'commander' | 'comms'; who: string }
  | { type: 'page'; target: { type: 'user' | 'team'; id: string }; note?: string }
  | { type: 'note'; text: string }
  /** The verb needs an argument: answered once the target incident is found. */
  | { type: 'usage'; text: string };

export type IncidentCommand =
  /** `asked`: the verb was `help` (or missing), not an unknown one. */
  | { kind: 'help'; asked: boolean }
  /** An answer that needs nothing from the database (a missing argument). */
  | { kind: 'reply'; text: string }
  | { kind: 'declare'; severity: string; title: string }
  /** `ref` is an incident reference (INC-42); without it the incident is found from where the command runs. */
  | { kind: 'act'; ref?: string; action: IncidentAction };

/** Parses the text after `/incident`. */
export function parseIncidentCommand(text: string): IncidentCommand {
  const words = text.split(/\s+/).filter(Boolean);
  let ref: string | undefined;
  if (words[0] && /^INC-\d+$/i.test(words[0])) ref = words.shift();
  const verb = (words.shift() ?? 'help').toLowerCase();
  const rest = words.join(' ');
  const act = (action: IncidentAction): IncidentCommand => ({ kind: 'act', ...(ref ? { ref } : {}), action });
  switch (verb) {
    case 'declare': {
      const severity = /^P\d$/i.test(words[0] ?? '') ? words.shift()!.toUpperCase() : 'P2';
      const title = words.join(' ').trim();
      if (!title) return { kind: 'reply', text: 'Give a title: `/incident declare P2 Checkout is failing`.' };
      return { kind: 'declare', severity, title };
    }
    case 'sev':
    case 'severity': {
      const [severity, ...why] = words;
      if (!severity) return act({ type: 'usage', text: 'Which severity? `/incident sev P1 reason`.' });
      return act({ type: 'severity', severity, ...(why.join(' ') ? { reason: why.join(' ') } : {}) });
    }
    case 'status': {
      const [status, ...why] = words;
      if (!status) return act({ type: 'usage', text: 'Which status? triage, investigating, identified, monitoring, resolved.' });
      return act({ type: 'status', status: status.toLowerCase(), ...(why.length ? { reason: why.join(' ') } : {}) });
    }
    case 'resolve':
      return act({ type: 'resolve', ...(rest ? { reason: rest } : {}) });
    case 'update':
      if (!rest) return { kind: 'reply', text: 'Write the update: `/incident update We found the cause…`.' };
      return act({ type: 'update', text: rest });
    case 'lead':
    case 'commander':
    case 'comms':
      if (!words[0]) return act({ type: 'usage', text: 'Who? `/incident lead @user`.' });
      return act({ type: 'role', role: verb === 'comms' ? 'comms' : 'commander', who: mention(words[0]) });
    case 'page': {
      if (!words[0]) return act({ type: 'usage', text: 'Whom? `/incident page @user` or `/incident page team-slug`.' });
      const raw = words[0];
      const who = mention(raw);
      const isUser = raw.startsWith('<@') || /^[UW][A-Z0-9]+$/.test(who) || who.includes('@');
      const note = words.slice(1).join(' ');
      return act({ type: 'page', target: { type: isUser ? 'user' : 'team', id: who }, ...(note ? { note } : {}) });
    }
    case 'note':
      if (!rest) return { kind: 'reply', text: 'Write the note: `/incident note Rolled back v42`.' };
      return act({ type: 'note', text: rest });
    default:
      return { kind: 'help', asked: verb === 'help' };
  }
}

/** The incident a command acts on: the one named, the one whose channel this is, or the newest open one the person is part of. */
async function targetIncident(r: Repos, user: User, ref: string | undefined, channelId: string | undefined): Promise<Incident> {
  const viewer = { id: user.id, isAdmin: user.role === 'admin' };
  if (ref) return findIncident(r, ref, viewer);
  if (channelId) {
    const inChannel = await r.incidents.findBySlackChannel(channelId);
    if (inChannel) return inChannel;
  }
  const open = await listIncidents(r, { id: user.id }, { status: 'open', limit: 50 });
  for (const i of open) if ((await r.incidents.members(i.id)).some((m) => m.userId === user.id)) return i;
  if (open[0]) return open[0];
  throw new DomainError('not_found', 'incident_not_found', 'No open incident here: run it in the incident channel, or prefix with INC-42.');
}

async function act(r: Repos, ctx: Ctx, incident: Incident, action: IncidentAction): Promise<SlackReply> {
  const link = (i: Incident) => `<${ctx.publicUrl}/incidents/${i.id}|INC-${i.number}>`;
  switch (action.type) {
    case 'usage':
      return { text: action.text };
    case 'severity': {
      const u = await setSeverity(r, ctx, incident, action.severity, action.reason);
      return { text: `${link(u)} is now ${u.severity}.`, responseType: 'in_channel' };
    }
    case 'status': {
      const u = await setStatus(r, ctx, incident, action.status, action.reason ? { reason: action.reason } : {});
      return { text: `${link(u)} status: ${u.status}.`, responseType: 'in_channel' };
    }
    case 'resolve': {
      const u = await setStatus(r, ctx, incident, 'resolved', action.reason ? { reason: action.reason } : {});
      return { text: `${link(u)} resolved.`, responseType: 'in_channel' };
    }
    case 'update':
      await postUpdate(r, ctx, incident, action.text);
      return { text: `Update for ${link(incident)} sent.`, responseType: 'in_channel' };
    case 'role': {
      const u = await setRole(r, ctx, incident, action.role, action.who);
      const name = (await r.users.findById(action.role === 'comms' ? u.commsLeadId! : u.commanderId!))?.name;
      return { text: `${name} is now ${action.role === 'comms' ? 'comms lead' : 'commander'} of ${link(u)}.`, responseType: 'in_channel' };
    }
    case 'page': {
      const paged = await mobilize(r, ctx, incident, action.target, action.note);
      const names = await Promise.all(paged.map(async (id) => (await r.users.findById(id))?.name ?? id));
      return { text: `Paged ${names.join(', ')} for ${link(incident)}.`, responseType: 'in_channel' };
    }
    case 'note':
      await addIncidentNote(r, ctx, incident, action.text, 'slack');
      return { text: `Noted on ${link(incident)}.` };
  }
}

/** Runs `/incident <text>` for the linked Slack user of `ctx` (`channelId`: where it was run). */
export async function runIncidentCommand(deps: CoreDeps, ctx: Ctx, input: { text: string; channelId?: string }): Promise<SlackReply> {
  const user = ctx.user;
  if (!user) throw new DomainError('unauthenticated', 'unauthenticated', 'The Slack account is not linked to a Vigil user.');
  const command = parseIncidentCommand(input.text);
  if (command.kind === 'help' && command.asked) return { text: INCIDENT_COMMAND_HELP };
  if (user.role === 'stakeholder') return { text: 'Stakeholders follow incidents; ask the on-call to run it.' };
  if (command.kind === 'help') return { text: INCIDENT_COMMAND_HELP };
  if (command.kind === 'reply') return { text: command.text };
  try {
    return await deps.uow.run(async (r): Promise<SlackReply> => {
      if (command.kind === 'declare') {
        const i = await declareIncident(r, ctx, { title: command.title, severity: command.severity });
        return { text: `<${ctx.publicUrl}/incidents/${i.id}|INC-${i.number}> [${i.severity}] declared: ${i.title}. Commander: ${(await r.users.findById(i.commanderId ?? ''))?.name ?? 'you'}.`, responseType: 'in_channel' };
      }
      return act(r, ctx, await targetIncident(r, user, command.ref, input.channelId), command.action);
    });
  } catch (err) {
    if (err instanceof DomainError) return { text: `That did not work: ${err.message}` };
    throw err;
  }
}

const SEVERITY_OF_PRIORITY: Record<string, string> = { P1: 'P1', P2: 'P2', P3: 'P3', P4: 'P4', P5: 'P4' };

/** From an alert's message: declare an incident at the severity matching the alert's priority, with the presser as commander. */
export async function declareFromAlert(deps: CoreDeps, ctx: Ctx, input: { alertId: string }): Promise<SlackReply> {
  const user = ctx.user;
  if (!user) throw new DomainError('unauthenticated', 'unauthenticated', 'The Slack account is not linked to a Vigil user.');
  return deps.uow.run(async (r) => {
    const alert = await r.alerts.findAlert(input.alertId);
    if (!alert) return { text: 'That alert no longer exists.' };
    if (alert.incidentId) {
      const existing = await r.incidents.find(alert.incidentId);
      if (existing) return { text: `This alert is already part of INC-${existing.number}.` };
    }
    const i = await declareIncident(r, ctx, { title: alert.message, severity: SEVERITY_OF_PRIORITY[alert.priority]!, alertIds: [alert.id], commanderId: user.id });
    return { text: `INC-${i.number} [${i.severity}] declared from alert #${alert.number}; you are commander. ${ctx.publicUrl}/incidents/${i.id}` };
  });
}
