/**
 * Personal data, private by default: a person's contact methods, notification rules, quiet hours,
 * setup checklist and timeline are visible to the person, admins and the leads of the person's
 * teams (core/auth/permissions.ts). Others see what paging needs: a name, and whether the person is
 * reachable (the reachability warnings, without any address).
 */
import type { Principal } from '../auth/auth.js';
import { canSeePersonalData, requirePersonalData } from '../auth/permissions.js';
import type { ContactMethod, NotificationPrefs, NotificationRule } from '../notifications/notifications.js';
import { checklistFor, reachabilityWarnings, type ChecklistItem } from '../notifications/notifications.js';
import type { CoreDeps, TimelineEvent } from '../shared/ports.js';
import type { User } from './users.js';

/** A user as the viewer may see them: the phone number only for those who may see personal data. */
export async function usersAsSeenBy(deps: CoreDeps, p: Principal, users: User[]): Promise<User[]> {
  return deps.uow.run(async (r) => {
    const out: User[] = [];
    for (const u of users) out.push(u.phone === null || (await canSeePersonalData(r, p, u.id)) ? u : { ...u, phone: null });
    return out;
  });
}

/** Contact methods: all of them for those allowed; for others none, only whether pages would reach the person. */
export async function contactMethodsOf(deps: CoreDeps, p: Principal, userId: string): Promise<{ data: ContactMethod[]; warnings: string[]; hidden: boolean }> {
  return deps.uow.run(async (r) => {
    const warnings = await reachabilityWarnings(r, userId);
    if (!(await canSeePersonalData(r, p, userId))) return { data: [], warnings, hidden: true };
    return { data: await r.notifications.listContacts(userId), warnings, hidden: false };
  });
}

export async function notificationRulesOf(deps: CoreDeps, p: Principal, userId: string): Promise<NotificationRule[]> {
  return deps.uow.run(async (r) => {
    await requirePersonalData(r, p, userId);
    return r.notifications.listRules(userId);
  });
}

export async function quietHoursOf(deps: CoreDeps, p: Principal, userId: string): Promise<NotificationPrefs> {
  return deps.uow.run(async (r) => {
    await requirePersonalData(r, p, userId);
    return r.notifications.getPrefs(userId);
  });
}

export async function checklistOf(deps: CoreDeps, p: Principal, userId: string): Promise<{ complete: boolean; items: ChecklistItem[] }> {
  return deps.uow.run(async (r) => {
    await requirePersonalData(r, p, userId);
    return checklistFor(r, userId);
  });
}

/** A person's timeline (sign-ins, tokens created and revoked, changes to them). */
export async function personalTimeline(deps: CoreDeps, p: Principal, userId: string): Promise<TimelineEvent[]> {
  return deps.uow.run(async (r) => {
    await requirePersonalData(r, p, userId);
    return r.events.list('user', userId);
  });
}
