/**
 * One import run: read the source account, map it to a vigil.yaml document, plan or apply it through
 * Vigil's config API (idempotent: objects are matched by natural keys), and optionally verify every
 * imported schedule against the source at every hand-off and every 15 minutes.
 */
import { stringify as toYaml } from 'yaml';
import { HOUR } from './common.js';
import { mapOpsGenie } from './opsgenie/mapper.js';
import { opsgenieClient, opsgenieHandoffs, opsgenieOnCalls, readOpsGenie } from './opsgenie/reader.js';
import { mapPagerDuty } from './pagerduty/mapper.js';
import { pagerdutyClient, pagerdutyFinalSchedule, readPagerDuty } from './pagerduty/reader.js';
import { silentProgress, type Progress } from './progress.js';
import type { MappingResult, ScheduleLink, UnmappedItem, UserTodo, VigilDocument } from './types.js';
import { onCallIn, verifySchedules, type VerifyReport } from './verify.js';

export interface SourceRead extends MappingResult {
  /** The source's own on-call answer for a schedule at each instant (emails). */
  onCalls(link: ScheduleLink, instants: number[], progress: Progress): Promise<string[][]>;
  /** The source's own hand-off instants in [from, to). */
  handoffs(link: ScheduleLink, from: number, to: number): Promise<number[]>;
}

export interface ImportSource {
  vendor: 'OpsGenie' | 'PagerDuty';
  apiUrl: string;
  read(now: number, progress: Progress): Promise<SourceRead>;
}

export interface SourceOptions {
  apiUrl?: string;
  progress?: Progress;
  sleep?: (ms: number) => Promise<void>;
}

export function opsgenieSource(apiKey: string, options: SourceOptions = {}): ImportSource {
  const client = opsgenieClient({ apiKey, ...options });
  return {
    vendor: 'OpsGenie',
    apiUrl: client.baseUrl,
    async read(now, progress) {
      const account = await readOpsGenie(client, progress);
      return {
        ...mapOpsGenie(account, { now }),
        onCalls: (link, instants, p) => opsgenieOnCalls(client, link.sourceId, instants, p),
        handoffs: (link, from, to) => opsgenieHandoffs(client, link.sourceId, from, to),
      };
    },
  };
}

export function pagerdutySource(apiToken: string, options: SourceOptions = {}): ImportSource {
  const client = pagerdutyClient({ apiToken, ...options });
  return {
    vendor: 'PagerDuty',
    apiUrl: client.baseUrl,
    async read(now, progress) {
      const account = await readPagerDuty(client, { now, progress });
      const emails = new Map(account.users.map((u) => [u.id, (u.email ?? '').toLowerCase()]));
      // One ranged request per schedule serves both its hand-offs and its answers.
      const cache = new Map<string, { from: number; to: number; intervals: Array<{ start: number; end: number; email: string }> }>();
      const finalOf = async (id: string, from: number, to: number) => {
        const hit = cache.get(id);
        if (hit && hit.from <= from && hit.to >= to) return hit.intervals;
        const intervals = (await pagerdutyFinalSchedule(client, id, from - HOUR, to + HOUR)).map((e) => ({
          start: Date.parse(e.start),
          end: Date.parse(e.end),
          email: (e.user && emails.get(e.user.id)) || e.user?.summary || e.user?.id || '?',
        }));
        cache.set(id, { from: from - HOUR, to: to + HOUR, intervals });
        return intervals;
      };
      return {
        ...mapPagerDuty(account, { now }),
        async onCalls(link, instants, p) {
          if (instants.length === 0) return [];
          const intervals = await finalOf(link.sourceId, instants[0]!, instants[instants.length - 1]! + 1);
          p.tick(instants.length);
          return instants.map((t) => onCallIn(intervals, t));
        },
        // PagerDuty's final schedule names its own hand-offs: the entries' edges.
        async handoffs(link, from, to) {
          return (await finalOf(link.sourceId, from, to)).flatMap((e) => [e.start, e.end]).filter((t) => t >= from && t < to);
        },
      };
    },
  };
}

export interface VigilApi {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

export interface ApplyResult {
  dryRun: boolean;
  plan: Array<{ section: string; key: string; action: string; changes?: unknown }>;
  summary: Record<string, number>;
}

export interface ImportOutcome {
  vendor: string;
  apiUrl: string;
  read: Record<string, number>;
  document: VigilDocument;
  result: ApplyResult;
  unmapped: UnmappedItem[];
  todos: UserTodo[];
  schedules: ScheduleLink[];
  verification?: VerifyReport;
}

/**
 * People who exist in Vigil already keep their Vigil role: an import never promotes or demotes
 * someone who is already there (their role came from Vigil's own admins).
 */
export function keepExistingRoles(doc: VigilDocument, existing: Array<{ email: string }>): VigilDocument {
  const known = new Set(existing.map((u) => u.email.toLowerCase()));
  if (!doc.users) return doc;
  return {
    ...doc,
    users: doc.users.map((u) => {
      if (!known.has(u.email)) return u;
      const { role: _role, ...rest } = u;
      return rest;
    }),
  };
}

export async function runImport(options: {
  source: ImportSource;
  vigil: VigilApi;
  dryRun: boolean;
  verify: boolean;
  now?: number;
  weeks?: number;
  /** The verification window (default: now for `weeks` weeks, plus the next DST change of each zone). */
  verifyFrom?: number;
  verifyTo?: number;
  progress?: Progress;
}): Promise<ImportOutcome> {
  const progress = options.progress ?? silentProgress;
  const now = options.now ?? Date.now();
  const mapping = await options.source.read(now, progress);
  const existing = await options.vigil.get<{ data: Array<{ email: string }> }>('/api/v1/users?includeInactive=true');
  const document = keepExistingRoles(mapping.document, existing.data);
  progress.phase(options.dryRun ? 'Vigil: planning' : 'Vigil: applying');
  const result = await options.vigil.post<ApplyResult>(`/api/v1/config/apply${options.dryRun ? '?dryRun=true' : ''}`, document);
  progress.done();
  const outcome: ImportOutcome = {
    vendor: options.source.vendor,
    apiUrl: options.source.apiUrl,
    read: mapping.read,
    document,
    result,
    unmapped: mapping.unmapped,
    todos: mapping.todos,
    schedules: mapping.schedules,
  };
  if (options.verify && !options.dryRun) {
    outcome.verification = await verifySchedules({
      vendor: options.source.vendor,
      links: mapping.schedules,
      vigil: options.vigil,
      source: { onCalls: (link, instants) => mapping.onCalls(link, instants, progress), handoffs: (link, from, to) => mapping.handoffs(link, from, to) },
      now: Date.now(),
      ...(options.weeks ? { weeks: options.weeks } : {}),
      ...(options.verifyFrom !== undefined ? { from: options.verifyFrom } : {}),
      ...(options.verifyTo !== undefined ? { to: options.verifyTo } : {}),
      progress,
    });
  }
  return outcome;
}

/** The document as YAML for git: integration keys are left out unless asked for (they are secrets). */
export function documentYaml(outcome: ImportOutcome, options: { includeKeys?: boolean; command: string }): string {
  const doc: VigilDocument = JSON.parse(JSON.stringify(outcome.document)) as VigilDocument;
  let keys = 0;
  if (!options.includeKeys) {
    for (const s of doc.services ?? []) {
      for (const i of s.integrations ?? []) {
        if (i.key) keys++;
        delete i.key;
      }
    }
  }
  const skipped = outcome.unmapped.filter((u) => u.status === 'skipped').length;
  const approximated = outcome.unmapped.length - skipped;
  const header = [
    `# vigil.yaml imported from ${outcome.vendor} (${outcome.apiUrl}) on ${new Date().toISOString().slice(0, 10)}.`,
    '# Apply it with `vigil apply -f vigil.yaml` (idempotent: objects are matched by email and slug).',
    ...(keys ? [`# ${keys} integration key(s) are left out (secrets): Vigil keeps the keys it imported; --include-keys writes them here.`] : []),
    ...(outcome.unmapped.length
      ? [`# ${skipped} item(s) were not imported and ${approximated} behave differently: \`${options.command} --dry-run\` lists them with reasons.`]
      : []),
  ];
  return `${header.join('\n')}\n${toYaml(doc, { lineWidth: 0 })}`;
}
