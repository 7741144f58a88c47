/** Notion settings (admin): the token and the databases that receive post-mortems and shift reports. */
import { Type } from '@sinclair/typebox';
import { StdErrors } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';

export interface NotionSettingsView {
  configured: boolean;
  tokenSource: 'config' | 'settings' | null;
  postmortemsDatabaseId: string | null;
  reportsDatabaseId: string | null;
}

export interface NotionSettingsStore {
  get(): Promise<NotionSettingsView>;
  set(patch: { token?: string | null; postmortemsDatabaseId?: string | null; reportsDatabaseId?: string | null }): Promise<void>;
  check(): Promise<{ ok: boolean; databases: Array<{ use: string; id: string; title: string; properties: string[] }>; problems: string[] }>;
  republish(entityType: 'postmortem' | 'shift_report', entityId: string): Promise<void>;
}

const View = Type.Object({
  configured: Type.Boolean(),
  tokenSource: Type.Union([Type.Literal('config'), Type.Literal('settings'), Type.Null()], { description: 'Where the token comes from; the token itself is never shown' }),
  postmortemsDatabaseId: Type.Union([Type.String(), Type.Null()]),
  reportsDatabaseId: Type.Union([Type.String(), Type.Null()]),
});

const DatabaseId = Type.Union([Type.String({ minLength: 32, maxLength: 36, pattern: '^[0-9a-fA-F-]{32,36}$', description: 'The 32-character id in the database URL' }), Type.Null()]);

export function notionRoutes(store: NotionSettingsStore) {
  return (app: App, deps: HttpDeps): void => {
    void deps;
    const tags = ['notion'];
    app.get('/api/v1/settings/notion', {
      config: { auth: 'admin' },
      schema: { tags, summary: 'Notion publishing: where post-mortems and shift reports go (admin)', response: { 200: View, ...StdErrors } },
      handler: async () => store.get(),
    });
    app.put('/api/v1/settings/notion', {
      config: { auth: 'admin' },
      schema: {
        tags,
        summary: 'Set the Notion token and databases (admin); null clears a value set here (the configuration then applies)',
        body: Type.Object(
          { token: Type.Optional(Type.Union([Type.String({ minLength: 10, maxLength: 200 }), Type.Null()])), postmortemsDatabaseId: Type.Optional(DatabaseId), reportsDatabaseId: Type.Optional(DatabaseId) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: View, ...StdErrors },
      },
      handler: async (req) => {
        await store.set(req.body);
        return store.get();
      },
    });
    app.post('/api/v1/settings/notion/check', {
      config: { auth: 'admin' },
      schema: {
        tags,
        summary: 'Check that Vigil can read the chosen databases (databases.retrieve) and list their properties (admin)',
        response: { 200: Type.Object({ ok: Type.Boolean(), databases: Type.Array(Type.Object({ use: Type.String(), id: Type.String(), title: Type.String(), properties: Type.Array(Type.String()) })), problems: Type.Array(Type.String()) }), ...StdErrors },
      },
      handler: async () => store.check(),
    });
    app.post('/api/v1/notion/publish', {
      config: { auth: 'admin' },
      schema: {
        tags,
        summary: 'Publish a post-mortem or a sent shift report to Notion again (admin; normally automatic)',
        body: Type.Object({ entityType: Type.Union([Type.Literal('postmortem'), Type.Literal('shift_report')]), entityId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 202: Type.Object({ queued: Type.Boolean() }), ...StdErrors },
      },
      handler: async (req, reply) => {
        await store.republish(req.body.entityType, req.body.entityId);
        return reply.status(202).send({ queued: true });
      },
    });
  };
}
