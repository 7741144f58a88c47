/**
 * The post-mortem use cases: what adapters (HTTP routes, engine jobs, the Jira reconciler) call.
 * Each opens its own transaction and decides who may do it from the call's context. A change is
 * published as `postmortem.changed` in the same transaction (Notion keeps a copy).
 */
import { audit } from '../audit/audit.js';
import { requireAdmin } from '../auth/permissions.js';
import type { Ctx } from '../shared/context.js';
import { notFound, unauthenticated } from '../shared/errors.js';
import type { CoreDeps, Repos, TimelineEvent } from '../shared/ports.js';
import { parseInstant } from '../shared/validate.js';
import { findIncident } from '../incidents/incidents.js';
import { viewerOf } from '../incidents/use-cases.js';
import type { User } from '../users/users.js';
import {
  addActionItem,
  assertCanEdit,
  createPostmortem,
  editPostmortem,
  findPostmortem,
  nudgeOverdue,
  postmortemIfRequired,
  setPostmortemStatus,
  toHtml,
  toMarkdown,
  updateActionItem,
  type ActionItem,
  type Postmortem,
  type PostmortemPatch,
  type PostmortemStatus,
  type Sections,
} from './postmortems.js';

/** An instant as the caller sent it: epoch ms, or digits / ISO 8601 text. */
type InstantInput = number | string;

const publishChanged = (deps: CoreDeps, r: Repos, pm: Postmortem, suffix = ''): Promise<void> =>
  deps.publish(r, 'postmortem.changed', { entityType: 'postmortem', entityId: pm.id }, `${pm.id}:${pm.updatedAt}:${suffix}`);

function personOf(ctx: Ctx): User {
  if (!ctx.user) throw unauthenticated();
  return ctx.user;
}

function requireEditor(ctx: Ctx, pm: Postmortem): void {
  if (ctx.user) assertCanEdit(pm, ctx.user);
}

async function visiblePostmortem(r: Repos, ctx: Ctx, id: string): Promise<Postmortem> {
  const viewer = viewerOf(ctx);
  if (viewer) return findPostmortem(r, id, viewer);
  const pm = await r.postmortems.find(id);
  if (!pm) throw notFound('postmortem', id);
  return pm;
}

const userNames = async (r: Repos) => new Map((await r.users.list({ includeInactive: true })).map((u) => [u.id, u.name]));

// ---------------------------------------------------------------------------------------------
// Queries

export interface PostmortemQuery {
  q?: string;
  /** A service id or slug. */
  service?: string;
  severity?: string;
  tag?: string;
  status?: PostmortemStatus;
  from?: InstantInput;
  to?: InstantInput;
}

/** Full-text search across every section, with filters; private incidents' post-mortems only for those who may see them. */
export async function searchPostmortems(deps: CoreDeps, ctx: Ctx, q: PostmortemQuery): Promise<Postmortem[]> {
  return deps.uow.run(async (r) => {
    const serviceId = q.service ? ((await r.alerts.findService(q.service))?.id ?? 'none') : undefined;
    const found = await r.postmortems.search({
      ...(q.q ? { q: q.q } : {}),
      ...(serviceId ? { serviceId } : {}),
      ...(q.severity ? { severity: q.severity.toUpperCase() } : {}),
      ...(q.tag ? { tag: q.tag } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.from ? { from: parseInstant(q.from, 'from') } : {}),
      ...(q.to ? { to: parseInstant(q.to, 'to') } : {}),
    });
    const viewer = viewerOf(ctx);
    const visible = [];
    for (const pm of found) {
      try {
        await findIncident(r, pm.incidentId, viewer);
        visible.push(pm);
      } catch {
        /* private incident: not for this viewer */
      }
    }
    return visible;
  });
}

export interface PostmortemDetail {
  postmortem: Postmortem;
  actionItems: ActionItem[];
  comments: Array<{ id: string; authorId: string | null; body: string; at: number }>;
  revisions: Array<{ id: string; authorId: string | null; at: number }>;
  timeline: TimelineEvent[];
}

/** A post-mortem with its action items, comments, edit history and timeline. */
export async function postmortemDetail(deps: CoreDeps, ctx: Ctx, input: { id: string }): Promise<PostmortemDetail> {
  return deps.uow.run(async (r) => {
    const pm = await visiblePostmortem(r, ctx, input.id);
    return {
      postmortem: pm,
      actionItems: await r.postmortems.actionItems(pm.id),
      comments: await r.postmortems.comments(pm.id),
      revisions: (await r.postmortems.revisions(pm.id)).map((x) => ({ id: x.id, authorId: x.authorId, at: x.at })),
      timeline: await r.events.list('postmortem', pm.id),
    };
  });
}

/** The post-mortem as Markdown, or as print-friendly HTML. */
export async function exportPostmortem(deps: CoreDeps, ctx: Ctx, input: { id: string; format: 'md' | 'html' }): Promise<{ postmortem: Postmortem; text: string }> {
  const { pm, items, names } = await deps.uow.run(async (r) => {
    const pm = await visiblePostmortem(r, ctx, input.id);
    return { pm, items: await r.postmortems.actionItems(pm.id), names: await userNames(r) };
  });
  return { postmortem: pm, text: input.format === 'html' ? toHtml(pm, items, names) : toMarkdown(pm, items, names) };
}

// ---------------------------------------------------------------------------------------------
// Changes

/** Creates the post-mortem of an incident on demand (idempotent: answers the existing one). */
export async function startPostmortem(deps: CoreDeps, ctx: Ctx, input: { incidentRef: string }): Promise<Postmortem> {
  return deps.uow.run(async (r) => {
    const pm = await createPostmortem(r, ctx.actor, await findIncident(r, input.incidentRef, viewerOf(ctx)), ctx.now);
    await publishChanged(deps, r, pm);
    return pm;
  });
}

export interface PostmortemChange extends Omit<PostmortemPatch, 'dueAt'> {
  dueAt?: InstantInput | null;
}

/** Edits sections, title, tags, owner or due date (each section edit is kept in the history). */
export async function changePostmortem(deps: CoreDeps, ctx: Ctx, input: { id: string; patch: PostmortemChange }): Promise<Postmortem> {
  return deps.uow.run(async (r) => {
    const pm = await visiblePostmortem(r, ctx, input.id);
    requireEditor(ctx, pm);
    const { dueAt, ...rest } = input.patch;
    const next = await editPostmortem(r, ctx.actor, pm, { ...rest, ...(dueAt !== undefined ? { dueAt: dueAt === null ? null : parseInstant(dueAt, 'dueAt') } : {}) }, ctx.now);
    await publishChanged(deps, r, next);
    return next;
  });
}

/** Moves through draft -> in_review -> published (publishing needs the summary, root cause and an action item). */
export async function movePostmortem(deps: CoreDeps, ctx: Ctx, input: { id: string; status: PostmortemStatus }): Promise<Postmortem> {
  return deps.uow.run(async (r) => {
    const pm = await visiblePostmortem(r, ctx, input.id);
    requireEditor(ctx, pm);
    const next = await setPostmortemStatus(r, ctx.actor, pm, input.status, ctx.now, ctx.publicUrl);
    await publishChanged(deps, r, next);
    return next;
  });
}

export async function commentOnPostmortem(deps: CoreDeps, ctx: Ctx, input: { id: string; body: string }): Promise<{ id: string }> {
  const author = personOf(ctx);
  return deps.uow.run(async (r) => {
    const pm = await visiblePostmortem(r, ctx, input.id);
    return r.postmortems.addComment(pm.id, author.id, input.body, ctx.now);
  });
}

/** Adds an action item (owner required); `createTicket` files it in Jira and follows its status. */
export async function addPostmortemActionItem(deps: CoreDeps, ctx: Ctx, input: { id: string; title: string; ownerId: string; dueAt?: InstantInput; createTicket?: boolean }): Promise<ActionItem> {
  return deps.uow.run(async (r) => {
    const pm = await visiblePostmortem(r, ctx, input.id);
    requireEditor(ctx, pm);
    const item = await addActionItem(r, ctx.actor, pm, { title: input.title, ownerId: input.ownerId, ...(input.dueAt !== undefined ? { dueAt: parseInstant(input.dueAt, 'dueAt') } : {}), ...(input.createTicket ? { createTicket: true } : {}) }, ctx.now);
    await publishChanged(deps, r, pm, item.id);
    return item;
  });
}

export interface ActionItemChange {
  status?: 'open' | 'done';
  title?: string;
  dueAt?: InstantInput | null;
  createTicket?: boolean;
}

/** Updates an action item (status, title, due date, createTicket). */
export async function changeActionItem(deps: CoreDeps, ctx: Ctx, input: { id: string; patch: ActionItemChange }): Promise<ActionItem> {
  return deps.uow.run(async (r) => {
    const item = await r.postmortems.findActionItem(input.id);
    if (!item) throw notFound('action_item', input.id);
    const pm = await visiblePostmortem(r, ctx, item.postmortemId);
    requireEditor(ctx, pm);
    const { dueAt, ...rest } = input.patch;
    const next = await updateActionItem(r, ctx.actor, item, { ...rest, ...(dueAt !== undefined ? { dueAt: dueAt === null ? null : parseInstant(dueAt, 'dueAt') } : {}) }, ctx.now);
    await publishChanged(deps, r, pm, `${item.id}:${ctx.now}`);
    return next;
  });
}

/** Replaces the post-mortem template (each section's starting text); admins. */
export async function setPostmortemTemplate(deps: CoreDeps, ctx: Ctx, sections: Partial<Sections>): Promise<void> {
  if (!ctx.principal) throw unauthenticated();
  requireAdmin(ctx.principal, 'change the post-mortem template');
  const actor = ctx.actor;
  await deps.uow.run(async (r) => {
    const raw = await r.settings.get('postmortem_template');
    await r.settings.set('postmortem_template', JSON.stringify(sections));
    await audit(r, actor, { action: 'postmortem_template.updated', entityType: 'settings', entityId: 'postmortem_template', before: raw ? (JSON.parse(raw) as unknown) : null, after: sections });
  });
}

// ---------------------------------------------------------------------------------------------
// Jobs

/** Reminder job: an unpublished post-mortem or an open action item past due nudges its owner. */
export async function remindOverdue(deps: CoreDeps, ctx: Ctx, input: { postmortemId: string }): Promise<void> {
  await deps.uow.run((r) => nudgeOverdue(r, input.postmortemId, ctx.now, ctx.publicUrl));
}

/** An incident was resolved: its post-mortem is drafted if the severity requires one. */
export async function draftRequiredPostmortem(deps: CoreDeps, ctx: Ctx, input: { incidentId: string }): Promise<Postmortem | undefined> {
  return deps.uow.run(async (r) => {
    const pm = await postmortemIfRequired(r, input.incidentId, ctx.now);
    if (pm) await publishChanged(deps, r, pm);
    return pm;
  });
}

/** What a Jira ticket for an action item needs; undefined when it has one already (or is gone). */
export async function actionItemForTicket(deps: CoreDeps, _ctx: Ctx, input: { actionItemId: string }): Promise<{ item: ActionItem; postmortemTitle: string; ownerEmail: string | null } | undefined> {
  return deps.uow.run(async (r) => {
    const item = await r.postmortems.findActionItem(input.actionItemId);
    if (!item || item.jiraKey) return undefined;
    const pm = await r.postmortems.find(item.postmortemId);
    const owner = await r.users.findById(item.ownerId);
    return { item, postmortemTitle: pm?.title ?? '', ownerEmail: owner?.email ?? null };
  });
}

/** The ticket could not be filed: on the post-mortem's timeline. */
export async function actionItemTicketFailed(deps: CoreDeps, ctx: Ctx, input: { actionItemId: string; error: string }): Promise<void> {
  await deps.uow.run(async (r) => {
    const item = await r.postmortems.findActionItem(input.actionItemId);
    if (item) await r.events.append({ entityType: 'postmortem', entityId: item.postmortemId, type: 'action_item.ticket_failed', actor: ctx.actor, data: { actionItemId: item.id, error: input.error } });
  });
}

/** The ticket was filed: linked to the action item (once). */
export async function actionItemTicketCreated(deps: CoreDeps, ctx: Ctx, input: { actionItemId: string; key: string; url: string }): Promise<void> {
  await deps.uow.run(async (r) => {
    const item = await r.postmortems.findActionItem(input.actionItemId);
    if (!item || item.jiraKey) return;
    await r.postmortems.updateActionItem({ ...item, jiraKey: input.key, jiraUrl: input.url, jiraStatus: 'To Do', updatedAt: ctx.now });
    await r.events.append({ entityType: 'postmortem', entityId: item.postmortemId, type: 'action_item.ticket_created', actor: ctx.actor, data: { actionItemId: item.id, key: input.key, url: input.url } });
  });
}

/** Open action items whose Jira tickets are followed. */
export async function actionItemsWithTickets(deps: CoreDeps, _ctx: Ctx, _input: Record<string, never> = {}): Promise<ActionItem[]> {
  return deps.uow.run((r) => r.postmortems.openActionItemsWithTickets());
}

/** A followed ticket's status as Jira has it: recorded on change; a ticket that is done closes its action item. */
export async function followTicket(deps: CoreDeps, ctx: Ctx, input: { actionItemId: string; jiraStatus: string | null; done: boolean }): Promise<void> {
  const { jiraStatus, done } = input;
  await deps.uow.run(async (r) => {
    const item = await r.postmortems.findActionItem(input.actionItemId);
    if (!item || (jiraStatus === item.jiraStatus && !done)) return;
    await r.postmortems.updateActionItem({ ...item, jiraStatus, status: done ? 'done' : item.status, updatedAt: ctx.now });
    if (done) await r.events.append({ entityType: 'postmortem', entityId: item.postmortemId, type: 'action_item.done_in_jira', actor: ctx.actor, data: { actionItemId: item.id, key: item.jiraKey } });
  });
}
