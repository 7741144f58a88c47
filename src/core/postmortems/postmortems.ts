/**
 * Post-mortems: what went wrong and the steps that led there. Created when an incident whose
 * severity requires one is resolved (or on demand), owned by the commander, due per the severity,
 * reviewed and published; searchable; action items can become Jira tickets whose status is
 * followed back. A published P0 post-mortem is emailed to the company.
 */
import { POSTMORTEM_REMINDER_JOB, ACTION_ITEM_TICKET_JOB } from '../shared/jobs.js';
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { SYSTEM_ACTOR, type Actor, type Repos } from '../shared/ports.js';
import { shownToEveryone } from '../auth/permissions.js';
import { requireText } from '../shared/validate.js';
import { findIncident, getIncidentSettings, type Incident } from '../incidents/incidents.js';
import { findSeverity } from '../incidents/severities.js';
import { queueMessage } from '../notifications/outbox.js';
import type { User } from '../users/users.js';

export const SECTION_KEYS = ['summary', 'impact', 'timeline', 'rootCause', 'contributingFactors', 'wentWell', 'wentBadly'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];
export type Sections = Record<SectionKey, string>;
export type PostmortemStatus = 'draft' | 'in_review' | 'published';

export const SECTION_TITLES: Record<SectionKey, string> = {
  summary: 'Summary',
  impact: 'Impact (who, how long, how much)',
  timeline: 'Timeline',
  rootCause: 'Root cause',
  contributingFactors: 'Contributing factors and the steps that led there',
  wentWell: 'What went well',
  wentBadly: 'What went badly',
};

export const DEFAULT_TEMPLATE: Sections = {
  summary: 'What happened, in two or three sentences.',
  impact: 'Who was affected, for how long, and how much (requests failed, revenue, support tickets).',
  timeline: '',
  rootCause: 'The underlying cause, not the trigger.',
  contributingFactors: '- The steps that led there, one per line, and why each was possible.',
  wentWell: '- ',
  wentBadly: '- ',
};

export interface Postmortem {
  id: string;
  incidentId: string;
  title: string;
  status: PostmortemStatus;
  ownerId: string | null;
  dueAt: number | null;
  severity: string;
  serviceIds: string[];
  tags: string[];
  sections: Sections;
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
}

export interface ActionItem {
  id: string;
  postmortemId: string;
  title: string;
  ownerId: string;
  dueAt: number | null;
  status: 'open' | 'done';
  jiraKey: string | null;
  jiraUrl: string | null;
  jiraStatus: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface PostmortemSearch {
  q?: string;
  serviceId?: string;
  severity?: string;
  tag?: string;
  from?: number;
  to?: number;
  status?: PostmortemStatus;
  limit?: number;
}

export interface PostmortemsRepo {
  insert(p: Postmortem): Promise<void>;
  update(p: Postmortem): Promise<void>;
  find(id: string): Promise<Postmortem | undefined>;
  findByIncident(incidentId: string): Promise<Postmortem | undefined>;
  search(s: PostmortemSearch): Promise<Postmortem[]>;
  addRevision(postmortemId: string, authorId: string | null, sections: Sections, at: number): Promise<void>;
  revisions(postmortemId: string): Promise<Array<{ id: string; authorId: string | null; sections: Sections; at: number }>>;
  addComment(postmortemId: string, authorId: string | null, body: string, at: number): Promise<{ id: string }>;
  comments(postmortemId: string): Promise<Array<{ id: string; authorId: string | null; body: string; at: number }>>;
  insertActionItem(a: ActionItem): Promise<void>;
  updateActionItem(a: ActionItem): Promise<void>;
  actionItems(postmortemId: string): Promise<ActionItem[]>;
  findActionItem(id: string): Promise<ActionItem | undefined>;
  openActionItemsWithTickets(): Promise<ActionItem[]>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    postmortems: PostmortemsRepo;
  }
}

export { POSTMORTEM_REMINDER_JOB } from '../shared/jobs.js';
export { ACTION_ITEM_TICKET_JOB } from '../shared/jobs.js';

export async function getTemplate(r: Repos): Promise<Sections> {
  const raw = await r.settings.get('postmortem_template');
  return { ...DEFAULT_TEMPLATE, ...(raw ? (JSON.parse(raw) as Partial<Sections>) : {}) };
}

function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** The incident's timeline as an editable list, for the post-mortem's Timeline section. */
async function timelineText(r: Repos, incident: Incident): Promise<string> {
  const names = new Map<string, string>();
  const nameOf = async (id: string | null | undefined) => {
    if (!id) return 'Vigil';
    if (!names.has(id)) names.set(id, (await r.users.findById(id))?.name ?? id);
    return names.get(id)!;
  };
  const lines: string[] = [];
  for (const e of await r.events.list('incident', incident.id, { limit: 5000 })) {
    const d = e.data as Record<string, unknown>;
    const who = await nameOf(e.actor.id);
    const text =
      e.type === 'incident.declared'
        ? `${who} declared the incident (${String(d.severity)})`
        : e.type === 'incident.status_changed'
          ? `${who}: status ${String(d.from)} → ${String(d.to)}${d.reason ? ` (${String(d.reason)})` : ''}`
          : e.type === 'incident.severity_changed'
            ? `${who}: severity ${String(d.from)} → ${String(d.to)}${d.reason ? ` (${String(d.reason)})` : ''}`
            : e.type === 'incident.update'
              ? `Update by ${who}: ${String(d.text)}`
              : e.type === 'incident.note'
                ? `Note by ${who}: ${String(d.note)}`
                : e.type === 'incident.paged'
                  ? `${who} paged ${(d.userIds as string[] | undefined)?.length ?? 0} people (${String((d.target as { type?: string })?.type)} ${String((d.target as { id?: string })?.id)})`
                  : e.type === 'incident.commander_changed'
                    ? `${who} handed the commander role to ${String(d.name)}`
                    : e.type === 'incident.comms_lead_changed'
                      ? `${String(d.name)} became comms lead`
                      : undefined;
    if (text) lines.push(`- ${formatTime(e.at)} — ${text}`);
  }
  return lines.join('\n');
}

/** Creates the draft post-mortem of an incident (idempotent: returns the existing one). */
export async function createPostmortem(r: Repos, actor: Actor, incident: Incident, now: number): Promise<Postmortem> {
  const existing = await r.postmortems.findByIncident(incident.id);
  if (existing) return existing;
  const severity = await findSeverity(r, incident.severity);
  const template = await getTemplate(r);
  const start = incident.startedAt;
  const end = incident.resolvedAt ?? now;
  const pm: Postmortem = {
    id: newId(now),
    incidentId: incident.id,
    title: `INC-${incident.number}: ${incident.title}`,
    status: 'draft',
    ownerId: incident.commanderId,
    dueAt: (incident.resolvedAt ?? now) + severity.postmortemDueDays * 86_400_000,
    severity: incident.severity,
    serviceIds: incident.serviceIds,
    tags: [],
    sections: {
      ...template,
      summary: incident.summary || template.summary,
      impact: `${template.impact}\nDuration: ${Math.round((end - start) / 60_000)} minutes (${formatTime(start)} to ${formatTime(end)}).`,
      timeline: await timelineText(r, incident),
    },
    createdAt: now,
    updatedAt: now,
    publishedAt: null,
  };
  await r.postmortems.insert(pm);
  await r.postmortems.addRevision(pm.id, actor.id, pm.sections, now);
  await r.events.append({ entityType: 'incident', entityId: incident.id, type: 'postmortem.created', actor, data: { postmortemId: pm.id, ownerId: pm.ownerId, dueAt: pm.dueAt } });
  await r.events.append({ entityType: 'postmortem', entityId: pm.id, type: 'postmortem.created', actor, data: { incidentId: incident.id } });
  if (pm.dueAt) await r.jobs.enqueue({ kind: POSTMORTEM_REMINDER_JOB, payload: { postmortemId: pm.id, dueAt: pm.dueAt }, runAt: pm.dueAt, dedupeKey: `pm-reminder:${pm.id}:${pm.dueAt}` });
  return pm;
}

/** Job: an incident was resolved; its post-mortem is created if the severity requires one. */
export async function postmortemIfRequired(r: Repos, incidentId: string, now: number): Promise<Postmortem | undefined> {
  const incident = await r.incidents.find(incidentId);
  if (!incident || incident.status !== 'resolved') return undefined;
  const severity = await findSeverity(r, incident.severity);
  if (!severity.postmortemRequired) return undefined;
  return createPostmortem(r, SYSTEM_ACTOR, incident, now);
}

export async function findPostmortem(r: Repos, id: string, viewer: { id: string; isAdmin: boolean }): Promise<Postmortem> {
  const pm = await r.postmortems.find(id);
  if (!pm) throw notFound('postmortem', id);
  // A private incident's post-mortem is as private as the incident.
  await findIncident(r, pm.incidentId, viewer);
  return pm;
}

export interface PostmortemPatch {
  title?: string;
  sections?: Partial<Sections>;
  tags?: string[];
  ownerId?: string;
  dueAt?: number | null;
}

export async function editPostmortem(r: Repos, actor: Actor, pm: Postmortem, patch: PostmortemPatch, now: number): Promise<Postmortem> {
  if (pm.status === 'published') throw conflict('postmortem_published', 'This post-mortem is published; reopen it for review to edit.');
  for (const k of Object.keys(patch.sections ?? {})) if (!(SECTION_KEYS as readonly string[]).includes(k)) throw invalid('unknown_section', `Unknown section "${k}"; sections are ${SECTION_KEYS.join(', ')}.`, { field: `sections.${k}` });
  let ownerId = pm.ownerId;
  if (patch.ownerId !== undefined) {
    const u = patch.ownerId.includes('@') ? await r.users.findByEmail(patch.ownerId.toLowerCase()) : await r.users.findById(patch.ownerId);
    if (!u) throw invalid('unknown_user', `ownerId: no user "${patch.ownerId}".`, { field: 'ownerId' });
    ownerId = u.id;
  }
  const next: Postmortem = {
    ...pm,
    title: patch.title !== undefined ? requireText(patch.title, 'title', 300) : pm.title,
    sections: { ...pm.sections, ...(patch.sections ?? {}) },
    tags: patch.tags ?? pm.tags,
    ownerId,
    dueAt: patch.dueAt === undefined ? pm.dueAt : patch.dueAt,
    updatedAt: now,
  };
  await r.postmortems.update(next);
  if (patch.sections) await r.postmortems.addRevision(pm.id, actor.id, next.sections, now);
  await r.events.append({ entityType: 'postmortem', entityId: pm.id, type: 'postmortem.edited', actor, data: { sections: Object.keys(patch.sections ?? {}), ...(patch.ownerId ? { ownerId } : {}) } });
  return next;
}

/** The text a reader would see: true when the author replaced the template's placeholders. */
function isWritten(pm: Postmortem, template: Sections): boolean {
  return (['summary', 'rootCause'] as const).every((k) => pm.sections[k].trim() && pm.sections[k].trim() !== template[k].trim());
}

export async function setPostmortemStatus(r: Repos, actor: Actor, pm: Postmortem, status: PostmortemStatus, now: number, publicUrl: string): Promise<Postmortem> {
  if (status === pm.status) return pm;
  if (status === 'published') {
    if (!isWritten(pm, await getTemplate(r))) throw invalid('postmortem_empty', 'Write at least the summary and the root cause before publishing.', { field: 'sections' });
    const items = await r.postmortems.actionItems(pm.id);
    if (items.length === 0) throw invalid('postmortem_no_action_items', 'Add at least one action item before publishing.', { field: 'actionItems' });
  }
  const next: Postmortem = { ...pm, status, publishedAt: status === 'published' ? now : pm.publishedAt, updatedAt: now };
  await r.postmortems.update(next);
  await r.events.append({ entityType: 'postmortem', entityId: pm.id, type: `postmortem.${status}`, actor, data: {} });
  if (status === 'published') {
    await r.jobs.cancelPending(`pm-reminder:${pm.id}:`);
    const severity = await findSeverity(r, pm.severity);
    const incident = await r.incidents.find(pm.incidentId);
    const settings = await getIncidentSettings(r);
    if (severity.postmortemEmailed && settings.companyEmail && incident && shownToEveryone(incident)) {
      await queueMessage(r, now, {
        channel: 'email',
        address: settings.companyEmail,
        subject: `Post-mortem: ${pm.title}`,
        body: toMarkdown(next, await r.postmortems.actionItems(pm.id), new Map()),
        extra: { html: toHtml(next, await r.postmortems.actionItems(pm.id), await userNames(r)), threadKey: `incident-${pm.incidentId}` },
        entityType: 'postmortem',
        entityId: pm.id,
      });
      await r.events.append({ entityType: 'postmortem', entityId: pm.id, type: 'postmortem.emailed', actor, data: { to: settings.companyEmail, link: `${publicUrl}/postmortems/${pm.id}` } });
    }
  }
  return next;
}

async function userNames(r: Repos): Promise<Map<string, string>> {
  return new Map((await r.users.list({ includeInactive: true })).map((u) => [u.id, u.name]));
}

export async function addActionItem(r: Repos, actor: Actor, pm: Postmortem, input: { title: string; ownerId: string; dueAt?: number | null; createTicket?: boolean }, now: number): Promise<ActionItem> {
  if (!input.ownerId) throw invalid('action_item_owner_required', 'An action item needs an owner.', { field: 'ownerId' });
  const owner = input.ownerId.includes('@') ? await r.users.findByEmail(input.ownerId.toLowerCase()) : await r.users.findById(input.ownerId);
  if (!owner) throw invalid('unknown_user', `ownerId: no user "${input.ownerId}".`, { field: 'ownerId' });
  const item: ActionItem = {
    id: newId(now),
    postmortemId: pm.id,
    title: requireText(input.title, 'title', 300),
    ownerId: owner.id,
    dueAt: input.dueAt ?? null,
    status: 'open',
    jiraKey: null,
    jiraUrl: null,
    jiraStatus: null,
    createdAt: now,
    updatedAt: now,
  };
  await r.postmortems.insertActionItem(item);
  await r.events.append({ entityType: 'postmortem', entityId: pm.id, type: 'action_item.added', actor, data: { actionItemId: item.id, title: item.title, ownerId: owner.id } });
  if (input.createTicket) await r.jobs.enqueue({ kind: ACTION_ITEM_TICKET_JOB, payload: { actionItemId: item.id }, dedupeKey: `ticket:${item.id}` });
  return item;
}

export async function updateActionItem(r: Repos, actor: Actor, item: ActionItem, patch: { status?: 'open' | 'done'; title?: string; dueAt?: number | null; createTicket?: boolean }, now: number): Promise<ActionItem> {
  const next: ActionItem = { ...item, ...(patch.status ? { status: patch.status } : {}), ...(patch.title ? { title: requireText(patch.title, 'title', 300) } : {}), ...(patch.dueAt !== undefined ? { dueAt: patch.dueAt } : {}), updatedAt: now };
  await r.postmortems.updateActionItem(next);
  await r.events.append({ entityType: 'postmortem', entityId: item.postmortemId, type: 'action_item.updated', actor, data: { actionItemId: item.id, ...patch } });
  if (patch.createTicket && !item.jiraKey) await r.jobs.enqueue({ kind: ACTION_ITEM_TICKET_JOB, payload: { actionItemId: item.id }, dedupeKey: `ticket:${item.id}` });
  return next;
}

/** An unpublished post-mortem or an open action item past due nudges its owner. */
export async function nudgeOverdue(r: Repos, postmortemId: string, now: number, publicUrl: string): Promise<void> {
  const pm = await r.postmortems.find(postmortemId);
  if (!pm) return;
  const nudge = async (userId: string | null, subject: string, body: string) => {
    const u = userId ? await r.users.findById(userId) : undefined;
    if (!u) return;
    await queueMessage(r, now, { ...(u.slackUserId ? { channel: 'slack_dm' as const, address: u.slackUserId } : { channel: 'email' as const, address: u.email }), subject, body, entityType: 'postmortem', entityId: pm.id });
  };
  if (pm.status !== 'published' && pm.dueAt !== null && pm.dueAt <= now) {
    await nudge(pm.ownerId, `Post-mortem overdue: ${pm.title}`, `It was due ${formatTime(pm.dueAt)}. ${publicUrl}/postmortems/${pm.id}`);
    await r.events.append({ entityType: 'postmortem', entityId: pm.id, type: 'postmortem.overdue', actor: SYSTEM_ACTOR, data: { ownerId: pm.ownerId } });
    const again = now + 2 * 86_400_000;
    await r.jobs.enqueue({ kind: POSTMORTEM_REMINDER_JOB, payload: { postmortemId: pm.id, dueAt: again }, runAt: again, dedupeKey: `pm-reminder:${pm.id}:${again}` });
  }
  for (const item of await r.postmortems.actionItems(pm.id)) {
    if (item.status === 'open' && item.dueAt !== null && item.dueAt <= now) {
      await nudge(item.ownerId, `Action item overdue: ${item.title}`, `From ${pm.title}. ${publicUrl}/postmortems/${pm.id}`);
      await r.events.append({ entityType: 'postmortem', entityId: pm.id, type: 'action_item.overdue', actor: SYSTEM_ACTOR, data: { actionItemId: item.id } });
    }
  }
}

export function assertCanEdit(pm: Postmortem, user: User): void {
  if (user.role === 'stakeholder') throw forbidden('Stakeholders read post-mortems; responders write them.');
  void pm;
}

// ---------------------------------------------------------------------------------------------
// Export

export function toMarkdown(pm: Postmortem, items: ActionItem[], names: Map<string, string>): string {
  const out = [`# ${pm.title}`, '', `Severity: ${pm.severity} · Status: ${pm.status}${pm.tags.length ? ` · Tags: ${pm.tags.join(', ')}` : ''}`, ''];
  for (const k of SECTION_KEYS) out.push(`## ${SECTION_TITLES[k]}`, '', pm.sections[k].trim() || '_(empty)_', '');
  out.push('## Action items', '');
  for (const a of items) out.push(`- [${a.status === 'done' ? 'x' : ' '}] ${a.title} — ${names.get(a.ownerId) ?? a.ownerId}${a.dueAt ? `, due ${new Date(a.dueAt).toISOString().slice(0, 10)}` : ''}${a.jiraKey ? ` (${a.jiraKey}${a.jiraStatus ? `: ${a.jiraStatus}` : ''})` : ''}`);
  return `${out.join('\n')}\n`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Minimal Markdown to HTML (paragraphs, lists, bold, code) for email and print. */
export function markdownToHtml(md: string): string {
  const blocks = md.split(/\n{2,}/);
  return blocks
    .map((b) => {
      const lines = b.split('\n');
      const inline = (s: string) => esc(s).replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/`([^`]+)`/g, '<code>$1</code>').replace(/_([^_]+)_/g, '<em>$1</em>');
      if (lines.every((l) => /^\s*[-*] /.test(l))) return `<ul>${lines.map((l) => `<li>${inline(l.replace(/^\s*[-*] (\[[ x]\] )?/, ''))}</li>`).join('')}</ul>`;
      const h = /^(#{1,3}) (.*)$/.exec(lines[0] ?? '');
      if (h && lines.length === 1) return `<h${h[1]!.length}>${inline(h[2]!)}</h${h[1]!.length}>`;
      return `<p>${lines.map(inline).join('<br>')}</p>`;
    })
    .join('\n');
}

/** Print-friendly HTML (PDF via the browser's print). */
export function toHtml(pm: Postmortem, items: ActionItem[], names: Map<string, string>): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(pm.title)}</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:760px;margin:2em auto;color:#1f2430}h1{font-size:1.6em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}code{background:#f3f3f3;padding:0 3px}@media print{body{margin:0}}</style></head><body>${markdownToHtml(toMarkdown(pm, items, names))}</body></html>`;
}
