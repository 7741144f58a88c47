/**
 * Security reports: from anyone signed in (the report form) or from a security tool (a webhook).
 * A report becomes a PRIVATE incident whose members are the security owner, whoever is on call
 * now and the reporter: nobody else sees it in lists, search, insights, feeds or communications
 * (the incidents domain enforces membership; a private incident sends no company email, no
 * announcement and gets no public channel). The security channel hears about it, mentioning the
 * on-call user group, and the security owner is paged at the urgency the severity calls for.
 */
import { invalid } from '../shared/errors.js';
import { SYSTEM_ACTOR, type CoreDeps, type Repos } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import type { Integration, Service } from '../alerts/model.js';
import { findIntegrationByKey } from '../alerts/services.js';
import { requireText } from '../shared/validate.js';
import { declareIncident, getIncidentSettings, type Incident } from '../incidents/incidents.js';
import { findSeverity } from '../incidents/severities.js';
import { createPage } from '../notifications/pages.js';
import { queueMessage } from '../notifications/outbox.js';
import { whoIsOnCall } from '../schedules/schedules.js';
import type { User } from '../users/users.js';

export interface SecurityReportInput {
  title: string;
  description: string;
  /** A severity key (P0..P4) or a tool's word (critical, high, medium, low, info). Default P2. */
  severity?: string;
  /** The tool or person it came from. */
  source?: string;
  link?: string;
}

export const DEFAULT_SECURITY_SEVERITY = 'P2';

const WORDS: Record<string, string> = {
  critical: 'P1',
  high: 'P2',
  medium: 'P3',
  moderate: 'P3',
  low: 'P4',
  info: 'P4',
  informational: 'P4',
  minor: 'P4',
  major: 'P2',
};

/** P1 / p1 / "critical" -> a severity key; unknown words are left for findSeverity to refuse. */
export function normalizeSeverity(raw: string | undefined): string {
  const s = (raw ?? '').trim();
  if (!s) return DEFAULT_SECURITY_SEVERITY;
  return WORDS[s.toLowerCase()] ?? s.toUpperCase();
}

/** Whoever is on call on any schedule right now. */
async function currentOnCall(r: Repos, now: number): Promise<string[]> {
  const out = new Set<string>();
  for (const o of await whoIsOnCall(r, await r.schedules.list(), now)) for (const c of o.onCall) out.add(c.userId);
  return [...out];
}

/** Integration types whose key may post security reports. */
export const SECURITY_INTEGRATION_TYPES = ['generic', 'security'];

/** Where a security tool's webhook delivery goes: the integration of its key, when it may post reports. */
export type SecurityHookTarget =
  | { found: true; integration: Integration; service: Service }
  | { found: false; reason: 'unknown_integration_key' }
  | { found: false; reason: 'wrong_integration_type'; type: string };

export async function securityHookTarget(deps: CoreDeps, _ctx: Ctx, input: { key: string }): Promise<SecurityHookTarget> {
  const res = await deps.uow.run((r) => findIntegrationByKey(r, input.key));
  if (!res) return { found: false, reason: 'unknown_integration_key' };
  if (!SECURITY_INTEGRATION_TYPES.includes(res.integration.type)) return { found: false, reason: 'wrong_integration_type', type: res.integration.type };
  return { found: true, ...res };
}

/**
 * Files a report in one transaction: the private incident, the channel post, the page. The
 * reporter is the person acting (the form); a tool's webhook has none.
 */
export async function reportSecurityIssue(deps: CoreDeps, ctx: Ctx, input: SecurityReportInput): Promise<Incident> {
  return deps.uow.run((r) => fileReport(r, ctx, ctx.user, input));
}

async function fileReport(r: Repos, ctx: Ctx, reporter: User | undefined, input: SecurityReportInput): Promise<Incident> {
  const now = ctx.now;
  const title = requireText(input.title ?? '', 'title', 200);
  const description = (input.description ?? '').trim();
  if (description.length > 20_000) throw invalid('invalid_field', 'description must be at most 20000 characters.', { field: 'description' });
  if (input.link !== undefined && input.link !== '' && !/^https?:\/\/\S+$/.test(input.link))
    throw invalid('invalid_field', 'link must be an http(s) URL.', { field: 'link' });
  const severity = await findSeverity(r, normalizeSeverity(input.severity));
  const settings = await getIncidentSettings(r);
  const onCall = await currentOnCall(r, now);
  const owner = settings.securityOwnerUserId;
  const members = [...new Set([owner, ...onCall, reporter?.id].filter((x): x is string => !!x))];
  const summary = [
    description,
    input.source ? `Source: ${input.source}` : '',
    input.link ? `Link: ${input.link}` : '',
    reporter ? `Reported by ${reporter.name} <${reporter.email}>` : '',
  ]
    .filter(Boolean)
    .join('\n');

  // Declared with nobody as the acting user: a private incident, no commander page from the
  // declaration (the security owner is paged below, at the severity's urgency).
  const declared = await declareIncident(
    r,
    { now, publicUrl: ctx.publicUrl, actor: ctx.actor },
    { title: `[Security] ${title}`.slice(0, 200), severity: severity.key, summary, private: true, members, sourceType: 'security_report', sourceId: null },
  );
  const commanderId = owner ?? onCall[0] ?? null;
  const incident: Incident = { ...declared, commanderId, declaredBy: reporter?.id ?? null, updatedAt: now };
  await r.incidents.update(incident);
  if (commanderId) await r.incidents.addMember(incident.id, commanderId, 'commander', now);
  await r.events.append({
    entityType: 'incident',
    entityId: incident.id,
    type: 'security.reported',
    actor: ctx.actor,
    data: {
      reporterId: reporter?.id ?? null,
      source: input.source ?? (reporter ? 'form' : 'webhook'),
      link: input.link ?? null,
      severity: severity.key,
      members,
      commanderId,
    },
  });

  const link = `${ctx.publicUrl}/incidents/${incident.id}`;
  const subject = `Security report INC-${incident.number} [${severity.key}] ${title}`;
  if (settings.securityChannel) {
    const mention = settings.oncallUserGroup ? `<!subteam^${settings.oncallUserGroup}> ` : '';
    const body = `${mention}New security report (private incident INC-${incident.number}, ${severity.key}).\n${description.slice(0, 1500)}${description.length > 1500 ? '…' : ''}\n${link}`;
    await queueMessage(r, now, { channel: 'slack_channel', address: settings.securityChannel, subject, body, entityType: 'incident', entityId: incident.id });
  } else {
    await r.events.append({
      entityType: 'incident',
      entityId: incident.id,
      type: 'security.warning',
      actor: SYSTEM_ACTOR,
      data: { warning: 'No security channel is configured (incident settings: securityChannel).' },
    });
  }

  // P0-P2 page at high urgency, anything lower at low urgency. No owner: the on-call hears it.
  const urgency = severity.rank <= 2 ? 'high' : 'low';
  const targets = owner ? [owner] : onCall;
  for (const userId of targets) {
    if (userId === reporter?.id) continue;
    await createPage(r, now, { userId, urgency, subject, text: `${description.slice(0, 500)}\n${link}`, sourceType: 'incident', sourceId: incident.id });
  }
  if (targets.length === 0) {
    await r.events.append({
      entityType: 'incident',
      entityId: incident.id,
      type: 'security.warning',
      actor: SYSTEM_ACTOR,
      data: { warning: 'No security owner is configured and nobody is on call: nobody was paged.' },
    });
  }
  return incident;
}
