/**
 * What notifications does when other domains' events happen: the Slack user group follows the
 * on-call, hand-offs are announced, the incoming on-call is reminded, swap requests reach the team,
 * verification codes and import summaries reach their person. Also the Slack `/oncall` answer.
 * Each is a use case: it opens its own transactions, and calls Slack (a port) outside them.
 */
import { backlogSuggestionLine } from '../backlog/backlog.js';
import { findSchedule, whoIsOnCall } from '../schedules/schedules.js';
import type { Ctx } from '../shared/context.js';
import { newId } from '../shared/ids.js';
import type { Repos, CoreDeps } from '../shared/ports.js';
import type { User } from '../users/users.js';
import { ChannelError, type ChannelType, type SlackWorkspace } from './channels.js';
import { checklistFor } from './notifications.js';
import { queueMessage } from './outbox.js';
import { formatLocal, render } from './templates.js';

const names = async (r: Repos, ids: string[]): Promise<string> => {
  const out: string[] = [];
  for (const id of ids) out.push((await r.users.findById(id))?.name ?? id);
  return out.length ? out.join(', ') : 'nobody';
};

/** Where a person gets a non-paging message: their Slack DM when linked and Slack DMs are on, else email. */
function personalLane(user: User, slackDm: boolean): { channel: ChannelType; address: string } {
  if (user.slackUserId && slackDm) return { channel: 'slack_dm', address: user.slackUserId };
  return { channel: 'email', address: user.email };
}

/** The answer to `/oncall [schedule]`: who is on call now and next, and a backlog hint for the caller. */
export async function onCallReply(deps: CoreDeps, ctx: Ctx, input: { text: string }): Promise<{ text: string }> {
  const { text } = input;
  return deps.uow.run(async (r) => {
    const schedules = text ? [await findSchedule(r, text.split(/\s+/)[0]!)] : await r.schedules.list();
    if (schedules.length === 0) return { text: 'There are no schedules yet.' };
    const lines: string[] = [];
    for (const o of await whoIsOnCall(r, schedules, ctx.now)) {
      const nowNames = o.gap ? '_nobody (gap)_' : await names(r, o.onCall.map((c) => c.userId));
      const until = o.onCall[0] ? ` until ${formatLocal(o.onCall[0].until, o.schedule.timeZone)}` : '';
      const next = o.next.length ? `; next: ${await names(r, o.next.map((n) => n.userId))} from ${formatLocal(o.next[0]!.start, o.schedule.timeZone)}` : '';
      lines.push(`*${o.schedule.name}*: ${nowNames}${until}${next}`);
    }
    // When nothing is open for this person, suggest better-engineering work.
    if (ctx.user) {
      const hint = await backlogSuggestionLine(r, ctx.user.id, ctx.publicUrl);
      if (hint) lines.push('', hint);
    }
    return { text: lines.join('\n') };
  });
}

/** The verification job: sends the code (and link) to a contact method not verified yet. */
export async function sendVerification(deps: CoreDeps, ctx: Ctx, input: { contactMethodId: string; code: unknown; link?: unknown }): Promise<void> {
  await deps.uow.run(async (r) => {
    const c = await r.notifications.findContact(input.contactMethodId);
    if (!c || c.verifiedAt) return;
    const link = input.link ? `\nOr confirm by opening this link: ${ctx.publicUrl}/verify/${String(input.link)}` : '';
    const t = await render(r, 'contact.verification', { code: input.code, link });
    await queueMessage(r, ctx.now, { channel: c.type, address: c.address, subject: t.subject, body: t.body, entityType: 'user', entityId: c.userId });
  });
}

/**
 * After an import: link the Slack account of the same email (a DM to it needs no code), then one
 * email listing what was imported, with a link to confirm or change it.
 */
export async function notifyContactsImported(
  deps: CoreDeps,
  ctx: Ctx,
  input: { userId: string; importedFrom: string; reverify: boolean; slack?: Pick<SlackWorkspace, 'lookupUserByEmail'> },
): Promise<void> {
  const user = await deps.uow.run((r) => r.users.findById(input.userId));
  if (!user) return;
  let slackId = user.slackUserId;
  if (!slackId && input.slack) {
    slackId = (await input.slack.lookupUserByEmail(user.email).catch(() => undefined))?.id ?? null;
  }
  await deps.uow.run(async (r) => {
    const now = ctx.now;
    const current = await r.users.findById(input.userId);
    if (!current) return;
    if (slackId && !current.slackUserId && !(await r.users.findBySlackId(slackId))) {
      await r.users.update({ ...current, slackUserId: slackId, updatedAt: now });
      await r.events.append({ entityType: 'user', entityId: current.id, type: 'user.slack_linked', actor: ctx.actor, data: { slackUserId: slackId, via: 'email' } });
    }
    const contacts = await r.notifications.listContacts(current.id);
    const linked = (await r.users.findById(current.id))?.slackUserId;
    if (linked && !contacts.some((c) => c.type === 'slack_dm' && c.address === linked)) {
      const c = { id: newId(now), userId: current.id, type: 'slack_dm' as const, address: linked, label: 'Slack (matched by email)', verifiedAt: now, disabled: false, importedFrom: input.importedFrom, confirmedAt: null, createdAt: now, updatedAt: now };
      await r.notifications.insertContact(c);
      contacts.push(c);
      await r.events.append({ entityType: 'user', entityId: current.id, type: 'contact_method.imported', actor: ctx.actor, data: { contactMethodId: c.id, type: c.type, address: c.address, importedFrom: input.importedFrom, verified: true } });
    }
    const label: Record<string, string> = { email: 'Email', sms: 'SMS', voice: 'Voice call', slack_dm: 'Slack DM', webhook: 'Webhook' };
    const listed = contacts.filter((c) => c.importedFrom && !c.confirmedAt).map((c) => `- ${label[c.type] ?? c.type}: ${c.address}${c.verifiedAt ? '' : ' (send yourself a code to verify it)'}`);
    const rules = (await r.notifications.listRules(current.id)).map((rule) => {
      const c = contacts.find((x) => x.id === rule.contactMethodId);
      return `- ${rule.urgency} urgency: ${c ? `${label[c.type] ?? c.type} ${c.address}` : '?'} ${rule.delayMinutes ? `after ${rule.delayMinutes} min` : 'at once'}`;
    });
    const link = `${ctx.publicUrl}/settings/notifications`;
    const body = [
      `Hello ${current.name},`,
      '',
      `Your on-call setup was imported from ${input.importedFrom} into Vigil${input.reverify ? ', and your admin asks you to verify each contact method again before it is used' : ', as it was there: Vigil pages you through it from now on'}.`,
      '',
      'Contact methods:',
      ...listed,
      '',
      'Notification rules:',
      ...(rules.length ? rules : ['- none: pages go to all your verified contact methods at once']),
      '',
      `Confirm or change them: ${link}`,
    ].join('\n');
    await queueMessage(r, now, { channel: 'email', address: current.email, subject: `Your on-call setup was imported from ${input.importedFrom}`, body, entityType: 'user', entityId: current.id });
  });
}

/**
 * The schedule's Slack user group follows whoever is on call now. A Slack outage is retried (the
 * answer says when); a refusal (no such group, a missing scope) waits for the next hand-off or
 * schedule change instead of being asked again every 30 s. Without Slack, nothing happens.
 */
export async function syncUserGroup(deps: CoreDeps, ctx: Ctx, input: { scheduleId: string; slack?: Pick<SlackWorkspace, 'setUserGroupMembers'> }): Promise<{ rescheduleAt: number } | undefined> {
  const target = await deps.uow.run(async (r) => {
    const s = await r.schedules.findById(input.scheduleId);
    if (!s?.slackUserGroupId) return undefined;
    const [o] = await whoIsOnCall(r, [s], ctx.now);
    const slackIds: string[] = [];
    const missing: string[] = [];
    for (const c of o?.onCall ?? []) {
      const u = await r.users.findById(c.userId);
      if (u?.slackUserId) slackIds.push(u.slackUserId);
      else missing.push(u?.name ?? c.userId);
    }
    return { group: s.slackUserGroupId, slackIds, missing, scheduleId: s.id };
  });
  if (!target) return undefined;
  if (!input.slack) return undefined;
  if (target.slackIds.length === 0) {
    // Slack keeps at least one member in a group: with nobody on call who has a Slack account,
    // the group stays as it is, and the schedule's timeline says why.
    await deps.uow.run((r) => r.events.append({ entityType: 'schedule', entityId: target.scheduleId, type: 'slack.usergroup_sync_skipped', actor: ctx.actor, data: { userGroupId: target.group, unlinked: target.missing } }));
    return undefined;
  }
  try {
    await input.slack.setUserGroupMembers(target.group, target.slackIds);
  } catch (err) {
    const retryable = !(err instanceof ChannelError) || err.retryable;
    await deps.uow.run((r) => r.events.append({ entityType: 'schedule', entityId: target.scheduleId, type: 'slack.usergroup_sync_failed', actor: ctx.actor, data: { userGroupId: target.group, error: (err as Error).message, retrying: retryable } }));
    return retryable ? { rescheduleAt: deps.clock.now() + (err instanceof ChannelError && err.retryAfterMs ? Math.max(err.retryAfterMs, 1000) : 30_000) } : undefined;
  }
  await deps.uow.run((r) => r.events.append({ entityType: 'schedule', entityId: target.scheduleId, type: 'slack.usergroup_synced', actor: ctx.actor, data: { userGroupId: target.group, members: target.slackIds, unlinked: target.missing } }));
  return undefined;
}

/** A hand-off is announced in the schedule's hand-off channel, when it has one. */
export async function announceHandoff(deps: CoreDeps, ctx: Ctx, input: { scheduleId: string; from: string[]; to: string[]; at: number }): Promise<void> {
  await deps.uow.run(async (r) => {
    const s = await r.schedules.findById(input.scheduleId);
    if (!s?.slackHandoffChannel) return;
    const toNames = await names(r, input.to);
    const t = await render(r, 'schedule.handoff', { scheduleName: s.name, to: toNames, toVerb: input.to.length > 1 ? 'are' : 'is', from: await names(r, input.from), at: formatLocal(input.at, s.timeZone) });
    await queueMessage(r, ctx.now, { channel: 'slack_channel', address: s.slackHandoffChannel, subject: t.subject, body: t.body, entityType: 'schedule', entityId: s.id });
  });
}

/** The incoming on-call hears their shift starts soon, and what their setup still misses. `slackDm`: Slack DMs are on. */
export async function notifyShiftReminder(deps: CoreDeps, ctx: Ctx, input: { scheduleName: string; userId: string; start: number; end: number; slackDm: boolean }): Promise<void> {
  await deps.uow.run(async (r) => {
    const user = await r.users.findById(input.userId);
    if (!user) return;
    const checklist = await checklistFor(r, user.id);
    const missing = checklist.items.filter((i) => !i.done).map((i) => i.label);
    const minutes = Math.max(0, Math.round((input.start - ctx.now) / 60_000));
    const t = await render(r, 'shift.reminder', {
      scheduleName: input.scheduleName,
      startsIn: minutes >= 1 ? `in ${minutes} minutes` : 'now',
      startLocal: formatLocal(input.start, user.timeZone),
      endLocal: formatLocal(input.end, user.timeZone),
      readiness: missing.length ? `\nBefore it starts, finish your on-call setup: ${missing.join('; ')}.` : '',
    });
    await queueMessage(r, ctx.now, { ...personalLane(user, input.slackDm), subject: t.subject, body: t.body, entityType: 'user', entityId: user.id });
  });
}

/** A swap request reaches the other active members of the schedule's team. */
export async function notifySwapRequested(
  deps: CoreDeps,
  ctx: Ctx,
  input: { scheduleId: string; scheduleName: string; teamId: string; requesterId: string; start: number; end: number; note: string; slackDm: boolean },
): Promise<void> {
  await deps.uow.run(async (r) => {
    const team = await r.teams.findById(input.teamId);
    const requester = await r.users.findById(input.requesterId);
    for (const memberId of team?.memberIds ?? []) {
      if (memberId === input.requesterId) continue;
      const member = await r.users.findById(memberId);
      if (!member || !member.active) continue;
      const t = await render(r, 'swap.requested', {
        requester: requester?.name ?? 'Someone',
        scheduleName: input.scheduleName,
        startLocal: formatLocal(input.start, member.timeZone),
        endLocal: formatLocal(input.end, member.timeZone),
        note: input.note,
        url: `${ctx.publicUrl}/shifts`,
      });
      await queueMessage(r, ctx.now, { ...personalLane(member, input.slackDm), subject: t.subject, body: t.body, entityType: 'schedule', entityId: input.scheduleId });
    }
  });
}

/** The requester hears who took their shift. */
export async function notifySwapAccepted(deps: CoreDeps, ctx: Ctx, input: { scheduleId: string; scheduleName: string; requesterId: string; takerId: string; start: number; end: number; slackDm: boolean }): Promise<void> {
  await deps.uow.run(async (r) => {
    const requester = await r.users.findById(input.requesterId);
    const taker = await r.users.findById(input.takerId);
    if (!requester) return;
    const t = await render(r, 'swap.accepted', { taker: taker?.name ?? 'Someone', scheduleName: input.scheduleName, startLocal: formatLocal(input.start, requester.timeZone), endLocal: formatLocal(input.end, requester.timeZone) });
    await queueMessage(r, ctx.now, { ...personalLane(requester, input.slackDm), subject: t.subject, body: t.body, entityType: 'schedule', entityId: input.scheduleId });
  });
}
