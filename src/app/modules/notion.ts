/**
 * Notion, wired: post-mortems and sent shift reports are published to the Notion databases the admin
 * picked, and kept up to date on edit. Each change is a durable job (retried with backoff by the
 * engine); the page Vigil made is remembered per document, so a later change updates it in place.
 */
import { NOTION_SYNC_JOB } from '../../core/shared/jobs.js';
import type { VigilConfig } from '../../config/config.js';
import { changeNotionSettings, notionPublished, notionPublishFailed, notionSettings, notionTarget, republishToNotion, type NotionDefaults } from '../../core/postmortems/notion.js';
import { systemCtx } from '../../core/shared/context.js';
import type { CoreDeps } from '../../core/shared/ports.js';
import type { Executor } from '../../storage/database.js';
import { NotionError, NotionPublisher } from '../../integrations/outbound/notion/client.js';
import { notionRoutes, type NotionSettingsStore } from '../../http/routes/notion.js';
import type { ModuleContext, VigilModule } from '../modules.js';

const defaultsOf = (config: VigilConfig): NotionDefaults => ({ token: config.notion.token, postmortemsDatabaseId: config.notion.postmortemsDatabaseId, reportsDatabaseId: config.notion.reportsDatabaseId });

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
  const callCtx = () => systemCtx(core.clock.now(), config.publicUrl);
  const prepared = await notionTarget(core, callCtx(), { defaults: defaultsOf(config), entityType, entityId });
  if (!prepared) return 'skipped';
  const { token, target } = prepared;
  const existing = await findPage(ctx.db, entityType, entityId);
  const publisher = new NotionPublisher({ token, baseUrl: ctx.baseUrl ?? config.notion.apiUrl });
  try {
    const pageId = existing && existing.database_id === target.databaseId ? existing.page_id : undefined;
    const res = await publisher.publish(target.databaseId, pageId, target.doc);
    const now = core.clock.now();
    await savePage(ctx.db, { entity_type: entityType, entity_id: entityId, database_id: target.databaseId, page_id: res.pageId, url: res.url, synced_at: now });
    await notionPublished(core, callCtx(), { entityType, entityId, created: res.created, pageId: res.pageId, url: res.url, databaseId: target.databaseId });
    return 'published';
  } catch (err) {
    if (err instanceof NotionError && err.retryable) throw err;
    await notionPublishFailed(core, callCtx(), { entityType, entityId, error: (err as Error).message, code: err instanceof NotionError ? err.code : 'unknown' });
    return 'failed';
  }
}

function settingsStore(config: VigilConfig, core: CoreDeps): NotionSettingsStore {
  const callCtx = () => systemCtx(core.clock.now(), config.publicUrl);
  return {
    async get() {
      const n = await notionSettings(core, callCtx(), { defaults: defaultsOf(config) });
      return { configured: !!n.token && !!(n.postmortemsDatabaseId || n.reportsDatabaseId), tokenSource: n.tokenSource, postmortemsDatabaseId: n.postmortemsDatabaseId ?? null, reportsDatabaseId: n.reportsDatabaseId ?? null };
    },
    async set(patch) {
      await changeNotionSettings(core, callCtx(), patch);
    },
    async check() {
      const n = await notionSettings(core, callCtx(), { defaults: defaultsOf(config) });
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
      await republishToNotion(core, callCtx(), { entityType, entityId });
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
