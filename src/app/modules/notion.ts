/**
 * Notion, wired: post-mortems and sent shift reports are published to the Notion databases the admin
 * picked, and kept up to date on edit. Each change is a durable job (retried with backoff by the
 * engine); the page Vigil made is remembered per document, so a later change updates it in place.
 */
import { NOTION_SYNC_JOB } from '../../core/shared/jobs.js';
import type { VigilConfig } from '../../config/config.js';
import { toMarkdown } from '../../core/postmortems/postmortems.js';
import { reportText } from '../../core/reports/reports.js';
import { SYSTEM_ACTOR, type CoreDeps, type Repos } from '../../core/shared/ports.js';
import type { Executor } from '../../storage/database.js';
import { NotionError, NotionPublisher, type NotionDocument } from '../../integrations/outbound/notion/client.js';
import { notionRoutes, type NotionSettingsStore } from '../../http/routes/notion.js';
import type { ModuleContext, VigilModule } from '../modules.js';

export { NOTION_SYNC_JOB } from '../../core/shared/jobs.js';
const SETTINGS_KEY = 'notion';

export interface NotionSettings {
  token?: string | null;
  postmortemsDatabaseId?: string | null;
  reportsDatabaseId?: string | null;
}

export interface EffectiveNotion {
  token: string | undefined;
  tokenSource: 'config' | 'settings' | null;
  postmortemsDatabaseId: string | undefined;
  reportsDatabaseId: string | undefined;
}

async function readSettings(r: Repos): Promise<NotionSettings> {
  const raw = await r.settings.get(SETTINGS_KEY);
  return raw ? (JSON.parse(raw) as NotionSettings) : {};
}

/** What the web UI set wins over the configuration, field by field. */
function effective(config: VigilConfig, s: NotionSettings): EffectiveNotion {
  const token = s.token || config.notion.token;
  return {
    token,
    tokenSource: s.token ? 'settings' : config.notion.token ? 'config' : null,
    postmortemsDatabaseId: s.postmortemsDatabaseId || config.notion.postmortemsDatabaseId,
    reportsDatabaseId: s.reportsDatabaseId || config.notion.reportsDatabaseId,
  };
}

/** The shift report as Markdown: the text sent by email, with its section lines as headings. */
export function reportMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? `# ${line}` : /^[A-Z][^:]*\(\d+\):$/.test(line) ? `### ${line.slice(0, -1)}` : line))
    .join('\n');
}

interface Target {
  databaseId: string;
  doc: NotionDocument;
}

async function loadTarget(r: Repos, config: VigilConfig, n: EffectiveNotion, entityType: string, entityId: string): Promise<Target | undefined> {
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
      doc: { title: pm.title, severity: pm.severity, date: incident.startedAt, status: pm.status.replace('_', ' '), link: `${config.publicUrl}/postmortems/${pm.id}`, markdown: toMarkdown(pm, items, names) },
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
        link: `${config.publicUrl}/reports/${report.id}`,
        markdown: reportMarkdown(reportText(report, report.content, user?.name ?? '', s?.name ?? 'schedule', config.publicUrl)),
      },
    };
  }
  return undefined;
}

const findPage = (db: Executor, entityType: string, entityId: string) =>
  db.selectFrom('notion_pages').selectAll().where('entity_type', '=', entityType).where('entity_id', '=', entityId).executeTakeFirst();

async function savePage(db: Executor, row: { entity_type: string; entity_id: string; database_id: string; page_id: string; url: string | null; synced_at: number }): Promise<void> {
  await db
    .insertInto('notion_pages')
    .values(row)
    .onConflict((oc) => oc.columns(['entity_type', 'entity_id']).doUpdateSet({ database_id: row.database_id, page_id: row.page_id, url: row.url, synced_at: row.synced_at }))
    .execute();
}

/** Publishes (or updates) one document in Notion. Permanent failures are recorded, not retried. */
export async function syncToNotion(ctx: { core: CoreDeps; config: VigilConfig; db: Executor; baseUrl?: string }, entityType: string, entityId: string): Promise<'published' | 'skipped' | 'failed'> {
  const { core, config } = ctx;
  const prepared = await core.uow.run(async (r) => {
    const n = effective(config, await readSettings(r));
    if (!n.token) return undefined;
    const target = await loadTarget(r, config, n, entityType, entityId);
    return target ? { n, target } : undefined;
  });
  if (!prepared) return 'skipped';
  const { n, target } = prepared;
  const existing = await findPage(ctx.db, entityType, entityId);
  const publisher = new NotionPublisher({ token: n.token!, baseUrl: ctx.baseUrl ?? config.notion.apiUrl });
  try {
    const pageId = existing && existing.database_id === target.databaseId ? existing.page_id : undefined;
    const res = await publisher.publish(target.databaseId, pageId, target.doc);
    const now = core.clock.now();
    await savePage(ctx.db, { entity_type: entityType, entity_id: entityId, database_id: target.databaseId, page_id: res.pageId, url: res.url, synced_at: now });
    await core.uow.run((r) =>
      r.events.append({ entityType, entityId, type: res.created ? 'notion.published' : 'notion.updated', actor: SYSTEM_ACTOR, data: { pageId: res.pageId, url: res.url, databaseId: target.databaseId } }),
    );
    return 'published';
  } catch (err) {
    if (err instanceof NotionError && err.retryable) throw err;
    await core.uow.run((r) => r.events.append({ entityType, entityId, type: 'notion.publish_failed', actor: SYSTEM_ACTOR, data: { error: (err as Error).message, code: err instanceof NotionError ? err.code : 'unknown' } }));
    return 'failed';
  }
}

function settingsStore(config: VigilConfig, core: CoreDeps): NotionSettingsStore {
  return {
    async get() {
      const n = await core.uow.run(async (r) => effective(config, await readSettings(r)));
      return { configured: !!n.token && !!(n.postmortemsDatabaseId || n.reportsDatabaseId), tokenSource: n.tokenSource, postmortemsDatabaseId: n.postmortemsDatabaseId ?? null, reportsDatabaseId: n.reportsDatabaseId ?? null };
    },
    async set(patch) {
      await core.uow.run(async (r) => {
        const current = await readSettings(r);
        const next: NotionSettings = { ...current };
        for (const k of ['token', 'postmortemsDatabaseId', 'reportsDatabaseId'] as const) if (patch[k] !== undefined) next[k] = patch[k] || null;
        await r.settings.set(SETTINGS_KEY, JSON.stringify(next));
        await r.events.append({ entityType: 'settings', entityId: 'notion', type: 'settings.notion_changed', actor: SYSTEM_ACTOR, data: { fields: Object.keys(patch) } });
      });
    },
    async check() {
      const n = await core.uow.run(async (r) => effective(config, await readSettings(r)));
      if (!n.token) return { ok: false, databases: [], problems: ['No Notion token: set VIGIL_NOTION_TOKEN or enter one here.'] };
      const publisher = new NotionPublisher({ token: n.token, baseUrl: config.notion.apiUrl });
      const databases: Array<{ use: string; id: string; title: string; properties: string[] }> = [];
      const problems: string[] = [];
      for (const [use, id] of [['postmortems', n.postmortemsDatabaseId], ['reports', n.reportsDatabaseId]] as const) {
        if (!id) continue;
        try {
          const db = await publisher.database(id);
          databases.push({ use, id: db.id, title: db.title, properties: Object.entries(db.properties).map(([k, v]) => `${k} (${v.type})`) });
        } catch (err) {
          problems.push(`${use} database ${id}: ${(err as Error).message}`);
        }
      }
      return { ok: problems.length === 0, databases, problems };
    },
    async republish(entityType, entityId) {
      await core.uow.run((r) => r.jobs.enqueue({ kind: NOTION_SYNC_JOB, payload: { entityType, entityId }, dedupeKey: `${NOTION_SYNC_JOB}:manual:${entityType}:${entityId}:${core.clock.now()}` }));
    },
  };
}

export function notionModule(config: VigilConfig): VigilModule {
  let store: NotionSettingsStore | undefined;
  return {
    name: 'notion',
    // Post-mortem and report routes publish these events; each becomes a sync job.
    subscriptions: { 'postmortem.changed': [NOTION_SYNC_JOB], 'report.sent': [NOTION_SYNC_JOB] },
    routes: [(app, deps) => notionRoutes(store ?? (store = settingsStore(config, deps.core)))(app, deps)],
    jobHandlers: ({ core, database }: ModuleContext) => ({
      [NOTION_SYNC_JOB]: async (job) => {
        const p = job.payload;
        const entityType = p.entityType ?? (p.postmortemId ? 'postmortem' : 'shift_report');
        const entityId = p.entityId ?? p.postmortemId ?? p.reportId;
        if (!entityId) return;
        await syncToNotion({ core, config, db: database.db }, entityType, entityId);
      },
    }),
  };
}
