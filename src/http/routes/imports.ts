/**
 * Imports from OpsGenie or PagerDuty started in the web UI (admin): start a plan or an apply, then
 * poll the run for its steps and, once over, its report (the plan, what was not imported and why,
 * the per-person to-dos and the verification of who is on call). The run itself is `migrate/runs.ts`.
 */
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../core/auth/auth.js';
import type { ImportRequest, ImportRun } from '../../migrate/runs.js';
import { principalOf } from '../auth.js';
import { IdParams, StdErrors } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';

export interface ImportRunsPort {
  start(principal: Principal, request: ImportRequest): Promise<ImportRun>;
  get(principal: Principal, id: string): Promise<ImportRun>;
}

const Step = Type.Object({
  label: Type.String(),
  total: Type.Union([Type.Integer(), Type.Null()], { description: 'Items in this step, when known' }),
  done: Type.Integer(),
  finished: Type.Boolean(),
});

const PlanItem = Type.Object({
  section: Type.String(),
  key: Type.String(),
  action: Type.String({ description: 'create, update, unchanged or delete' }),
  changes: Type.Optional(Type.Unknown({ description: 'What an update changes, field by field' })),
});

const Report = Type.Object({
  vendor: Type.String(),
  apiUrl: Type.String(),
  read: Type.Record(Type.String(), Type.Number(), { description: 'Objects read from the source, by kind' }),
  result: Type.Object({ dryRun: Type.Boolean(), plan: Type.Array(PlanItem), summary: Type.Record(Type.String(), Type.Number()) }),
  unmapped: Type.Array(Type.Object({ kind: Type.String(), source: Type.String(), status: Type.String({ description: 'skipped or approximated' }), reason: Type.String() })),
  todos: Type.Array(Type.Object({ email: Type.String(), name: Type.String(), items: Type.Array(Type.String()) })),
  schedules: Type.Array(Type.Object({ slug: Type.String(), name: Type.String(), sourceId: Type.String(), timeZone: Type.String() })),
  verification: Type.Union([Type.Unknown({ description: 'Who is on call in Vigil and in the source, compared (as `vigil import --verify --json` prints it)' }), Type.Null()]),
});

const Run = Type.Object({
  id: Type.String(),
  vendor: Type.String(),
  apply: Type.Boolean({ description: 'false: a plan (dry run)' }),
  verify: Type.Boolean(),
  state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  startedAt: Type.Number(),
  finishedAt: Type.Union([Type.Number(), Type.Null()]),
  startedBy: Type.String(),
  steps: Type.Array(Step),
  notes: Type.Array(Type.String(), { description: 'e.g. rate-limit waits' }),
  report: Type.Union([Report, Type.Null()]),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
});

export function importRoutes(runsFor: (deps: HttpDeps) => ImportRunsPort) {
  return (app: App, deps: HttpDeps): void => {
    const runs = runsFor(deps);
    const tags = ['imports'];
    app.post('/api/v1/imports', {
      config: { auth: 'admin' },
      schema: {
        tags,
        summary: 'Import from OpsGenie or PagerDuty (admin): plan it (apply: false) or apply it; poll the run for its progress and report',
        body: Type.Object(
          {
            vendor: Type.Union([Type.Literal('opsgenie'), Type.Literal('pagerduty')]),
            apiKey: Type.String({ minLength: 1, maxLength: 200, description: 'OpsGenie API key or PagerDuty REST API token (read access is enough); used for this run only, never stored' }),
            apiUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'The vendor API, e.g. https://api.eu.opsgenie.com (default: the vendor’s)' })),
            apply: Type.Boolean(),
            verify: Type.Optional(Type.Boolean({ description: 'After applying, compare who is on call in Vigil and in the source' })),
            weeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 52, description: 'Weeks to verify (default 4)' })),
            includeClockChange: Type.Optional(Type.Boolean({ description: "Extend the verification past the next daylight-saving change of each schedule's zone (default true)" })),
          },
          { additionalProperties: false },
        ),
        response: { 202: Run, ...StdErrors },
      },
      handler: async (req, reply) => reply.status(202).send(await runs.start(principalOf(req), req.body)),
    });
    app.get('/api/v1/imports/:id', {
      config: { auth: 'admin' },
      schema: { tags, summary: 'An import run: its steps so far, then its report or error (admin)', params: IdParams, response: { 200: Run, ...StdErrors } },
      handler: async (req) => runs.get(principalOf(req), req.params.id),
    });
  };
}
