/**
 * Reads a PagerDuty account through REST API v2 (`Authorization: Token token=<key>`, offset
 * pagination with `more`): users with contact methods and notification rules, teams with members,
 * schedules with layers and upcoming overrides, escalation policies, services with their integrations
 * (and keys), open maintenance windows. Also renders a schedule's final schedule for verification.
 */
import { SourceClient } from '../http.js';
import { silentProgress, type Progress } from '../progress.js';
import type { PagerDutyAccount, PdEscalationPolicy, PdMaintenanceWindow, PdOverride, PdRenderedEntry, PdSchedule, PdService, PdTeam, PdUser } from './types.js';

export const PAGERDUTY_DEFAULT_URL = 'https://api.pagerduty.com';

export function pagerdutyClient(options: { apiToken: string; apiUrl?: string; progress?: Progress; sleep?: (ms: number) => Promise<void> }): SourceClient {
  return new SourceClient({
    vendor: 'PagerDuty',
    baseUrl: options.apiUrl ?? PAGERDUTY_DEFAULT_URL,
    headers: { authorization: `Token token=${options.apiToken}`, accept: 'application/vnd.pagerduty+json;version=2' },
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
}

const enc = encodeURIComponent;

/** All pages of a list endpoint (`limit`/`offset`, until `more` is false). */
export async function listAll<T>(client: SourceClient, path: string, key: string, progress?: Progress): Promise<T[]> {
  const out: T[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let offset = 0, pages = 0; pages < 1000; pages++) {
    const page = await client.get<Record<string, unknown> & { more?: boolean; limit?: number; total?: number | null }>(
      `${path}${sep}limit=100&offset=${offset}&total=true`,
    );
    const items = (page[key] as T[] | undefined) ?? [];
    out.push(...items);
    progress?.tick(items.length);
    if (!page.more || items.length === 0) break;
    offset += items.length;
    if (offset >= 10_000) break; // PagerDuty's offset pagination stops here
  }
  return out;
}

export async function readPagerDuty(client: SourceClient, options: { now: number; progress?: Progress }): Promise<PagerDutyAccount> {
  const progress = options.progress ?? silentProgress;
  const now = options.now;
  progress.phase('PagerDuty: reading users');
  const users = await listAll<PdUser>(client, '/users?include[]=contact_methods&include[]=notification_rules', 'users', progress);

  progress.phase('PagerDuty: reading teams');
  const teamList = await listAll<PdTeam>(client, '/teams', 'teams');
  progress.phase('PagerDuty: reading teams', teamList.length);
  const teams = await SourceClient.map(teamList, 4, async (t) => {
    const members = await listAll<NonNullable<PdTeam['members']>[number]>(client, `/teams/${enc(t.id)}/members`, 'members');
    progress.tick();
    return { ...t, members };
  });

  progress.phase('PagerDuty: reading schedules');
  const scheduleList = await listAll<PdSchedule>(client, '/schedules', 'schedules');
  progress.phase('PagerDuty: reading schedules', scheduleList.length);
  const since = new Date(now).toISOString();
  const until = new Date(now + 366 * 86_400_000).toISOString();
  const schedules = await SourceClient.map(scheduleList, 4, async (s) => {
    const full = (await client.get<{ schedule: PdSchedule }>(`/schedules/${enc(s.id)}`)).schedule ?? s;
    const overrides =
      (
        await client.get<{ overrides?: PdOverride[] } | undefined>(`/schedules/${enc(s.id)}/overrides?since=${enc(since)}&until=${enc(until)}`, {
          allow404: true,
        })
      )?.overrides ?? [];
    progress.tick();
    return { ...s, ...full, overrides };
  });

  progress.phase('PagerDuty: reading escalation policies');
  const escalationPolicies = await listAll<PdEscalationPolicy>(client, '/escalation_policies', 'escalation_policies', progress);

  progress.phase('PagerDuty: reading services');
  const services = await listAll<PdService>(client, '/services?include[]=integrations', 'services', progress);

  progress.phase('PagerDuty: reading maintenance windows');
  const maintenanceWindows = await listAll<PdMaintenanceWindow>(client, '/maintenance_windows?filter=open', 'maintenance_windows', progress).catch(
    (err: Error) => {
      progress.note(`PagerDuty maintenance windows could not be read (${err.message}); none imported.`);
      return [] as PdMaintenanceWindow[];
    },
  );
  progress.done();
  return { users, teams, schedules, escalationPolicies, services, maintenanceWindows };
}

/** PagerDuty's own final schedule for [since, until): rendered entries (user ids). */
export async function pagerdutyFinalSchedule(client: SourceClient, scheduleId: string, since: number, until: number): Promise<PdRenderedEntry[]> {
  const res = await client.get<{ schedule: PdSchedule }>(
    `/schedules/${enc(scheduleId)}?since=${enc(new Date(since).toISOString())}&until=${enc(new Date(until).toISOString())}&time_zone=UTC`,
  );
  return res.schedule?.final_schedule?.rendered_schedule_entries ?? [];
}
