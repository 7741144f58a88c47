/**
 * Post-mortems and sent shift reports as Notion documents: the settings (what the web UI set wins
 * over the configuration, field by field), the document each one becomes, and what a sync leaves on
 * the timeline. The Notion client itself is an adapter (integrations/outbound/notion).
 */
import type { Ctx } from '../shared/context.js';
import type { CoreDeps, Repos } from '../shared/ports.js';
import { reportText } from '../reports/reports.js';
import { toMarkdown } from './postmortems.js';

export { NOTION_SYNC_JOB } from '../shared/jobs.js';
import { NOTION_SYNC_JOB } from '../shared/jobs.js';
const SETTINGS_KEY = 'notion';

/** What the web UI set (stored); null clears a value, so the configuration applies. */
export interface NotionSettings {
  token?: string | null;
  postmortemsDatabaseId?: string | null;
  reportsDatabaseId?: string | null;
}

/** What the configuration sets. */
export interface NotionDefaults {
  token?: string | undefined;
  postmortemsDatabaseId?: string | undefined;
  reportsDatabaseId?: string | undefined;
}

export interface EffectiveNotion {
  token: string | undefined;
  tokenSource: 'config' | 'settings' | null;
  postmortemsDatabaseId: string | undefined;
  reportsDatabaseId: string | undefined;
}

/** A document as Notion receives it. */
export interface NotionDoc {
  title: string;
  severity?: string;
  /** Epoch ms: the incident's start, or the shift's start. */
  date: number;
  dateEnd?: number;
  status: string;
  link: string;
  markdown: string;
}

export interface NotionTarget {
  databaseId: string;
  doc: NotionDoc;
}

async function readSettings(r: Repos): Promise<NotionSettings> {
  const raw = await r.settings.get(SETTINGS_KEY);
  return raw ? (JSON.parse(raw) as NotionSettings) : {};
}

/** What the web UI set wins over the configuration, field by field. */
function effective(defaults: NotionDefaults, s: NotionSettings): EffectiveNotion {
  const token = s.token || defaults.token;
  return {
    token,
    tokenSource: s.token ? 'settings' : defaults.token ? 'config' : null,
    postmortemsDatabaseId: s.postmortemsDatabaseId || defaults.postmortemsDatabaseId,
    reportsDatabaseId: s.reportsDatabaseId || defaults.reportsDatabaseId,
  };
}

/** The shift report as Markdown: the text sent by email, with its section lines as headings. */
export function reportMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? `# ${line}` : /^[A-Z][^:]*\(\d+\):$/.test(line) ? `### ${line.slice(0, -1)}` : line))
    .join('\n');
}

async function loadTarget(r: Repos, publicUrl: string, n: EffectiveNotion, entityType: string, entityId: string): Promise<NotionTarget | undefined> {
  if (entityType === 'postmortem') {
    if (!n.postmortemsDatabaseId) return undefined;
    const pm = await r.postmortems.find(entityId);
    if (!pm) return undefined;
    const incident = await r.incidents.find(pm.incidentId);
    // A private incident's post-mortem stays in Vigil.
    if (!incident || incident.private) return undefined;
    const items = await r.postmortems.actionItems(pm.id);
    const names = new Map((await r.users.list({ includeInactive: true })).map((u) => [u.id, u.name]));
    return {
      databaseId: n.postmortemsDatabaseId,
      doc: { title: pm.title, severity: pm.severity, date: incident.startedAt, status: pm.status.replace('_', ' '), link: `${publicUrl}/postmortems/${pm.id}`, markdown: toMarkdown(pm, items, names) },
    };
  }
  if (entityType === 'shift_report') {
    if (!n.reportsDatabaseId) return undefined;
    const report = await r.reports.find(entityId);
    if (!report || report.status !== 'sent' || !report.content) return undefined;
    const s = await r.schedules.findById(report.scheduleId);
    const user = await r.users.findById(report.userId);
    const day = new Date(report.shiftStart).toISOString().slice(0, 10);
    return {
      databaseId: n.reportsDatabaseId,
      doc: {
        title: `On-call report: ${s?.name ?? 'schedule'} — ${user?.name ?? ''} (${day})`,
        date: report.content.from,
        dateEnd: report.content.to,
        status: 'sent',
        link: `${publicUrl}/reports/${report.id}`,
        markdown: reportMarkdown(reportText(report, report.content, user?.name ?? '', s?.name ?? 'schedule', publicUrl)),
      },
    };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Use cases

/** The Notion settings in effect. */
export async function notionSettings(deps: CoreDeps, _ctx: Ctx, input: { defaults: NotionDefaults }): Promise<EffectiveNotion> {
  return deps.uow.run(async (r) => effective(input.defaults, await readSettings(r)));
}

/** Sets (or, with null, clears) the token and databases set here. */
export async function changeNotionSettings(deps: CoreDeps, ctx: Ctx, patch: NotionSettings): Promise<void> {
  await deps.uow.run(async (r) => {
    const current = await readSettings(r);
    const next: NotionSettings = { ...current };
    for (const k of ['token', 'postmortemsDatabaseId', 'reportsDatabaseId'] as const) if (patch[k] !== undefined) next[k] = patch[k] || null;
    await r.settings.set(SETTINGS_KEY, JSON.stringify(next));
    await r.events.append({ entityType: 'settings', entityId: 'notion', type: 'settings.notion_changed', actor: ctx.actor, data: { fields: Object.keys(patch) } });
  });
}

/** Publish a post-mortem or a sent shift report again (a sync job). */
export async function republishToNotion(deps: CoreDeps, ctx: Ctx, input: { entityType: 'postmortem' | 'shift_report'; entityId: string }): Promise<void> {
  const { entityType, entityId } = input;
  await deps.uow.run((r) => r.jobs.enqueue({ kind: NOTION_SYNC_JOB, payload: { entityType, entityId }, dedupeKey: `${NOTION_SYNC_JOB}:manual:${entityType}:${entityId}:${ctx.now}` }));
}

/** What to publish, and where: undefined when Notion is off, the database is not chosen, or the document stays in Vigil. */
export async function notionTarget(deps: CoreDeps, ctx: Ctx, input: { defaults: NotionDefaults; entityType: string; entityId: string }): Promise<{ token: string; target: NotionTarget } | undefined> {
  return deps.uow.run(async (r) => {
    const n = effective(input.defaults, await readSettings(r));
    if (!n.token) return undefined;
    const target = await loadTarget(r, ctx.publicUrl, n, input.entityType, input.entityId);
    return target ? { token: n.token, target } : undefined;
  });
}

/** A document was published (created or updated in place): on its timeline. */
export async function notionPublished(deps: CoreDeps, ctx: Ctx, input: { entityType: string; entityId: string; created: boolean; pageId: string; url: string | null; databaseId: string }): Promise<void> {
  const { entityType, entityId } = input;
  await deps.uow.run((r) =>
    r.events.append({ entityType, entityId, type: input.created ? 'notion.published' : 'notion.updated', actor: ctx.actor, data: { pageId: input.pageId, url: input.url, databaseId: input.databaseId } }),
  );
}

/** Publishing failed for good: on the document's timeline. */
export async function notionPublishFailed(deps: CoreDeps, ctx: Ctx, input: { entityType: string; entityId: string; error: string; code: string }): Promise<void> {
  const { entityType, entityId } = input;
  await deps.uow.run((r) => r.events.append({ entityType, entityId, type: 'notion.publish_failed', actor: ctx.actor, data: { error: input.error, code: input.code } }));
}
