import { Type } from '@sinclair/typebox';
import type { App, HttpDeps } from '../types.js';

export function healthRoutes(app: App, deps: HttpDeps): void {
  app.get('/healthz', {
    config: { auth: 'public' },
    schema: { tags: ['operations'], summary: 'The process is up', security: [], response: { 200: Type.Object({ status: Type.Literal('ok'), version: Type.String() }) } },
    handler: async () => ({ status: 'ok' as const, version: deps.config.version }),
  });
  app.get('/readyz', {
    config: { auth: 'public' },
    schema: {
      tags: ['operations'],
      summary: 'The database is reachable and migrations are applied',
      security: [],
      response: { 200: Type.Object({ status: Type.String(), problems: Type.Array(Type.String()) }), 503: Type.Object({ status: Type.String(), problems: Type.Array(Type.String()) }) },
    },
    handler: async (_req, reply) => {
      const r = await deps.checkReady().catch((err: Error) => ({ ok: false, problems: [`database: ${err.message}`] }));
      return reply.status(r.ok ? 200 : 503).send({ status: r.ok ? 'ready' : 'not_ready', problems: r.problems });
    },
  });
  app.get('/metrics', {
    config: { auth: 'public' },
    schema: { tags: ['operations'], summary: 'Prometheus metrics (text format): HTTP, jobs, queue depth and lag', security: [] },
    handler: async (_req, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.metrics()),
  });
}
