/**
 * Reads an OpsGenie account through its REST API (`Authorization: GenieKey <key>`): users with their
 * contacts and notification rules, teams with members, schedules with rotations and overrides,
 * escalations, integrations (with their API keys where OpsGenie shows them), heartbeats and
 * maintenance windows. Also answers "who is on call at" for verification.
 */
import { SourceClient } from '../http.js';
import { silentProgress, type Progress } from '../progress.js';
import type {
  OgEscalation,
  OgHeartbeat,
  OgIntegration,
  OgMaintenance,
  OgNotificationRule,
  OgOverride,
  OgSchedule,
  OgTeam,
  OgUser,
  OpsGenieAccount,
} from './types.js';

export const OPSGENIE_DEFAULT_URL = 'https://api.opsgenie.com';

interface Envelope<T> {
  data: T;
  paging?: { next?: string };
  totalCount?: number;
}

export function opsgenieClient(options: { apiKey: string; apiUrl?: string; progress?: Progress; sleep?: (ms: number) => Promise<void> }): SourceClient {
  return new SourceClient({
    vendor: 'OpsGenie',
    baseUrl: options.apiUrl ?? OPSGENIE_DEFAULT_URL,
    headers: { authorization: `GenieKey ${options.apiKey}` },
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
}

const enc = encodeURIComponent;

/** Follows OpsGenie's `paging.next` links (users are paginated with limit/offset). */
async function listPaged<T>(client: SourceClient, path: string): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined = path;
  for (let pages = 0; next && pages < 1000; pages++) {
    const page: Envelope<T[]> = await client.get<Envelope<T[]>>(next);
    out.push(...(page.data ?? []));
    next = page.paging?.next && (page.data ?? []).length > 0 ? page.paging.next : undefined;
  }
  return out;
}

export async function readOpsGenie(client: SourceClient, progress: Progress = silentProgress): Promise<OpsGenieAccount> {
  progress.phase('OpsGenie: reading users');
  const userList = await listPaged<OgUser>(client, '/v2/users?limit=100&offset=0&sort=username&order=asc');
  progress.phase('OpsGenie: reading users', userList.length);
  const users = await SourceClient.map(userList, 4, async (u) => {
    const full = (await client.get<Envelope<OgUser> | undefined>(`/v2/users/${enc(u.id)}?expand=contact`, { allow404: true }))?.data ?? u;
    const rules = (await client.get<Envelope<OgNotificationRule[]> | undefined>(`/v2/users/${enc(u.id)}/notification-rules`, { allow404: true }))?.data ?? [];
    const detailed: OgNotificationRule[] = [];
    for (const r of rules) {
      const d = (await client.get<Envelope<OgNotificationRule> | undefined>(`/v2/users/${enc(u.id)}/notification-rules/${enc(r.id)}`, { allow404: true }))
        ?.data;
      detailed.push(d ?? r);
    }
    progress.tick();
    return { ...u, ...full, notificationRules: detailed };
  });

  progress.phase('OpsGenie: reading teams');
  const teamList = (await client.get<Envelope<OgTeam[]>>('/v2/teams')).data ?? [];
  progress.phase('OpsGenie: reading teams', teamList.length);
  const teams = await SourceClient.map(teamList, 4, async (t) => {
    const full = (await client.get<Envelope<OgTeam> | undefined>(`/v2/teams/${enc(t.id)}?identifierType=id`, { allow404: true }))?.data;
    progress.tick();
    return { ...t, ...(full ?? {}) };
  });

  progress.phase('OpsGenie: reading schedules');
  const scheduleList = (await client.get<Envelope<OgSchedule[]>>('/v2/schedules?expand=rotation')).data ?? [];
  progress.phase('OpsGenie: reading schedules', scheduleList.length);
  const schedules = await SourceClient.map(scheduleList, 4, async (s) => {
    let full = s;
    if (!s.rotations) full = (await client.get<Envelope<OgSchedule>>(`/v2/schedules/${enc(s.id)}?identifierType=id`)).data ?? s;
    const overrides =
      (await client.get<Envelope<OgOverride[]> | undefined>(`/v2/schedules/${enc(s.id)}/overrides?scheduleIdentifierType=id`, { allow404: true }))?.data ?? [];
    progress.tick();
    return { ...full, overrides };
  });

  progress.phase('OpsGenie: reading escalations');
  const escalations = (await client.get<Envelope<OgEscalation[]>>('/v2/escalations')).data ?? [];

  progress.phase('OpsGenie: reading integrations');
  const integrationList = (await client.get<Envelope<OgIntegration[]>>('/v2/integrations')).data ?? [];
  progress.phase('OpsGenie: reading integrations', integrationList.length);
  const integrations = await SourceClient.map(integrationList, 4, async (i) => {
    const full = (await client.get<Envelope<OgIntegration> | undefined>(`/v2/integrations/${enc(i.id)}`, { allow404: true }).catch(() => undefined))?.data;
    progress.tick();
    return { ...i, ...(full ?? {}) };
  });

  progress.phase('OpsGenie: reading heartbeats');
  const heartbeats = (await client.get<Envelope<{ heartbeats: OgHeartbeat[] }>>('/v2/heartbeats')).data?.heartbeats ?? [];

  progress.phase('OpsGenie: reading maintenance');
  const maintenanceList = (await client.get<Envelope<OgMaintenance[]>>('/v2/maintenance?type=non-expired')).data ?? [];
  const maintenance = await SourceClient.map(maintenanceList, 4, async (m) => {
    const full = (await client.get<Envelope<OgMaintenance> | undefined>(`/v2/maintenance/${enc(m.id)}`, { allow404: true }))?.data;
    return { ...m, ...(full ?? {}) };
  });
  progress.done();
  return { users, teams, schedules, escalations, integrations, heartbeats, maintenance };
}

/** OpsGenie's own answer: the usernames on call for a schedule at each instant (flat on-calls). */
export async function opsgenieOnCalls(client: SourceClient, scheduleId: string, instants: number[], progress: Progress = silentProgress): Promise<string[][]> {
  return SourceClient.map(instants, 8, async (t) => {
    const res = await client.get<Envelope<{ onCallRecipients?: string[] }>>(
      `/v2/schedules/${enc(scheduleId)}/on-calls?scheduleIdentifierType=id&flat=true&date=${enc(new Date(t).toISOString())}`,
    );
    progress.tick();
    return (res.data?.onCallRecipients ?? []).map((u) => u.toLowerCase());
  });
}

interface OgTimeline {
  finalTimeline?: { rotations?: Array<{ id?: string; name?: string; periods?: Array<{ startDate: string; endDate: string; type?: string }> }> };
}

/**
 * OpsGenie's own hand-offs for a schedule in [from, to): the edges of the periods of its final
 * timeline (`GET /v2/schedules/{id}/timeline`, asked in spans of at most 4 weeks). An account that
 * does not answer the timeline gives none (the 15-minute grid still applies).
 */
export async function opsgenieHandoffs(client: SourceClient, scheduleId: string, from: number, to: number): Promise<number[]> {
  const out: number[] = [];
  const SPAN_DAYS = 28;
  for (let at = from; at < to; at += SPAN_DAYS * 86_400_000) {
    const days = Math.min(SPAN_DAYS, Math.ceil((to - at) / 86_400_000));
    const res = await client
      .get<Envelope<OgTimeline> | undefined>(
        `/v2/schedules/${enc(scheduleId)}/timeline?identifierType=id&expand=base&interval=${days}&intervalUnit=days&date=${enc(new Date(at).toISOString())}`,
        { allow404: true },
      )
      .catch(() => undefined);
    for (const r of res?.data?.finalTimeline?.rotations ?? []) {
      for (const p of r.periods ?? []) {
        const s = Date.parse(p.startDate);
        const e = Date.parse(p.endDate);
        if (Number.isFinite(s)) out.push(s);
        if (Number.isFinite(e)) out.push(e);
      }
    }
  }
  return out.filter((t) => t >= from && t < to);
}
